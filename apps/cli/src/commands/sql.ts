/**
 * `sql "<sql>" | --file f.sql [--param k=v] [--format table|json|csv]`: runs SQL on Dremio
 * exactly as written (SELECT, DDL, DML). A script with several statements runs them in order,
 * one Dremio job each, and stops at the first failure (earlier statements stay applied: Dremio
 * has no multi-statement transactions). `{{ params.k }}`, `{{ ds }}` are rendered as in tasks.
 */
import { readFileSync } from 'node:fs'
import type { DremioField, Row } from '@df/client'
import { renderTemplate } from '@df/orchestration'
import { splitSqlStatements } from '@df/tasks'
import type { Command } from 'commander'
import { CliError } from '../cli-error.js'
import { cellText, collect, parseParams, renderCsv, renderTable } from '../format.js'
import type { Action } from '../program.js'

interface SqlFlags {
  file?: string
  param?: string[]
  format: string
  maxRows: string
}

/** Registers `sql`. */
export function registerSqlCommand(program: Command, action: Action): void {
  program
    .command('sql [sql]')
    .description('run SQL on Dremio: a statement, or a file of statements run in order')
    .option('-f, --file <file>', 'read the SQL from a file (statements separated by ;)')
    .option('--param <key=value>', 'template value for {{ params.key }}, repeatable', collect, [])
    .option('--format <format>', 'table, json or csv', 'table')
    .option('--max-rows <n>', 'rows printed per statement in table format', '1000')
    .action(
      action(async (ctx, text: string | undefined, flags: SqlFlags) => {
        if (!['table', 'json', 'csv'].includes(flags.format)) {
          throw new CliError(
            'DF_CLI_USAGE',
            `--format must be table, json or csv, got '${flags.format}'.`,
          )
        }
        if ((text === undefined) === (flags.file === undefined)) {
          throw new CliError(
            'DF_CLI_USAGE',
            'Give the SQL as an argument or with --file, not both.',
          )
        }
        let script = text ?? ''
        if (flags.file !== undefined) {
          try {
            script = readFileSync(flags.file, 'utf8')
          } catch (cause) {
            throw new CliError('DF_CLI_FILE_NOT_FOUND', `Cannot read SQL file ${flags.file}.`, {
              cause,
            })
          }
        }
        const params = parseParams(flags.param ?? [])
        const rendered = script.includes('{{')
          ? renderTemplate(script, { logicalDate: new Date().toISOString(), runId: 'cli', params })
          : script
        let statements: string[]
        try {
          statements = splitSqlStatements(rendered)
        } catch (cause) {
          // "SQL has an unterminated string literal starting on line 3."
          const detail = (cause as Error).message.replace(/^\[@df\/[a-z-]+\] /, '')
          throw new CliError('DF_CLI_USAGE', detail, { cause })
        }
        if (statements.length === 0) throw new CliError('DF_CLI_USAGE', 'The SQL has no statement.')
        const client = ctx.client()
        const maxRows = Math.max(1, Number(flags.maxRows) || 1000)
        const results: { sql: string; jobId: string; columns: string[]; rows: Row[] }[] = []
        const abort = new AbortController()
        const onSignal = () => abort.abort(new Error('cancelled by signal'))
        process.once('SIGINT', onSignal)
        try {
          for (const [i, statement] of statements.entries()) {
            const label =
              statements.length > 1 ? `Statement ${i + 1} of ${statements.length}` : 'Statement'
            ctx.verbose(`${label}: ${statement.replace(/\s+/g, ' ').slice(0, 200)}`)
            // No signal on the submit itself: a Ctrl-C in flight would lose the job id of a job
            // Dremio already accepted; the catch below cancels it once it is known.
            if (abort.signal.aborted) return 130
            const job = await client.submit(statement)
            const cancel = () => void job.cancel().catch(() => undefined)
            abort.signal.addEventListener('abort', cancel, { once: true })
            let schema: DremioField[] = []
            const rows: Row[] = []
            try {
              if (abort.signal.aborted) throw abort.signal.reason
              await job.wait({ signal: abort.signal })
              for await (const page of job.pages({ signal: abort.signal })) {
                schema = page.schema
                rows.push(...page.rows)
              }
            } catch (error) {
              if (abort.signal.aborted) {
                await job.cancel().catch(() => false)
                ctx.io.stderr.write(`[dremio-cli] cancelled Dremio job ${job.id}\n`)
                return 130
              }
              const done = i > 0 ? ` (statements 1-${i} completed and stay applied)` : ''
              ctx.io.stderr.write(`${label} failed${done}: ${(error as Error).message}\n`)
              printResults(ctx.io.stdout, flags.format, results, maxRows)
              return 1
            } finally {
              abort.signal.removeEventListener('abort', cancel)
            }
            results.push({
              sql: statement,
              jobId: job.id,
              columns: schema.map((f, i) => f.name ?? `col${i + 1}`),
              rows,
            })
          }
        } finally {
          process.off('SIGINT', onSignal)
        }
        printResults(ctx.io.stdout, flags.format, results, maxRows)
        return 0
      }),
    )
}

function printResults(
  out: NodeJS.WritableStream,
  format: string,
  results: { sql: string; jobId: string; columns: string[]; rows: Row[] }[],
  maxRows: number,
): void {
  if (format === 'json') {
    // One statement: its rows; several: one entry per statement.
    const body =
      results.length === 1
        ? results[0]?.rows
        : results.map((r) => ({ sql: r.sql, jobId: r.jobId, rows: r.rows }))
    if (results.length > 0) out.write(`${JSON.stringify(body, null, 2)}\n`)
    return
  }
  for (const [i, r] of results.entries()) {
    if (format === 'csv') {
      out.write(renderCsv(r.columns, r.rows))
      continue
    }
    if (results.length > 1)
      out.write(`${i > 0 ? '\n' : ''}-- ${r.sql.replace(/\s+/g, ' ').slice(0, 100)}\n`)
    const shown = r.rows.slice(0, maxRows)
    out.write(
      `${renderTable(
        r.columns,
        shown.map((row) => r.columns.map((c) => cellText(row[c]))),
      )}\n`,
    )
    const more = r.rows.length > shown.length ? `, ${shown.length} shown` : ''
    out.write(`(${r.rows.length} row${r.rows.length === 1 ? '' : 's'}${more}; job ${r.jobId})\n`)
  }
}
