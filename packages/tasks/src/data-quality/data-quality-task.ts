/**
 * `DataQualityTask`: runs checks against one table (type `dremio.data_quality`). The report is
 * the task's result; when an `error`-severity check fails (or a check cannot run) the task fails
 * with a `DataQualityError` listing the failed checks, and every check's line is in the
 * attempt log. Data-quality failures are not retried: the same data gives the same answer
 * (a check that errored, e.g. on a connection failure, is retried as usual).
 */

import type { JsonObject } from '@df/orchestration'
import { OrchestrationError, renderTemplate, Task, type TaskContext } from '@df/orchestration'
import { clientNameOf, type DremioClientRef, resolveDremioClient } from '../client-registry.js'
import type { TablePath } from '../iceberg-sql.js'
import {
  checkPlaceholders,
  type DremioTaskOptions,
  noteDremioJob,
  taskInvalid,
} from '../internal/task-support.js'
import { checkToJson, type DataQualityCheck } from './checks.js'
import { normalizeCheck } from './normalize-check.js'
import { type DataQualityReport, runDataQualityChecks } from './run-checks.js'

/** Data-quality checks failed; `report` has every check. Not retryable when only data failed. */
export class DataQualityError extends OrchestrationError {
  override readonly name: string = 'DataQualityError'
  readonly report: DataQualityReport
  /** False when the data failed (retrying cannot help); true when a check could not run. */
  readonly retryable: boolean

  constructor(report: DataQualityReport) {
    super('DF_TASK_FAILED', describeFailure(report))
    this.report = report
    this.retryable = report.summary.errored > 0
  }

  /** The report, stored by the engine as the failed task's result. */
  get result(): DataQualityReport {
    return this.report
  }
}

/** `[@df/orchestration] Data quality failed for "a"."b": 2 of 5 checks failed: …`. */
export function describeFailure(report: DataQualityReport): string {
  const bad = report.checks.filter(
    (c) => c.status === 'error' || (c.status === 'failed' && c.severity === 'error'),
  )
  const items = bad.map((c) =>
    c.status === 'error'
      ? `${c.name} could not run: ${(c.error ?? '').replace(/\s+/g, ' ').trim()}`
      : `${c.name} observed ${JSON.stringify(c.observed)}, expected ${c.expected}`,
  )
  const label = report.name !== undefined ? `'${report.name}' on ${report.table}` : report.table
  return `[@df/orchestration] Data quality failed for ${label}: ${bad.length} of ${report.summary.total} checks failed: ${items.join('; ')}.`
}

/** Fails for a placeholder no run can render, in the table or any check's SQL. */
export function checkSuitePlaceholders(
  name: string,
  table: TablePath,
  checks: readonly DataQualityCheck[],
): void {
  for (const t of typeof table === 'string' ? [table] : table) checkPlaceholders(name, 'table', t)
  for (const c of checks) {
    for (const text of [
      c.type === 'row_count' ? c.where : undefined,
      c.type === 'custom_sql' ? c.sql : undefined,
      c.type === 'custom_sql' ? c.condition : undefined,
    ]) {
      if (text !== undefined) checkPlaceholders(name, `check '${c.type}'`, text, ['table'])
    }
  }
}

/** Options of {@link DataQualityTask}. */
export interface DataQualityTaskOptions extends DremioTaskOptions {
  /** The table, e.g. `'staging.metrics_{{ ds_nodash }}'`. */
  readonly table: TablePath
  /** The checks (plain objects or `dq.*` builders); validated at construction. */
  readonly checks: readonly DataQualityCheck[]
  /** Checks run at once. @default 4 */
  readonly concurrency?: number
}

/**
 * @example
 * new DataQualityTask({
 *   name: 'validate_metrics',
 *   client,
 *   table: 'staging.metrics_{{ ds_nodash }}',
 *   checks: [dq.not_null('user_id'), dq.row_count({ where: 'event_count > 0', op: 'ge', value: 1 })],
 * })
 */
export class DataQualityTask extends Task {
  static readonly TYPE = 'dremio.data_quality'
  /** The validated checks. */
  readonly checks: readonly DataQualityCheck[]

  /** @throws OrchestrationError `DF_TASK_INVALID` for an invalid check or option. */
  constructor(options: DataQualityTaskOptions) {
    const { client, clientName, table, checks, concurrency, ...rest } = options
    const name = String(rest.name)
    if (table === undefined || (typeof table !== 'string' && !Array.isArray(table))) {
      throw taskInvalid(name, 'table is required')
    }
    if (!Array.isArray(checks) || checks.length === 0) {
      throw taskInvalid(name, 'checks must be a non-empty list')
    }
    const valid = checks.map((c, i) => normalizeCheck(c, `Task '${name}' check ${i + 1}`))
    checkSuitePlaceholders(name, table, valid)
    if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
      throw taskInvalid(name, 'concurrency must be a whole number >= 1')
    }
    const stored: JsonObject = {
      client: clientNameOf(client, clientName),
      table: typeof table === 'string' ? table : [...table],
      checks: valid.map(checkToJson),
      ...(concurrency !== undefined ? { concurrency } : {}),
    }
    super({
      ...rest,
      type: DataQualityTask.TYPE,
      options: stored,
      run: (ctx) => runTask(ctx, client, table, valid, concurrency),
    })
    this.checks = valid
  }
}

async function runTask(
  ctx: TaskContext,
  ref: DremioClientRef,
  table: TablePath,
  checks: readonly DataQualityCheck[],
  concurrency: number | undefined,
): Promise<DataQualityReport> {
  const report = await runDataQualityChecks({
    client: resolveDremioClient(ref),
    table,
    checks,
    render: (text) => renderTemplate(text, ctx),
    signal: ctx.signal,
    onJob: (id, sql) => noteDremioJob(ctx, id, sql),
    ...(concurrency !== undefined ? { concurrency } : {}),
  })
  for (const c of report.checks) {
    const line = `${c.status.toUpperCase()} ${c.name}: observed ${JSON.stringify(c.observed)}, expected ${c.expected}${c.error ? ` (${c.error})` : ''}`
    if (c.status === 'passed') ctx.log.info(line)
    else if (c.status === 'failed' && c.severity === 'warn') ctx.log.warn(line)
    else ctx.log.error(line)
  }
  if (!report.passed) throw new DataQualityError(report)
  return report
}
