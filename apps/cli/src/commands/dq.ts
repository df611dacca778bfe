/**
 * `dq run <dir> [--json]`: runs the YAML data-quality suites of a directory with
 * `@df/orchestration`'s `runDataQuality` (the original's format: a list of tests or
 * `{ tests: [...] }`, each `{ name, table, checks }`), prints one line per check and exits 1 when
 * an error-severity check fails or a check cannot run (the original's `dq run` always failed:
 * reference §5.2). A suite file that does not parse is an error, never a skip.
 */
import { existsSync, statSync } from 'node:fs'
import {
  type DataQualityRun,
  type DataQualitySuiteReport,
  formatDataQualityReports,
  runDataQuality,
} from '@df/tasks'
import type { Command } from 'commander'
import { CliError } from '../cli-error.js'
import { collect, parseParams } from '../format.js'
import type { Action } from '../program.js'

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
          const abort = new AbortController()
          const onSignal = () => abort.abort(new Error('cancelled by signal'))
          process.once('SIGINT', onSignal)
          let outcome: DataQualityRun
          try {
            outcome = await runDataQuality(dir, {
              client: ctx.client(),
              signal: abort.signal,
              params,
              ...(flags.logicalDate ? { logicalDate: flags.logicalDate } : {}),
              // Each test's lines as soon as it is done (the totals line comes at the end).
              ...(flags.json
                ? {}
                : { onReport: (r) => ctx.io.stdout.write(`${withoutTotals(r)}\n`) }),
            })
          } finally {
            process.off('SIGINT', onSignal)
          }
          if (flags.json) ctx.io.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`)
          else {
            const totals = formatDataQualityReports(outcome.reports).split('\n').at(-1)
            ctx.io.stdout.write(`${totals}\n${outcome.passed ? 'PASSED' : 'FAILED'}\n`)
          }
          return outcome.passed ? 0 : 1
        },
      ),
    )
}

/** One report's lines without the totals line `formatDataQualityReports` ends with. */
function withoutTotals(report: DataQualitySuiteReport): string {
  return formatDataQualityReports([report]).split('\n').slice(0, -1).join('\n')
}
