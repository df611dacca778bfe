/**
 * Iceberg maintenance and reflection refresh as tasks: `OptimizeTask`, `ExpireSnapshotsTask`
 * (alias `VacuumTask`), `RemoveOrphanFilesTask`, `RefreshReflectionTask`. Each runs one statement
 * built by `iceberg-sql.ts` and returns Dremio's counters. Table paths and `olderThan` may use
 * the run's placeholders (`staging.metrics_{{ ds_nodash }}`).
 */
import type { JsonObject } from '@df/orchestration'
import { renderTemplate, Task, type TaskContext, templatePlaceholders } from '@df/orchestration'
import { clientNameOf, type DremioClientRef, resolveDremioClient } from './client-registry.js'
import { type DremioQueryResult, metadata } from './dremio-query-task.js'
import {
  type ExpireSnapshotsSqlOptions,
  expireSnapshotsSql,
  type OptimizeSqlOptions,
  optimizeTableSql,
  type RemoveOrphanFilesSqlOptions,
  refreshReflectionsSql,
  removeOrphanFilesSql,
  type TablePath,
} from './iceberg-sql.js'
import { runStatement } from './internal/run-statement.js'
import {
  checkPlaceholders,
  type DremioTaskOptions,
  noteDremioJob,
  taskInvalid,
} from './internal/task-support.js'

/** What a maintenance task returns: the statement, its job and Dremio's counters or summary. */
export interface MaintenanceResult extends DremioQueryResult {
  /** The exact SQL sent. */
  readonly sql: string
}

/** Options with a table path. */
interface TableTaskOptions extends DremioTaskOptions {
  /** The Iceberg table, e.g. `'lake.sales.orders'`; may use `{{ ds_nodash }}` etc. */
  readonly table: TablePath
}

type Build = (render: (s: string) => string) => string

function renderPath(table: TablePath, render: (s: string) => string): TablePath {
  return typeof table === 'string' ? render(table) : table.map(render)
}

/** Builds the task: validates by building the SQL once when nothing is templated. */
function setup(
  type: string,
  options: TableTaskOptions,
  extra: JsonObject,
  texts: readonly (string | undefined)[],
  build: Build,
) {
  const { client, clientName, table, ...rest } = options
  const name = String(rest.name)
  if (table === undefined) throw taskInvalid(name, 'table is required')
  const all = [...(typeof table === 'string' ? [table] : table), ...texts].filter(
    (t): t is string => typeof t === 'string',
  )
  for (const t of all) checkPlaceholders(name, 'table or olderThan', t)
  if (all.every((t) => templatePlaceholders(t).length === 0)) {
    try {
      build((s) => s)
    } catch (error) {
      throw taskInvalid(name, error instanceof Error ? error.message : String(error))
    }
  }
  const stored: JsonObject = {
    client: clientNameOf(client, clientName),
    table: typeof table === 'string' ? table : [...table],
    ...extra,
  }
  const taskOptions = stripOwn(rest)
  return {
    ...taskOptions,
    type,
    options: stored,
    run: (ctx: TaskContext) => runMaintenance(ctx, client, build),
  }
}

// Options that belong to the statement, not to Task.
const OWN = new Set([
  'rewrite',
  'targetFileSizeMb',
  'minFileSizeMb',
  'maxFileSizeMb',
  'minInputFiles',
  'forPartitions',
  'olderThan',
  'retainLast',
  'location',
  'kind',
])

function stripOwn<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !OWN.has(k))) as T
}

async function runMaintenance(
  ctx: TaskContext,
  ref: DremioClientRef,
  build: Build,
): Promise<MaintenanceResult> {
  const sql = build((s) => renderTemplate(s, ctx))
  const client = resolveDremioClient(ref)
  const run = await runStatement(client, sql, {
    signal: ctx.signal,
    onJob: (id) => noteDremioJob(ctx, id, sql),
  })
  return { sql, ...metadata(run) }
}

function json(o: object): JsonObject {
  return JSON.parse(JSON.stringify(o)) as JsonObject
}

/** Options of {@link OptimizeTask}. */
export interface OptimizeTaskOptions extends TableTaskOptions, OptimizeSqlOptions {}

/**
 * `OPTIMIZE TABLE t REWRITE DATA USING BIN_PACK (…)` or `… REWRITE MANIFESTS`. The result's
 * `counters` are `rewrittenDataFilesCount`, `rewrittenDeleteFilesCount`, `newDataFilesCount`.
 * @example new OptimizeTask({ name: 'compact', client, table: 'lake.orders', targetFileSizeMb: 256 })
 */
export class OptimizeTask extends Task {
  static readonly TYPE = 'dremio.optimize'
  constructor(options: OptimizeTaskOptions) {
    const { table } = options
    const sqlOptions = pick<OptimizeSqlOptions>(options, [
      'rewrite',
      'targetFileSizeMb',
      'minFileSizeMb',
      'maxFileSizeMb',
      'minInputFiles',
      'forPartitions',
    ])
    super(
      setup(OptimizeTask.TYPE, options, json(sqlOptions), [sqlOptions.forPartitions], (r) =>
        optimizeTableSql(renderPath(table, r), {
          ...sqlOptions,
          ...(sqlOptions.forPartitions !== undefined
            ? { forPartitions: r(sqlOptions.forPartitions) }
            : {}),
        }),
      ),
    )
  }
}

/** Options of {@link ExpireSnapshotsTask}. */
export interface ExpireSnapshotsTaskOptions extends TableTaskOptions, ExpireSnapshotsSqlOptions {}

/**
 * `VACUUM TABLE t EXPIRE SNAPSHOTS older_than = '…' retain_last = n`. The result's `counters` are
 * Dremio's `deleted_*_count` columns, camel-cased (`deletedDataFilesCount`, …).
 * @example new ExpireSnapshotsTask({ name: 'expire', client, table: 'lake.orders', retainLast: 5 })
 */
export class ExpireSnapshotsTask extends Task {
  static readonly TYPE = 'dremio.expire_snapshots'
  constructor(options: ExpireSnapshotsTaskOptions) {
    const { table } = options
    const o = pick<ExpireSnapshotsSqlOptions>(options, ['olderThan', 'retainLast'])
    const olderThan = o.olderThan
    super(
      setup(
        ExpireSnapshotsTask.TYPE,
        options,
        json(o),
        [typeof olderThan === 'string' ? olderThan : undefined],
        (r) =>
          expireSnapshotsSql(renderPath(table, r), {
            ...o,
            ...(typeof olderThan === 'string' ? { olderThan: r(olderThan) } : {}),
          }),
      ),
    )
  }
}

/** `VacuumTask` is {@link ExpireSnapshotsTask} under the seed's name (same type and options). */
export class VacuumTask extends ExpireSnapshotsTask {}

/** Options of {@link RemoveOrphanFilesTask}. */
export interface RemoveOrphanFilesTaskOptions
  extends TableTaskOptions,
    RemoveOrphanFilesSqlOptions {}

/**
 * `VACUUM TABLE t REMOVE ORPHAN FILES older_than = '…' location = '…'`. The result's `counters`
 * are `deletedFilesCount` and `deletedFilesTotalSizeMb`.
 */
export class RemoveOrphanFilesTask extends Task {
  static readonly TYPE = 'dremio.remove_orphan_files'
  constructor(options: RemoveOrphanFilesTaskOptions) {
    const { table } = options
    const o = pick<RemoveOrphanFilesSqlOptions>(options, ['olderThan', 'location'])
    const olderThan = o.olderThan
    super(
      setup(
        RemoveOrphanFilesTask.TYPE,
        options,
        json(o),
        [typeof olderThan === 'string' ? olderThan : undefined],
        (r) =>
          removeOrphanFilesSql(renderPath(table, r), {
            ...o,
            ...(typeof olderThan === 'string' ? { olderThan: r(olderThan) } : {}),
          }),
      ),
    )
  }
}

/** Options of {@link RefreshReflectionTask}. */
export interface RefreshReflectionTaskOptions extends TableTaskOptions {
  /** `ALTER TABLE` or `ALTER VIEW`. @default 'table' */
  readonly kind?: 'table' | 'view'
}

/** `ALTER TABLE t REFRESH REFLECTIONS`: refreshes the reflections that depend on `table`. */
export class RefreshReflectionTask extends Task {
  static readonly TYPE = 'dremio.refresh_reflections'
  constructor(options: RefreshReflectionTaskOptions) {
    const { table } = options
    const kind = options.kind ?? 'table'
    super(
      setup(RefreshReflectionTask.TYPE, options, { kind }, [], (r) =>
        refreshReflectionsSql(renderPath(table, r), kind),
      ),
    )
  }
}

function pick<T>(o: object, keys: readonly (keyof T & string)[]): T {
  const out: Record<string, unknown> = {}
  for (const k of keys) {
    const v = (o as Record<string, unknown>)[k]
    if (v !== undefined) out[k] = v
  }
  return out as T
}
