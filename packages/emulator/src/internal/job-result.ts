/**
 * A completed job's result, materialized once by DuckDB and served page by page. A page is cut
 * from DuckDB's own chunks (2048 rows each): a chunk is turned into Dremio row JSON strings the
 * first time a page touches it and kept in a small LRU, so clients paging in parallel and in
 * order convert each row once and the query never runs again.
 */
import type {
  DuckDBDataChunk,
  DuckDBMaterializedResult,
  DuckDBType,
  DuckDBVector,
} from '@duckdb/node-api'
import { type DremioField, dedupe, dremioType, encoderFor, nullable } from './encode.js'
import { BLOCK_ROWS } from './json-query.js'

const CHUNK_CACHE = 48

/** What the results endpoint needs from a job's result. */
export interface ResultPages {
  readonly rowCount: number
  readonly schema: DremioField[]
  /** The full body of `GET /job/{id}/results` for this slice. */
  pageBody(offset: number, limit: number): string
  /** All rows as JS objects (for `emulator.query()`). */
  allRows(): Record<string, unknown>[]
}

/** Shared paging over DuckDB chunks; subclasses turn one chunk into row JSON strings. */
abstract class ChunkedResult implements ResultPages {
  readonly rowCount: number
  readonly schema: DremioField[]
  protected readonly result: DuckDBMaterializedResult
  private readonly schemaJson: string
  private readonly starts: number[] = []
  /** DuckDB chunks, fetched once (getChunk is a native call). */
  protected readonly chunks: DuckDBDataChunk[] = []
  private readonly cache = new Map<number, string[]>()

  constructor(result: DuckDBMaterializedResult, schema: DremioField[]) {
    this.result = result
    this.schema = schema
    this.schemaJson = JSON.stringify(schema)
    let total = 0
    for (let k = 0; k < result.chunkCount; k++) {
      const chunk = result.getChunk(k)
      this.chunks.push(chunk)
      this.starts.push(total)
      total += chunk.rowCount
    }
    this.rowCount = total
  }

  allRows(): Record<string, unknown>[] {
    return JSON.parse(`[${this.rowTexts(0, this.rowCount).join(',')}]`) as Record<string, unknown>[]
  }

  pageBody(offset: number, limit: number): string {
    const rows = this.rowTexts(offset, limit)
    return `{"rowCount":${this.rowCount},"schema":${this.schemaJson},"rows":[${rows.join(',')}]}`
  }

  private rowTexts(offset: number, limit: number): string[] {
    const end = Math.min(this.rowCount, offset + limit)
    const out: string[] = []
    if (offset >= end) return out
    let k = this.chunkIndex(offset)
    let row = offset
    while (row < end) {
      const chunkStart = this.starts[k] as number
      const rows = this.chunkRows(k)
      const stop = Math.min(end, chunkStart + rows.length)
      for (let r = row - chunkStart; r < stop - chunkStart; r++) out.push(rows[r] as string)
      row = stop
      k++
    }
    return out
  }

  private chunkIndex(row: number): number {
    let lo = 0
    let hi = this.starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((this.starts[mid] as number) <= row) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  private chunkRows(k: number): string[] {
    const cached = this.cache.get(k)
    if (cached !== undefined) {
      this.cache.delete(k)
      this.cache.set(k, cached)
      return cached
    }
    const rows = this.encodeChunk(k)
    this.cache.set(k, rows)
    if (this.cache.size > CHUNK_CACHE) {
      const oldest = this.cache.keys().next().value
      if (oldest !== undefined) this.cache.delete(oldest)
    }
    return rows
  }

  protected abstract encodeChunk(k: number): string[]
}

/** Typed DuckDB values encoded in JS (any type, including nested ones). */
export class TypedResult extends ChunkedResult {
  private readonly keys: string[]
  private readonly encoders: ((v: unknown) => string)[]

  constructor(result: DuckDBMaterializedResult) {
    const names = dedupe(result.columnNames())
    const types: DuckDBType[] = result.columnTypes()
    super(
      result,
      names.map((name, i) => ({ name, type: dremioType(types[i] as DuckDBType) })),
    )
    this.keys = names.map((name, i) => `${i === 0 ? '{' : ','}${JSON.stringify(name)}:`)
    this.encoders = types.map((t) => nullable(encoderFor(t)) as (v: unknown) => string)
  }

  protected encodeChunk(k: number): string[] {
    const chunk = this.chunks[k] as DuckDBDataChunk
    const columns = this.encoders.map((enc, c) => chunk.getColumnValues(c).map(enc))
    const rows: string[] = new Array(chunk.rowCount)
    const width = columns.length
    for (let r = 0; r < chunk.rowCount; r++) {
      let text = ''
      for (let c = 0; c < width; c++) text += (this.keys[c] as string) + (columns[c] as string[])[r]
      rows[r] = width === 0 ? '{}' : `${text}}`
    }
    return rows
  }
}

/**
 * Rows DuckDB already rendered as JSON, in blocks of `BLOCK_ROWS` newline-separated rows (see
 * json-query.ts). Block k holds rows [k * BLOCK_ROWS, (k + 1) * BLOCK_ROWS).
 */
export class JsonBlocksResult implements ResultPages {
  readonly rowCount: number
  readonly schema: DremioField[]
  private readonly schemaJson: string
  /** Held so DuckDB keeps the chunks' memory alive. */
  readonly result: DuckDBMaterializedResult
  /** DuckDB chunk index and row inside it, per block. */
  private readonly where: [number, number][] = []
  /** The `rows` vector of each DuckDB chunk (getChunk is a native call: do it once). */
  private readonly vectors: DuckDBVector[] = []
  /**
   * The chunks themselves: a chunk frees its native memory when garbage-collected, which would
   * leave its vector pointing at freed memory.
   */
  private readonly chunks: DuckDBDataChunk[] = []
  private readonly cache = new Map<number, string[]>()

  constructor(result: DuckDBMaterializedResult, schema: DremioField[]) {
    this.result = result
    this.schema = schema
    this.schemaJson = JSON.stringify(schema)
    let total = 0
    for (let k = 0; k < result.chunkCount; k++) {
      const chunk = result.getChunk(k)
      this.chunks.push(chunk)
      this.vectors.push(chunk.getColumnVector(2))
      const counts = chunk.getColumnValues(1) as bigint[]
      counts.forEach((n, r) => {
        this.where.push([k, r])
        total += Number(n)
      })
    }
    this.rowCount = total
  }

  pageBody(offset: number, limit: number): string {
    return `{"rowCount":${this.rowCount},"schema":${this.schemaJson},"rows":[${this.rowTexts(offset, limit).join(',')}]}`
  }

  allRows(): Record<string, unknown>[] {
    return JSON.parse(`[${this.rowTexts(0, this.rowCount).join(',')}]`) as Record<string, unknown>[]
  }

  private rowTexts(offset: number, limit: number): string[] {
    const end = Math.min(this.rowCount, offset + limit)
    const out: string[] = []
    for (let row = offset; row < end; ) {
      const block = Math.floor(row / BLOCK_ROWS)
      const rows = this.blockRows(block)
      const first = row - block * BLOCK_ROWS
      const stop = Math.min(rows.length, first + (end - row))
      // A block shorter than its count would loop forever; fail the request loudly instead.
      if (stop <= first)
        throw new Error(`[@df/emulator] result block ${block} is shorter than expected`)
      for (let r = first; r < stop; r++) out.push(rows[r] as string)
      row += stop - first
    }
    return out
  }

  private blockRows(block: number): string[] {
    const cached = this.cache.get(block)
    if (cached !== undefined) return cached
    const [k, r] = this.where[block] as [number, number]
    const rows = ((this.vectors[k] as DuckDBVector).getItem(r) as string).split('\n')
    this.cache.set(block, rows)
    if (this.cache.size > CHUNK_CACHE) {
      const oldest = this.cache.keys().next().value
      if (oldest !== undefined) this.cache.delete(oldest)
    }
    return rows
  }
}
