/**
 * `method: 'staging'`: each chunk becomes Parquet files (parquet-wasm) in a fresh staging area,
 * then ONE `COPY INTO t FROM '@source/area' FILE_FORMAT 'parquet'` loads them all (one Iceberg
 * commit, so the load is all or nothing). The area is removed in `finally`, also on failure.
 */
import type { DremioClient } from '../client.js'
import type { PreparedChunk } from './load-data.js'
import { DremioLoadError } from './load-error.js'
import { type ParquetCompression, writeParquet } from './parquet.js'
import { locationLiteral, type Stager, type StagingArea } from './stager.js'
import { abortError, recordsOf } from './values-method.js'

/** Writes chunks to a staging area and copies them into the target at the end. */
export class StagingWriter {
  readonly #area: StagingArea
  readonly #rowsPerFile: number
  readonly #compression: ParquetCompression | undefined
  readonly #signal: AbortSignal | undefined
  readonly #onFile: (rowsStaged: number) => void
  /** Rows written to staged files so far. */
  rowsStaged = 0
  /** Files staged so far. */
  files = 0

  private constructor(
    area: StagingArea,
    options: {
      rowsPerFile: number
      compression?: ParquetCompression | undefined
      signal?: AbortSignal | undefined
    },
    onFile: (rowsStaged: number) => void,
  ) {
    this.#area = area
    this.#rowsPerFile = options.rowsPerFile
    this.#compression = options.compression
    this.#signal = options.signal
    this.#onFile = onFile
  }

  /** Opens a staging area on `stager` for one load. */
  static async open(
    stager: Stager,
    loadId: string,
    options: {
      rowsPerFile: number
      compression?: ParquetCompression | undefined
      signal?: AbortSignal | undefined
    },
    onFile: (rowsStaged: number) => void,
  ): Promise<StagingWriter> {
    return new StagingWriter(await stager.open(loadId), options, onFile)
  }

  /** The area's COPY INTO location. */
  get location(): string {
    return this.#area.location
  }

  /** Stages a chunk as one or more Parquet files of at most `rowsPerFile` rows. */
  async add(chunk: PreparedChunk): Promise<void> {
    if (chunk.length === 0) return
    const table = chunk.toArrow()
    for (let start = 0; start < table.numRows; start += this.#rowsPerFile) {
      if (this.#signal?.aborted) throw abortError(0, this.#signal)
      const part = table.slice(start, Math.min(table.numRows, start + this.#rowsPerFile))
      const bytes = await writeParquet(part, this.#compression)
      await this.#area.put(`part-${String(this.files).padStart(5, '0')}.parquet`, bytes)
      this.files++
      this.rowsStaged += part.numRows
      this.#onFile(this.rowsStaged)
    }
  }

  /** Runs the COPY INTO over every staged file; 0 when nothing was staged. */
  async copyInto(client: DremioClient, target: string): Promise<number> {
    if (this.files === 0) return 0
    if (this.#signal?.aborted) throw abortError(0, this.#signal)
    const sql = `COPY INTO ${target} FROM ${locationLiteral(this.#area.location)} FILE_FORMAT 'parquet'`
    try {
      return recordsOf(await client.execute(sql, this.#signal ? { signal: this.#signal } : {}))
    } catch (cause) {
      if (DremioLoadError.isLoadError(cause)) throw cause
      throw new DremioLoadError(
        'DF_LOAD_STATEMENT_FAILED',
        `COPY INTO from ${this.#area.location} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause },
      )
    }
  }

  /** Removes the staging area (idempotent). */
  remove(): Promise<void> {
    return this.#area.remove()
  }
}
