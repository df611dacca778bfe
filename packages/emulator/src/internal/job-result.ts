/**
 * A completed job's result, materialized once by DuckDB and served page by page. A page is cut
 * from DuckDB's own chunks (2048 rows each): a chunk is encoded to Dremio row JSON the first time
 * a page touches it and kept in a small LRU, so clients paging in parallel and in order encode
 * each row once and never re-run the query.
 */
import type { DuckDBMaterializedResult, DuckDBType } from '@duckdb/node-api'
import { type DremioField, dremioType, encoderFor, nullable } from './encode.js'

const CHUNK_CACHE = 48

export class JobResult {
  readonly rowCount: number
  readonly schema: DremioField[]
  private readonly schemaJson: string
  private readonly result: DuckDBMaterializedResult
  private readonly starts: number[] = []
  private readonly keys: string[]
  private readonly encoders: ((v: unknown) => string)[]
  private readonly cache = new Map<number, string[]>()

  constructor(result: DuckDBMaterializedResult) {
    this.result = result
    const names = result.deduplicatedColumnNames()
    const types: DuckDBType[] = result.columnTypes()
    this.schema = names.map((name, i) => ({ name, type: dremioType(types[i] as DuckDBType) }))
    this.schemaJson = JSON.stringify(this.schema)
    this.keys = names.map((name, i) => `${i === 0 ? '{' : ','}${JSON.stringify(name)}:`)
    this.encoders = types.map((t) => nullable(encoderFor(t)) as (v: unknown) => string)
    let total = 0
    for (let k = 0; k < result.chunkCount; k++) {
      this.starts.push(total)
      total += result.getChunk(k).rowCount
    }
    this.rowCount = total
  }

  /** The rows as JS objects (for `emulator.query()`), decoded from the same JSON clients get. */
  allRows(): Record<string, unknown>[] {
    return JSON.parse(`[${this.rowTexts(0, this.rowCount).join(',')}]`) as Record<string, unknown>[]
  }

  /** The full response body of `GET /job/{id}/results` for this slice. */
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
    const chunk = this.result.getChunk(k)
    const columns = this.encoders.map((enc, c) => chunk.getColumnValues(c).map(enc))
    const rows: string[] = new Array(chunk.rowCount)
    const width = columns.length
    for (let r = 0; r < chunk.rowCount; r++) {
      let text = ''
      for (let c = 0; c < width; c++) text += (this.keys[c] as string) + (columns[c] as string[])[r]
      rows[r] = width === 0 ? '{}' : `${text}}`
    }
    this.cache.set(k, rows)
    if (this.cache.size > CHUNK_CACHE) {
      const oldest = this.cache.keys().next().value
      if (oldest !== undefined) this.cache.delete(oldest)
    }
    return rows
  }
}
