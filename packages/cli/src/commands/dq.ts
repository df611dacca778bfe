/**
 * `dq run <dir> [--json]`: runs the YAML data-quality suites of a directory with
 * `@df/orchestration`'s runner (the original's format: a list of tests or `{ tests: [...] }`,
 * each `{ name, table, checks }`), prints one line per check and exits 1 when an error-severity
 * check fails or a check cannot run (the original's `dq run` always failed: reference §5.2).
 */
import { existsSync, statSync } from 'node:fs'
import type { DremioClient } from '@df/client'
import type { JsonObject } from '@df/orchestration'
import * as orchestration from '@df/orchestration'
import type { Command } from 'commander'
import { CliError } from '../cli-error.js'
import { collect, formatDuration, parseParams, renderTable } from '../format.js'
import type { Action } from '../program.js'

/** The parts of a data-quality report the CLI prints. */
interface Report {
  readonly name?: string
  readonly table: string
  readonly passed: boolean
  readonly checks: readonly {
    readonly name: string
    readonly severity: string
    readonly status: string
    readonly observed: unknown
    readonly expected: string
    readonly durationMs: number
    readonly error?: string
  }[]
}

type Runner = (
  dir: string,
  options: {
    client: DremioClient
    signal?: AbortSignal
    params?: JsonObject
    logicalDate?: string
  },
) => Promise<{ passed: boolean; reports: readonly Report[] } | readonly Report[]>

/** Registers `dq run`. */
export function registerDqCommand(program: Command, action: Action): void {
  const dq = program.command('dq').description('data-quality checks from YAML files')
  dq.command('run <dir>')
    .description('run every *.yaml / *.yml suite in a directory; exit 1 when a check fails')
    .option('--param <key=value>', 'template value for {{ params.key }}, repeatable', collect, [])
    .option('--logical-date <iso>', 'the instant {{ ds }} renders for; default now')
    .option('--json', 'print the reports as JSON')
    .action(
      action(
        async (
          ctx,
          dir: string,
          flags: { json?: boolean; param?: string[]; logicalDate?: string },
        ) => {
          const params = parseParams(flags.param ?? [])
          if (!existsSync(dir) || !statSync(dir).isDirectory()) {
            throw new CliError('DF_CLI_FILE_NOT_FOUND', `Data-quality directory not found: ${dir}`)
          }
          const run = (orchestration as unknown as { runDataQuality?: Runner }).runDataQuality
          if (typeof run !== 'function') {
            throw new CliError(
              'DF_DEPENDENCY_MISSING',
              'This @df/orchestration has no runDataQuality(): upgrade @df/orchestration.',
            )
          }
          const abort = new AbortController()
          const onSignal = () => abort.abort(new Error('cancelled by signal'))
          process.once('SIGINT', onSignal)
          let outcome: Awaited<ReturnType<Runner>>
          try {
            outcome = await run(dir, {
              client: ctx.client(),
              signal: abort.signal,
              params,
              ...(flags.logicalDate ? { logicalDate: flags.logicalDate } : {}),
            })
          } finally {
            process.off('SIGINT', onSignal)
          }
          const reports = Array.isArray(outcome)
            ? (outcome as readonly Report[])
            : (outcome as { reports: readonly Report[] }).reports
          const passed = Array.isArray(outcome)
            ? reports.every((r) => r.passed)
            : (outcome as { passed: boolean }).passed
          if (flags.json) {
            ctx.io.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`)
            return passed ? 0 : 1
          }
          const rows = reports.flatMap((r) =>
            r.checks.map((c) => [
              r.name ?? '-',
              r.table,
              c.name,
              c.severity,
              c.status.toUpperCase(),
              c.error
                ? (c.error.split('\n')[0] ?? '')
                : `${JSON.stringify(c.observed)} (want ${c.expected})`,
              formatDuration(c.durationMs),
            ]),
          )
          ctx.io.stdout.write(
            `${renderTable(['TEST', 'TABLE', 'CHECK', 'SEVERITY', 'STATUS', 'OBSERVED', 'TIME'], rows)}\n`,
          )
          const failed = rows.filter((r) => r[4] !== 'PASSED').length
          ctx.io.stdout.write(
            `\n${passed ? 'PASSED' : 'FAILED'}: ${rows.length} checks in ${reports.length} tests, ${failed} not passed\n`,
          )
          return passed ? 0 : 1
        },
      ),
    )
}
