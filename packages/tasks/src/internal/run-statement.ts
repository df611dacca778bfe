/**
 * Runs one SQL statement as a Dremio job: submit through the REST job API, report the job id,
 * wait with the client's backoff, cancel the job when the signal aborts (timeout, run cancel),
 * and read back only what was asked for: a few result rows to parse DDL/DML counters, or the
 * caller's rows up to a cap. Never pulls a whole result set.
 */
import {
  batchRows,
  type DremioClient,
  type DremioField,
  type ExecuteResult,
  parseExecuteResult,
  type ResultTransport,
  type Row,
} from '@df/client'
import { wrapDremioError } from '../dremio-task-error.js'

/** DDL/DML/OPTIMIZE/VACUUM answer with a handful of rows; bigger results are queries. */
const PARSE_LIMIT = 100
const PAGE = 500

/** Options of {@link runStatement}. */
export interface StatementOptions {
  readonly signal?: AbortSignal | undefined
  readonly context?: readonly string[] | undefined
  /** Called once the job exists (before waiting). */
  readonly onJob?: ((jobId: string) => void) | undefined
  /** Read up to this many rows into `rows`. */
  readonly maxRows?: number | undefined
  /** Prefix for errors, e.g. `Statement 2 of 3`. */
  readonly where?: string | undefined
  /** How rows are fetched when `maxRows` is given (DDL/DML always run as REST jobs). */
  readonly transport?: ResultTransport | undefined
}

/** What one statement produced. */
export interface StatementRun {
  /** The Dremio job id; absent over Arrow Flight, where Dremio does not report it. */
  readonly jobId: string | undefined
  /**
   * Dremio's result row count (1 for DML: read `result` for rows affected). Over Flight: the
   * rows read, at most `maxRows + 1` (reading stops past the cap).
   */
  readonly rowCount: number
  /** The parsed result when the result was small enough to read (≤ 100 rows). */
  readonly result: ExecuteResult | undefined
  /** Rows, when `maxRows` was given. */
  readonly rows: Row[] | undefined
  readonly schema: DremioField[] | undefined
}

/**
 * Runs `sql`. Rejects with the signal's reason when aborted (after asking Dremio to cancel the
 * job), or with a `DremioTaskError` carrying Dremio's error text.
 */
export async function runStatement(
  client: DremioClient,
  sql: string,
  options: StatementOptions = {},
): Promise<StatementRun> {
  const { signal } = options
  if (signal?.aborted) throw signal.reason
  if (options.maxRows !== undefined && (options.transport ?? 'rest') !== 'rest') {
    return rowsOverFlight(client, sql, options.maxRows, options)
  }
  let jobId: string | undefined
  try {
    // The signal is not passed to the POST: aborting it mid-flight could leave a job the server
    // accepted but whose id we never learn. Submitting is quick; the job is cancelled below.
    const job = await client.submit(sql, options.context ? { context: options.context } : {})
    jobId = job.id
    options.onJob?.(job.id)
    // Cancel on abort: the engine has already moved on, but the job must not keep running.
    const cancel = (): void => {
      job.cancel().catch(() => undefined)
    }
    signal?.addEventListener('abort', cancel, { once: true })
    try {
      if (signal?.aborted) cancel()
      const status = await job.wait(signal ? { signal } : {})
      const rowCount = status.rowCount
      const want = options.maxRows
      if (want !== undefined) {
        const rows: Row[] = []
        let schema: DremioField[] | undefined
        for (let offset = 0; offset < Math.min(want, rowCount) || schema === undefined; ) {
          // limit ≥ 1: Dremio's behaviour for limit=0 is unconfirmed (reference §6.1).
          const limit = Math.min(PAGE, Math.max(1, Math.min(want, rowCount) - offset))
          const page = await job.page(offset, limit, signal)
          schema = page.schema
          for (const row of page.rows) if (rows.length < want) rows.push(row)
          offset += page.rows.length
          if (page.rows.length === 0) break
        }
        const result = rowCount <= rows.length ? parseExecuteResult(schema, rows) : undefined
        return { jobId: job.id, rowCount, result, rows, schema }
      }
      if (rowCount > PARSE_LIMIT) {
        return { jobId: job.id, rowCount, result: undefined, rows: undefined, schema: undefined }
      }
      const page = await job.page(0, Math.max(1, rowCount), signal)
      return {
        jobId: job.id,
        rowCount,
        result: parseExecuteResult(page.schema, page.rows),
        rows: undefined,
        schema: page.schema,
      }
    } finally {
      signal?.removeEventListener('abort', cancel)
    }
  } catch (error) {
    if (signal?.aborted) throw signal.reason
    throw wrapDremioError(error, jobId, options.where)
  }
}

/**
 * Reads up to `max + 1` rows over Arrow Flight (one more than the cap tells whether more
 * existed), then ends the stream: Dremio cancels the rest of the job.
 */
async function rowsOverFlight(
  client: DremioClient,
  sql: string,
  max: number,
  options: StatementOptions,
): Promise<StatementRun> {
  const { signal } = options
  const rows: Row[] = []
  try {
    const batches = client.queryBatches(sql, {
      transport: options.transport,
      ...(signal ? { signal } : {}),
      ...(options.context ? { context: options.context } : {}),
    })
    for await (const batch of batches) {
      for (const row of batchRows(batch)) {
        rows.push(row)
        if (rows.length > max) break
      }
      if (rows.length > max) break
    }
  } catch (error) {
    if (signal?.aborted) throw signal.reason
    throw wrapDremioError(error, undefined, options.where)
  }
  return { jobId: undefined, rowCount: rows.length, result: undefined, rows, schema: undefined }
}
