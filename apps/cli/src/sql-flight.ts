/**
 * `sql --transport flight|auto`: a statement's result streamed as Arrow record batches over
 * Dremio's Flight endpoint instead of REST JSON pages. Dremio does not report the job id over
 * Flight, so the outcome has none; the row count is what the stream delivered (reading stops
 * one row past a `--max-rows` cap that refuses bigger results, and Dremio then cancels the
 * rest of the job). An abort (SIGINT/SIGTERM) ends the stream, which cancels the job.
 */
import {
  batchRows,
  type DremioClient,
  type DremioField,
  dremioSchemaOf,
  type Row,
} from '@df/client'

/** What one statement read over Flight. */
export interface FlightRead {
  readonly schema: DremioField[]
  readonly rows: Row[]
  /** Rows the stream delivered (at most `stopAfter + 1` when `stopAfter` is given). */
  readonly rowCount: number
}

/**
 * Streams `sql`'s result, keeping the first `keep` rows; with `stopAfter`, stops reading once
 * more than that many rows arrived (the caller refuses the result).
 */
export async function readOverFlight(
  client: DremioClient,
  sql: string,
  transport: 'flight' | 'auto',
  keep: number,
  signal: AbortSignal,
  stopAfter?: number,
): Promise<FlightRead> {
  const rows: Row[] = []
  let schema: DremioField[] | undefined
  let rowCount = 0
  for await (const batch of client.queryBatches(sql, { transport, signal })) {
    schema ??= dremioSchemaOf(batch.schema)
    if (rows.length < keep) {
      for (const row of batchRows(batch.slice(0, keep - rows.length))) rows.push(row)
    }
    rowCount += batch.numRows
    if (stopAfter !== undefined && rowCount > stopAfter) break
  }
  return { schema: schema ?? [], rows, rowCount }
}
