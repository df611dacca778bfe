/**
 * `dq run <dir>` (YAML suites) and `dq check --table t --checks '<json>'` (one table, the checks
 * of Airflow's DremioDataQualityOperator verbatim): registration only; the bodies are in
 * `dq-run.ts`, loaded when the command runs.
 */
import type { Command } from 'commander'
import { collect, isoInstant, nonEmpty, oneOf } from '../options.js'
import type { Action } from '../program.js'

/** The output formats of `dq run` / `dq check`. */
export const DQ_FORMATS = ['table', 'json', 'jsonl'] as const

/** Flags both commands share. */
export interface DqFlags {
  readonly param?: string[]
  readonly logicalDate?: string
  readonly runId?: string
  readonly format: (typeof DQ_FORMATS)[number]
  /** `--json`: the same as `--format json`. */
  readonly json?: boolean
}

/** Flags of `dq check`. */
export interface DqCheckFlags extends DqFlags {
  readonly table: string
  readonly checks?: string
  readonly checksFile?: string
  readonly name?: string
}

/** Registers `dq run` and `dq check`. */
export function registerDqCommands(program: Command, action: Action): void {
  const dq = program.command('dq').description('data-quality checks')
  const common = (cmd: Command): Command =>
    cmd
      .option('--param <key=value>', 'template value for {{ params.key }}, repeatable', collect, [])
      .option(
        '--logical-date <iso>',
        'the instant {{ ds }} renders for (Airflow: {{ ts }}); default now',
        isoInstant('--logical-date'),
      )
      .option('--run-id <id>', 'what {{ run_id }} renders', nonEmpty('--run-id'))
      .option(
        '--format <format>',
        `${DQ_FORMATS.join(', ')}; json/jsonl end with one JSON line: the verdict and every check`,
        oneOf('--format', DQ_FORMATS),
        'table',
      )
      .option('--json', 'the same as --format json')
  common(
    dq
      .command('run <dir>')
      .description('run every *.yaml / *.yml suite in a directory; exit 1 when a check fails'),
  ).action(
    action(async (ctx, dir: string, flags: DqFlags) =>
      (await import('./dq-run.js')).runSuites(ctx, dir, flags),
    ),
  )
  common(
    dq
      .command('check')
      .description('run checks on one table; exit 1 when a check fails')
      .requiredOption('--table <table>', 'the table, e.g. staging.metrics_{{ ds_nodash }}')
      .option(
        '--checks <json>',
        'a JSON list of checks: [{"type":"not_null","column":"id"}, {"type":"row_count","expr":"n > 0","value":1,"op":"ge"}, …]',
      )
      .option('--checks-file <file>', 'read the JSON list of checks from a file')
      .option('--name <name>', 'a name for the report'),
  ).action(
    action(async (ctx, flags: DqCheckFlags) =>
      (await import('./dq-run.js')).runTableChecks(ctx, flags),
    ),
  )
}
