/**
 * The bodies of `dq run <dir>` and `dq check --table … --checks '<json>'`, on `@df/tasks`'
 * `runDataQuality` / `runDataQualityChecks`. A check that fails (error severity) or cannot run
 * exits 1; a suite or check list that does not parse is an error before any check runs (the
 * original skipped such suites: reference §5.2). `dq check` takes the check dicts of Airflow's
 * DremioDataQualityOperator as they are: `not_null`, `unique`, `row_count` with `expr`/`value`/`op`,
 * `values_in`, plus the rest of the vocabulary (`custom_sql`, `freshness`, `schema`).
 *
 * Output: `table` prints a line per check as each table is done, then totals and PASSED/FAILED;
 * `json` prints one compact line (the verdict and every check); `jsonl` one line per table, then
 * that same summary line. SIGINT/SIGTERM cancel the running Dremio jobs and exit 130/143.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { renderTemplate } from '@df/orchestration'
import {
  type DataQualityCheck,
  type DataQualityReport,
  formatDataQualityReports,
  normalizeCheck,
  runDataQuality,
  runDataQualityChecks,
} from '@df/tasks'
import { CliError } from '../cli-error.js'
import type { CliContext } from '../context.js'
import { parseParams } from '../format.js'
import { watchCancelSignals } from '../signals.js'
import type { DqCheckFlags, DqFlags } from './dq.js'

/** `dq run <dir>`. */
export async function runSuites(ctx: CliContext, dir: string, flags: DqFlags): Promise<number> {
  const format = flags.json ? 'json' : flags.format
  const params = parseParams(flags.param ?? [])
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CliError('DF_CLI_FILE_NOT_FOUND', `Data-quality directory not found: ${dir}`)
  }
  const out = ctx.io.stdout
  const client = ctx.client()
  return cancellable(ctx, format, async (signal) => {
    const outcome = await runDataQuality(dir, {
      client,
      signal,
      params,
      ...(flags.logicalDate ? { logicalDate: flags.logicalDate } : {}),
      ...(flags.runId ? { runId: flags.runId } : {}),
      // Each test's lines as soon as it is done (the totals line comes at the end).
      onReport: (r) => {
        if (format === 'table') out.write(`${withoutTotals(r)}\n`)
        if (format === 'jsonl') out.write(`${JSON.stringify(r)}\n`)
      },
    })
    if (format === 'table') {
      const totals = formatDataQualityReports(outcome.reports).split('\n').at(-1)
      out.write(`${totals}\n${outcome.passed ? 'PASSED' : 'FAILED'}\n`)
    } else out.write(`${JSON.stringify(outcome)}\n`)
    return outcome.passed ? 0 : 1
  })
}

/** `dq check --table … --checks '<json>'`. */
export async function runTableChecks(ctx: CliContext, flags: DqCheckFlags): Promise<number> {
  const format = flags.json ? 'json' : flags.format
  const params = parseParams(flags.param ?? [])
  const checks = parseChecks(flags)
  const context = {
    logicalDate: flags.logicalDate ?? new Date().toISOString(),
    runId: flags.runId ?? 'cli',
    params,
  }
  const render = (text: string): string => {
    try {
      return renderTemplate(text, context)
    } catch (cause) {
      throw new CliError('DF_CLI_USAGE', (cause as Error).message.replace(/^\[@df\/[a-z-]+\] /, ''))
    }
  }
  const table = render(flags.table)
  const out = ctx.io.stdout
  const client = ctx.client()
  return cancellable(ctx, format, async (signal) => {
    const report = await runDataQualityChecks({
      client,
      table,
      checks,
      render,
      signal,
      ...(flags.name ? { name: flags.name } : {}),
    })
    if (format === 'table') {
      out.write(`${formatDataQualityReports([report])}\n${report.passed ? 'PASSED' : 'FAILED'}\n`)
    } else out.write(`${JSON.stringify(report)}\n`)
    return report.passed ? 0 : 1
  })
}

/** The checks of `--checks` / `--checks-file`, validated. @throws CliError `DF_CLI_USAGE` */
export function parseChecks(flags: {
  readonly checks?: string
  readonly checksFile?: string
}): DataQualityCheck[] {
  if ((flags.checks === undefined) === (flags.checksFile === undefined)) {
    throw new CliError(
      'DF_CLI_USAGE',
      'Give the checks with --checks <json> or --checks-file <file>.',
    )
  }
  let text = flags.checks
  if (flags.checksFile !== undefined) {
    try {
      text = readFileSync(flags.checksFile, 'utf8')
    } catch (cause) {
      throw new CliError('DF_CLI_FILE_NOT_FOUND', `Cannot read ${flags.checksFile}.`, { cause })
    }
  }
  let list: unknown
  try {
    list = JSON.parse(text as string)
  } catch {
    throw new CliError(
      'DF_CLI_USAGE',
      `--checks is not valid JSON: give a list such as [{"type": "not_null", "column": "id"}].`,
    )
  }
  if (!Array.isArray(list) || list.length === 0) {
    throw new CliError('DF_CLI_USAGE', '--checks must be a non-empty JSON list of checks.')
  }
  return list.map((c, i) => {
    try {
      return normalizeCheck(c, `--checks item ${i + 1}`)
    } catch (cause) {
      throw new CliError('DF_CLI_USAGE', (cause as Error).message.replace(/^\[@df\/[a-z-]+\] /, ''))
    }
  })
}

/** Runs `body` under SIGINT/SIGTERM: on a signal, cancels every submitted job and says so. */
async function cancellable(
  ctx: CliContext,
  format: string,
  body: (signal: AbortSignal) => Promise<number>,
): Promise<number> {
  const watch = watchCancelSignals()
  try {
    return await body(watch.signal)
  } catch (error) {
    if (!watch.signal.aborted) throw error
    const client = ctx.client()
    const cancelled = await client.cancelSubmitted()
    const reason = (watch.signal.reason as Error).message
    if (cancelled.length > 0) {
      ctx.io.stderr.write(`[dremio-cli] cancelled Dremio job(s): ${cancelled.join(', ')}\n`)
    }
    if (format !== 'table')
      ctx.io.stdout.write(`${JSON.stringify({ passed: false, error: reason })}\n`)
    return watch.exitCode
  } finally {
    watch.dispose()
  }
}

/** One report's lines without the totals line `formatDataQualityReports` ends with. */
function withoutTotals(report: DataQualityReport): string {
  return formatDataQualityReports([report]).split('\n').slice(0, -1).join('\n')
}
