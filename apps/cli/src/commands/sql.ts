/**
 * `sql "<sql>" | --file f.sql [--param k=v]… [--logical-date iso] [--run-id id]
 * [--format table|json|jsonl|csv] [--max-rows n] [--transport rest|flight|auto]`: registration only; the body
 * (`sql-run.ts`) is loaded when the command runs, so `--help` stays fast.
 */
import type { Command } from 'commander'
import { collect, isoInstant, nonEmpty, oneOf, wholeNumber } from '../options.js'
import type { Action } from '../program.js'

/** The output formats of `sql` (see `sql-output.ts`). */
export const SQL_FORMATS = ['table', 'json', 'jsonl', 'csv'] as const
/** One of {@link SQL_FORMATS}. */
export type SqlFormat = (typeof SQL_FORMATS)[number]

/** The flags of `sql`, parsed. */
export interface SqlFlags {
  readonly file?: string
  readonly param?: string[]
  readonly logicalDate?: string
  readonly runId?: string
  readonly format: SqlFormat
  readonly maxRows: number
  /** Where results come from; unset: the client's default (`rest`). */
  readonly transport?: SqlTransport
}

/** How `sql` fetches results (see `sql-flight.ts`). */
export const SQL_TRANSPORTS = ['rest', 'flight', 'auto'] as const
/** One of {@link SQL_TRANSPORTS}. */
export type SqlTransport = (typeof SQL_TRANSPORTS)[number]

/** Registers `sql`. */
export function registerSqlCommand(program: Command, action: Action): void {
  program
    .command('sql [sql]')
    .description('run SQL on Dremio: a statement, or a file of statements run in order')
    .option('-f, --file <file>', 'read the SQL from a UTF-8 file (statements separated by ;)')
    .option('--param <key=value>', 'template value for {{ params.key }}, repeatable', collect, [])
    .option(
      '--logical-date <iso>',
      'the instant {{ ds }}, {{ ds_nodash }}, {{ ts }} render for (Airflow: {{ ts }}); default now',
      isoInstant('--logical-date'),
    )
    .option(
      '--run-id <id>',
      'what {{ run_id }} renders (Airflow: {{ run_id }})',
      nonEmpty('--run-id'),
    )
    .option(
      '--format <format>',
      `${SQL_FORMATS.join(', ')}; json/jsonl end with one JSON summary line`,
      oneOf('--format', SQL_FORMATS),
      'table',
    )
    .option(
      '--max-rows <n>',
      'rows shown per statement (table); a bigger json/jsonl result is refused',
      wholeNumber('--max-rows', 1, 10_000_000),
      1000,
    )
    .option(
      '--transport <transport>',
      'rest (JSON pages, reports job ids), flight (Arrow Flight: fast for big results, no job id) or auto (Flight when reachable)',
      oneOf('--transport', SQL_TRANSPORTS),
    )
    .action(
      action(async (ctx, text: string | undefined, flags: SqlFlags) =>
        (await import('./sql-run.js')).runSql(ctx, text, flags),
      ),
    )
}
