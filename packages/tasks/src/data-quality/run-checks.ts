/**
 * Runs a list of checks against one table and builds the report. Each check is one Dremio job
 * (at most one row read back); checks run a few at a time. A check whose query fails is an
 * `error` (never a pass, never a mere warning): a check that cannot run says nothing about the
 * data.
 */
import { type DremioClient, quotePath } from '@df/client'
import type { JsonValue } from '@df/orchestration'
import { renderTemplate } from '@df/orchestration'
import { DremioTaskError } from '../dremio-task-error.js'
import type { TablePath } from '../iceberg-sql.js'
import { runStatement } from '../internal/run-statement.js'
import { type PreparedCheck, prepareCheck } from './check-sql.js'
import type { DataQualityCheck, Severity } from './checks.js'

/** The outcome of one check. */
export interface CheckResult {
  readonly name: string
  readonly type: DataQualityCheck['type']
  readonly severity: Severity
  /** `error`: the query itself failed or answered in an unexpected shape. */
  readonly status: 'passed' | 'failed' | 'error'
  readonly passed: boolean
  /** What the query found: a count, `MAX(column)`, a boolean, or `{ column: TYPE }`. */
  readonly observed: JsonValue
  /** The expectation, e.g. `= 0`, `>= 1`. */
  readonly expected: string
  /** The exact SQL sent to Dremio. */
  readonly sql: string
  readonly durationMs: number
  readonly jobId?: string
  /** Why the check errored (Dremio's text). */
  readonly error?: string
}

/** The structured report of one table's checks (JSON). */
export interface DataQualityReport {
  /** The suite/test name, when there is one. */
  readonly name?: string
  /** The checked table, as a quoted path. */
  readonly table: string
  /** True when no `error`-severity check failed and no check errored. */
  readonly passed: boolean
  readonly startedAt: string
  readonly durationMs: number
  readonly summary: {
    readonly total: number
    readonly passed: number
    /** Failed `error`-severity checks. */
    readonly failed: number
    /** Failed `warn`-severity checks. */
    readonly warned: number
    readonly errored: number
  }
  readonly checks: readonly CheckResult[]
}

/** Options of {@link runDataQualityChecks}. */
export interface RunChecksOptions {
  readonly client: DremioClient
  /** The table; a string may use the templates of `render`. */
  readonly table: TablePath
  /** Checks in canonical form (see `normalizeCheck`). */
  readonly checks: readonly DataQualityCheck[]
  readonly name?: string
  /**
   * Renders templates in the table, `where`, `condition` and `custom_sql.sql`.
   * @default renders `{{ ds }}` etc. for now, with no params
   */
  readonly render?: (text: string) => string
  readonly signal?: AbortSignal
  /** Reference instant (epoch ms) for freshness and durations. @default Date.now */
  readonly now?: () => number
  /** Checks run at once. @default 4 */
  readonly concurrency?: number
  /** Called with each job id as it is submitted. */
  readonly onJob?: (jobId: string, sql: string) => void
}

/**
 * Runs the checks and resolves with the report; rejects only on abort (with the signal's
 * reason) or for an invalid table path.
 */
export async function runDataQualityChecks(options: RunChecksOptions): Promise<DataQualityReport> {
  const now = options.now ?? Date.now
  const start = now()
  const render =
    options.render ??
    ((text: string) =>
      renderTemplate(text, {
        logicalDate: new Date(start).toISOString(),
        runId: 'manual',
        params: {},
      }))
  const raw = options.table
  const table = quotePath(typeof raw === 'string' ? render(raw) : raw.map(render))
  const results: CheckResult[] = new Array(options.checks.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < options.checks.length) {
      const i = next++
      results[i] = await runOne(options, options.checks[i] as DataQualityCheck, table, render, now)
    }
  }
  const width = Math.max(1, Math.min(options.concurrency ?? 4, options.checks.length))
  await Promise.all(Array.from({ length: width }, worker))
  const count = (f: (r: CheckResult) => boolean) => results.filter(f).length
  const summary = {
    total: results.length,
    passed: count((r) => r.status === 'passed'),
    failed: count((r) => r.status === 'failed' && r.severity === 'error'),
    warned: count((r) => r.status === 'failed' && r.severity === 'warn'),
    errored: count((r) => r.status === 'error'),
  }
  return {
    ...(options.name !== undefined ? { name: options.name } : {}),
    table,
    passed: summary.failed === 0 && summary.errored === 0,
    startedAt: new Date(start).toISOString(),
    durationMs: now() - start,
    summary,
    checks: results,
  }
}

async function runOne(
  options: RunChecksOptions,
  check: DataQualityCheck,
  table: string,
  render: (text: string) => string,
  now: () => number,
): Promise<CheckResult> {
  const t0 = now()
  let prepared: PreparedCheck | undefined
  let jobId: string | undefined
  try {
    prepared = prepareCheck(check, table, render, t0)
    const sql = prepared.sql
    const run = await runStatement(options.client, sql, {
      signal: options.signal,
      maxRows: prepared.read === 'row' ? 1 : 0,
      onJob: (id) => {
        jobId = id
        options.onJob?.(id, sql)
      },
    })
    const verdict = prepared.judge({
      rowCount: run.rowCount,
      row: run.rows?.[0],
      schema: run.schema ?? [],
    })
    return {
      ...head(check, prepared),
      status: verdict.passed ? 'passed' : 'failed',
      passed: verdict.passed,
      observed: verdict.observed,
      durationMs: now() - t0,
      ...(jobId !== undefined ? { jobId } : {}),
    }
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason
    const message =
      error instanceof DremioTaskError
        ? error.dremioMessage
        : error instanceof Error
          ? error.message
          : String(error)
    return {
      ...head(check, prepared),
      status: 'error',
      passed: false,
      observed: null,
      durationMs: now() - t0,
      ...(jobId !== undefined ? { jobId } : {}),
      error: message,
    }
  }
}

function head(check: DataQualityCheck, p: PreparedCheck | undefined) {
  return {
    name: p?.name ?? check.name ?? check.type,
    type: check.type,
    severity: check.severity ?? 'error',
    expected: p?.expected ?? '',
    sql: p?.sql ?? '',
  }
}
