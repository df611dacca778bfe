/**
 * Task types: how a serialisable task is rebuilt from its stored description
 * (`{ name, type, options }`) on a machine that does not have the pipeline's code, e.g. a
 * distributed worker. Every task of this library is registered here; other task types register
 * themselves with `registerTaskType`. Function tasks (`type: 'function'`) cannot be rebuilt:
 * a worker must load the pipeline's code for them.
 */
import { OrchestrationError } from '../errors.js'
import type { JsonObject } from '../json.js'
import type { Task } from '../task.js'
import type { TriggerRule } from '../trigger-rules.js'
import { DataQualityTask } from './data-quality/data-quality-task.js'
import { DbtTask } from './dbt/dbt-task.js'
import { DremioQueryTask } from './dremio-query-task.js'
import { EmailTask } from './general/email-task.js'
import { HttpTask } from './general/http-task.js'
import { S3Task } from './general/s3-task.js'
import { ShellTask } from './general/shell-task.js'
import {
  ExpireSnapshotsTask,
  OptimizeTask,
  RefreshReflectionTask,
  RemoveOrphanFilesTask,
} from './iceberg-tasks.js'
import { FileSensor } from './sensors/file-sensor.js'
import { SqlSensor } from './sensors/sql-sensor.js'

/** A task as stored (a subset of the backend's `TaskDefinition`). */
export interface TaskDescription {
  readonly name: string
  readonly type: string
  readonly options?: JsonObject
  readonly retries?: number
  readonly timeoutMs?: number
  readonly pool?: string
  readonly triggerRule?: string
}

/** Rebuilds a task of one type from its description. */
export type TaskTypeFactory = (description: TaskDescription) => Task

type TaskClass = new (options: never) => Task

/** The Task options a description carries besides `options`. */
function taskFields(d: TaskDescription): Record<string, unknown> {
  return {
    name: d.name,
    ...(d.retries !== undefined ? { retries: d.retries } : {}),
    ...(d.timeoutMs !== undefined ? { timeoutMs: d.timeoutMs } : {}),
    ...(d.pool !== undefined ? { pool: d.pool } : {}),
    ...(d.triggerRule !== undefined ? { triggerRule: d.triggerRule as TriggerRule } : {}),
  }
}

// The stored options of these classes are exactly their constructor options (the client as a
// registered name), so one generic factory rebuilds each of them.
const byOptions =
  (cls: TaskClass): TaskTypeFactory =>
  (d) =>
    new cls({ ...(d.options ?? {}), ...taskFields(d) } as never)

const factories = new Map<string, TaskTypeFactory>([
  [DremioQueryTask.TYPE, byOptions(DremioQueryTask)],
  [OptimizeTask.TYPE, byOptions(OptimizeTask)],
  [ExpireSnapshotsTask.TYPE, byOptions(ExpireSnapshotsTask)],
  [RemoveOrphanFilesTask.TYPE, byOptions(RemoveOrphanFilesTask)],
  [RefreshReflectionTask.TYPE, byOptions(RefreshReflectionTask)],
  [DataQualityTask.TYPE, byOptions(DataQualityTask)],
  [SqlSensor.TYPE, byOptions(SqlSensor)],
  [FileSensor.TYPE, byOptions(FileSensor)],
  [HttpTask.TYPE, byOptions(HttpTask)],
  [ShellTask.TYPE, byOptions(ShellTask)],
  [DbtTask.TYPE, byOptions(DbtTask)],
  [EmailTask.TYPE, byOptions(EmailTask)],
  [S3Task.TYPE, byOptions(S3Task)],
])

/**
 * Registers how to rebuild tasks of `type`. Registering a type twice with different factories
 * is an error (two packages claiming one type name).
 * @throws OrchestrationError `DF_OPTION_INVALID`
 */
export function registerTaskType(type: string, factory: TaskTypeFactory): void {
  if (typeof type !== 'string' || type === '' || typeof factory !== 'function') {
    throw new OrchestrationError(
      'DF_OPTION_INVALID',
      '[@df/orchestration] registerTaskType(type, factory) needs a type name and a function.',
    )
  }
  const existing = factories.get(type)
  if (existing !== undefined && existing !== factory) {
    throw new OrchestrationError(
      'DF_OPTION_INVALID',
      `[@df/orchestration] Task type '${type}' is already registered.`,
    )
  }
  factories.set(type, factory)
}

/** The registered task type names. */
export function taskTypes(): string[] {
  return [...factories.keys()]
}

/**
 * Rebuilds a task from its stored description. Clients are resolved by name when the task runs
 * (`registerDremioClient`).
 * @throws OrchestrationError `DF_TASK_INVALID` for an unknown type or invalid options.
 * @example
 * registerDremioClient('default', DremioClient.fromEnv())
 * const task = taskFromDescription({ name: 'extract', type: 'dremio.query', options: { client: 'default', sql: 'SELECT 1' } })
 */
export function taskFromDescription(description: TaskDescription): Task {
  const factory = factories.get(description?.type)
  if (!factory) {
    throw new OrchestrationError(
      'DF_TASK_INVALID',
      `[@df/orchestration] No task type '${String(description?.type)}' is registered here${description?.type === 'function' ? ': function tasks run only where the pipeline code is loaded' : ''} (registered: ${taskTypes().join(', ')}).`,
    )
  }
  return factory(description)
}
