/**
 * What `sql` prints, per `--format`:
 * - `table` (default): each statement's rows as an aligned table (at most `--max-rows` shown),
 *   then `(N rows; job …)`;
 * - `csv`: each statement's rows as RFC 4180 CSV;
 * - `json`: ONE compact line: the summary with the last statement's `rows`;
 * - `jsonl`: the last statement's rows, one JSON object per line, then the summary line.
 * With `json`/`jsonl` the LAST stdout line is always that one compact JSON summary (also after a
 * failure or a cancel): Airflow's BashOperator pushes the last line to XCom.
 */
import { type DremioField, type ExecuteResult, parseExecuteResult, type Row } from '@df/client'
import { executeResultFields } from '@df/tasks'
import type { SqlFormat } from './commands/sql.js'
import { cellText, renderCsv, renderTable } from './format.js'

/** One statement that ran. */
export interface StatementOutcome {
  readonly sql: string
  /** The Dremio job; absent over Arrow Flight, where Dremio does not report it. */
  readonly jobId?: string
  /** Dremio's result row count (over Flight: the rows the stream delivered). */
  readonly rowCount: number
  readonly schema: readonly DremioField[]
  /** The rows read (all of them, unless the format needs none). */
  readonly rows: readonly Row[]
}

/** The JSON summary (the last stdout line with `json`/`jsonl`). */
export interface SqlSummary {
  readonly ok: boolean
  /** Why it failed or was cancelled (`cancelled by SIGTERM`). */
  readonly error?: string
  /** Every job, in order (one per statement submitted over REST; Flight reports none). */
  readonly jobIds: string[]
  readonly statements: Record<string, unknown>[]
  /** The last statement's result row count. */
  readonly rowCount: number
  /** Rows written by the DML statements (INSERT, UPDATE, DELETE, MERGE, CTAS, COPY INTO). */
  readonly recordsAffected?: number
  readonly columns?: string[]
  readonly rows?: readonly Row[]
}

/** Column names of a result (`col1`… for unnamed ones). */
export function columnsOf(schema: readonly DremioField[]): string[] {
  return schema.map((f, i) => f.name ?? `col${i + 1}`)
}

/** Prints one finished statement for `table`/`csv` (json/jsonl print at the end). */
export function printStatement(
  out: NodeJS.WritableStream,
  format: SqlFormat,
  s: StatementOutcome,
  index: number,
  total: number,
  maxRows: number,
): void {
  const columns = columnsOf(s.schema)
  if (format === 'csv') {
    out.write(renderCsv(columns, s.rows))
    return
  }
  if (format !== 'table') return
  if (total > 1) out.write(`${index > 0 ? '\n' : ''}-- ${excerpt(s.sql, 100)}\n`)
  const shown = s.rows.length > maxRows ? s.rows.slice(0, maxRows) : s.rows
  const cells: string[][] = []
  for (const row of shown) cells.push(columns.map((c) => cellText(row[c])))
  out.write(`${renderTable(columns, cells)}\n`)
  const more = s.rowCount > shown.length ? `, ${shown.length} shown` : ''
  const source = s.jobId === undefined ? 'Arrow Flight' : `job ${s.jobId}`
  out.write(`(${s.rowCount} row${s.rowCount === 1 ? '' : 's'}${more}; ${source})\n`)
}

/**
 * Prints the end of a `json`/`jsonl` output: the last statement's rows (`jsonl`, one per line)
 * and the summary line. Nothing for `table`/`csv`.
 */
export function printSummary(
  out: NodeJS.WritableStream,
  format: SqlFormat,
  done: readonly StatementOutcome[],
  failure?: { readonly error: string; readonly jobId?: string },
): void {
  if (format !== 'json' && format !== 'jsonl') return
  const last = failure ? undefined : done.at(-1)
  if (format === 'jsonl' && last) for (const row of last.rows) out.write(`${JSON.stringify(row)}\n`)
  const summary = summarize(done, failure)
  const body: SqlSummary =
    format === 'json' && last
      ? { ...summary, columns: columnsOf(last.schema), rows: last.rows }
      : summary
  out.write(`${JSON.stringify(body)}\n`)
}

/** The summary of the statements that ran (and of the failure, if any). */
export function summarize(
  done: readonly StatementOutcome[],
  failure?: { readonly error: string; readonly jobId?: string },
): SqlSummary {
  let records: number | undefined
  const statements = done.map((s) => {
    const parsed = resultOf(s)
    if (parsed?.kind === 'dml') records = (records ?? 0) + parsed.recordsAffected
    return {
      sql: excerpt(s.sql, 200),
      ...(s.jobId !== undefined ? { jobId: s.jobId } : {}),
      rowCount: s.rowCount,
      ...executeResultFields(parsed),
    }
  })
  const jobIds = done.flatMap((s) => (s.jobId === undefined ? [] : [s.jobId]))
  if (failure?.jobId !== undefined) jobIds.push(failure.jobId)
  return {
    ok: failure === undefined,
    ...(failure ? { error: failure.error } : {}),
    jobIds,
    statements,
    rowCount: done.at(-1)?.rowCount ?? 0,
    ...(records !== undefined ? { recordsAffected: records } : {}),
  }
}

/** DDL/DML counters, when the statement's whole (small) result was read. */
function resultOf(s: StatementOutcome): ExecuteResult | undefined {
  if (s.rows.length < s.rowCount || s.rowCount > 100) return undefined
  return parseExecuteResult([...s.schema], [...s.rows])
}

/** One line of at most `n` characters. */
function excerpt(sql: string, n: number): string {
  const flat = sql.replace(/\s+/g, ' ').trim()
  return flat.length > n ? `${flat.slice(0, n - 1)}…` : flat
}
