/**
 * The body of `sql`: runs SQL on Dremio exactly as written (SELECT, DDL, DML). A script with
 * several statements runs them in order, one Dremio job each, and stops at the first failure
 * (earlier statements stay applied: Dremio has no multi-statement transactions). The script is
 * split into statements before `{{ … }}` is rendered (see `sql-text.ts`).
 *
 * SIGINT / SIGTERM cancel the running Dremio job at once (the submit itself is never aborted: a
 * signal during `POST /sql` would lose the id of a job Dremio already accepted; it is cancelled
 * as soon as the id is known) and exit 130 / 143.
 */
import type { DremioField, Job, Row } from '@df/client'
import { CliError } from '../cli-error.js'
import type { CliContext } from '../context.js'
import { parseParams } from '../format.js'
import { watchCancelSignals } from '../signals.js'
import { readOverFlight } from '../sql-flight.js'
import { printStatement, printSummary, type StatementOutcome } from '../sql-output.js'
import { prepareStatements, readSqlText } from '../sql-text.js'
import type { SqlFlags } from './sql.js'

/** DDL/DML answer with a handful of rows: read them for the summary's counters. */
const COUNTER_ROWS = 100

/** Runs `sql`; resolves with the exit code. */
export async function runSql(
  ctx: CliContext,
  text: string | undefined,
  flags: SqlFlags,
): Promise<number> {
  const script = readSqlText(text, flags.file)
  const params = parseParams(flags.param ?? [])
  const statements = prepareStatements(script, {
    logicalDate: flags.logicalDate ?? new Date().toISOString(),
    runId: flags.runId ?? 'cli',
    params,
  })
  const { format, maxRows } = flags
  const out = ctx.io.stdout
  const client = ctx.client()
  const done: StatementOutcome[] = []
  const watch = watchCancelSignals()
  const { signal } = watch
  try {
    for (const [i, statement] of statements.entries()) {
      const last = i === statements.length - 1
      const label =
        statements.length > 1 ? `Statement ${i + 1} of ${statements.length}` : 'Statement'
      ctx.verbose(`${label}: ${statement.replace(/\s+/g, ' ').slice(0, 200)}`)
      if (signal.aborted) return cancelled(ctx, format, done, watch.exitCode)
      if (flags.transport === 'flight' || flags.transport === 'auto') {
        const transport = flags.transport
        try {
          const json = format === 'json' || format === 'jsonl'
          const keep =
            format === 'csv' || (json && last)
              ? Number.POSITIVE_INFINITY
              : format === 'table'
                ? maxRows
                : COUNTER_ROWS
          const stopAfter = json && last ? maxRows : undefined
          const read = await readOverFlight(client, statement, transport, keep, signal, stopAfter)
          if (stopAfter !== undefined && read.rowCount > stopAfter) {
            const error = tooLarge(`more than ${maxRows}`, maxRows)
            printSummary(out, format, done, { error: error.message })
            throw error
          }
          const outcome = { sql: statement, ...read }
          done.push(outcome)
          printStatement(out, format, outcome, i, statements.length, maxRows)
        } catch (error) {
          if (signal.aborted) {
            ctx.io.stderr.write(
              '[dremio-cli] cancelled the Arrow Flight stream (Dremio cancels its job)\n',
            )
            return cancelled(ctx, format, done, watch.exitCode)
          }
          if (CliError.is(error)) throw error
          return failed(ctx, format, done, label, i, error)
        }
        continue
      }
      const job = await client.submit(statement)
      let cancelling: Promise<unknown> | undefined
      const cancel = () => {
        cancelling ??= job.cancel().catch(() => false)
      }
      signal.addEventListener('abort', cancel, { once: true })
      try {
        if (signal.aborted) throw signal.reason
        const status = await job.wait({ signal })
        const json = format === 'json' || format === 'jsonl'
        if (json && last && status.rowCount > maxRows) {
          const error = tooLarge(String(status.rowCount), maxRows)
          printSummary(out, format, done, { error: error.message, jobId: job.id })
          throw error
        }
        const want =
          format === 'csv' || (json && last)
            ? status.rowCount
            : format === 'table'
              ? Math.min(status.rowCount, maxRows)
              : status.rowCount <= COUNTER_ROWS
                ? status.rowCount
                : 0
        const { schema, rows } = await readRows(job, want, signal)
        const outcome = { sql: statement, jobId: job.id, rowCount: status.rowCount, schema, rows }
        done.push(outcome)
        printStatement(out, format, outcome, i, statements.length, maxRows)
      } catch (error) {
        if (signal.aborted) {
          cancel()
          await cancelling
          ctx.io.stderr.write(`[dremio-cli] cancelled Dremio job ${job.id}\n`)
          return cancelled(ctx, format, done, watch.exitCode, job.id)
        }
        if (CliError.is(error)) throw error
        return failed(ctx, format, done, label, i, error, job.id)
      } finally {
        signal.removeEventListener('abort', cancel)
      }
    }
  } finally {
    watch.dispose()
  }
  printSummary(out, format, done)
  return 0
}

/** Reads up to `want` rows (and the schema, even for none). */
async function readRows(
  job: Job,
  want: number,
  signal: AbortSignal,
): Promise<{ schema: DremioField[]; rows: Row[] }> {
  const rows: Row[] = []
  let schema: DremioField[] | undefined
  if (want > 0) {
    for await (const page of job.pages({ signal })) {
      schema = page.schema
      for (const row of page.rows) {
        if (rows.length >= want) break
        rows.push(row)
      }
      if (rows.length >= want) break
    }
  }
  schema ??= (await job.page(0, 1, signal)).schema
  return { schema, rows }
}

/** Reports a failed statement (stderr, and the JSON summary line); resolves the exit code 1. */
function failed(
  ctx: CliContext,
  format: SqlFlags['format'],
  done: readonly StatementOutcome[],
  label: string,
  index: number,
  error: unknown,
  jobId?: string,
): number {
  const applied = index > 0 ? ` (statements 1-${index} completed and stay applied)` : ''
  const message = `${label} failed${applied}: ${(error as Error).message}`
  ctx.io.stderr.write(`${message}\n`)
  printSummary(ctx.io.stdout, format, done, { error: message, ...(jobId ? { jobId } : {}) })
  return 1
}

function tooLarge(rowCount: string, maxRows: number): CliError {
  return new CliError(
    'DF_CLI_RESULT_TOO_LARGE',
    `The result has ${rowCount} rows, more than --max-rows ${maxRows}: a JSON result belongs in the last stdout line only when it is small (Airflow keeps that line as an XCom). Keep big results in Dremio (CREATE TABLE … AS SELECT …) and return a count or a sample, use --format csv, or raise --max-rows.`,
  )
}

function cancelled(
  ctx: CliContext,
  format: SqlFlags['format'],
  done: readonly StatementOutcome[],
  code: number,
  jobId?: string,
): number {
  const reason = code === 130 ? 'cancelled by SIGINT' : 'cancelled by SIGTERM'
  printSummary(ctx.io.stdout, format, done, { error: reason, ...(jobId ? { jobId } : {}) })
  return code
}
