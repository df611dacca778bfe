/**
 * `method: 'values'`: batched `INSERT INTO t ("c1", …) VALUES (…), (…)` with typed, escaped
 * literals, an explicit column list, and statements capped in bytes and rows. Statements run one
 * after another (concurrent INSERTs into one Iceberg table would conflict on commit).
 */
import type { DremioClient } from '../client.js'
import { DremioError } from '../errors.js'
import { quoteIdentifier } from '../sql.js'
import type { LoadColumn } from './column-types.js'
import type { PreparedChunk } from './load-data.js'
import { DremioLoadError } from './load-error.js'
import { literalOf } from './value-codec.js'

/** Accumulates rows into INSERT statements and runs each as it fills. */
export class ValuesWriter {
  readonly #client: DremioClient
  readonly #columns: readonly LoadColumn[]
  readonly #head: string
  readonly #maxBytes: number
  readonly #maxRows: number
  readonly #signal: AbortSignal | undefined
  readonly #onStatement: (rowsWritten: number) => void
  #tuples: string[] = []
  #bytes = 0
  #rowsInBatch = 0
  /** Rows Dremio reported written so far. */
  rowsWritten = 0
  /** Statements run so far. */
  statements = 0

  constructor(
    client: DremioClient,
    target: string,
    columns: readonly LoadColumn[],
    limits: { maxBytes: number; maxRows: number; signal?: AbortSignal | undefined },
    onStatement: (rowsWritten: number) => void,
  ) {
    this.#client = client
    this.#columns = columns
    this.#head = `INSERT INTO ${target} (${columns.map((c) => quoteIdentifier(c.name)).join(', ')}) VALUES `
    this.#maxBytes = limits.maxBytes
    this.#maxRows = limits.maxRows
    this.#signal = limits.signal
    this.#onStatement = onStatement
  }

  /** Adds the rows of a chunk; `offset` is the chunk's first row index in the whole input. */
  async add(chunk: PreparedChunk, offset: number): Promise<void> {
    const headBytes = Buffer.byteLength(this.#head)
    for (let i = 0; i < chunk.length; i++) {
      const values = chunk.row(i)
      let tuple = '('
      for (let k = 0; k < values.length; k++) {
        if (k > 0) tuple += ', '
        tuple += literalOf(values[k] ?? null, (this.#columns[k] as LoadColumn).type)
      }
      tuple += ')'
      const size = Buffer.byteLength(tuple) + 2
      if (headBytes + size > this.#maxBytes) {
        throw new DremioLoadError(
          'DF_LOAD_INVALID_INPUT',
          `Row ${offset + i} alone needs ${headBytes + size} bytes of SQL, more than ` +
            `maxStatementBytes (${this.#maxBytes}): raise it or use method 'staging'.`,
          { rowIndex: offset + i, rowsWritten: this.rowsWritten },
        )
      }
      if (headBytes + this.#bytes + size > this.#maxBytes || this.#rowsInBatch >= this.#maxRows) {
        await this.flush()
      }
      this.#tuples.push(tuple)
      this.#bytes += size
      this.#rowsInBatch++
    }
  }

  /** Runs the pending statement, if any. */
  async flush(): Promise<void> {
    if (this.#tuples.length === 0) return
    const sql = this.#head + this.#tuples.join(', ')
    this.#tuples = []
    this.#bytes = 0
    this.#rowsInBatch = 0
    if (this.#signal?.aborted) throw abortError(this.rowsWritten, this.#signal)
    let result: Awaited<ReturnType<DremioClient['execute']>>
    try {
      result = await this.#client.execute(sql, this.#signal ? { signal: this.#signal } : {})
    } catch (cause) {
      throw new DremioLoadError(
        'DF_LOAD_STATEMENT_FAILED',
        `INSERT statement ${this.statements + 1} failed after ${this.rowsWritten} rows were ` +
          `written: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause, rowsWritten: this.rowsWritten },
      )
    }
    this.statements++
    this.rowsWritten += recordsOf(result)
    this.#onStatement(this.rowsWritten)
  }
}

/** Rows a DML result reports. @throws DremioLoadError when the result is not a DML count. */
export function recordsOf(result: Awaited<ReturnType<DremioClient['execute']>>): number {
  if (result.kind === 'dml') return result.recordsAffected
  throw new DremioLoadError(
    'DF_LOAD_STATEMENT_FAILED',
    `Expected a DML result with Records, got a ${result.kind} result.`,
  )
}

/** The error of a load stopped by its signal. */
export function abortError(rowsWritten: number, signal: AbortSignal): DremioLoadError {
  // The cause carries DF_DREMIO_ABORTED, which the load error takes as its code.
  const cause = new DremioError('DF_DREMIO_ABORTED', 'The load was aborted.', {
    cause: signal.reason,
  })
  return new DremioLoadError(
    'DF_LOAD_STATEMENT_FAILED',
    `The load was aborted after ${rowsWritten} rows were written.`,
    { cause, rowsWritten },
  )
}
