/**
 * Registers every task type of this library with `@df/orchestration`'s task-type registry, so
 * `taskFromDescription` rebuilds them from their stored description (a distributed worker, a
 * rerun by type). Evaluated once when `@df/tasks` is imported.
 */
import {
  registerTaskType,
  type Task,
  type TaskTypeFactory,
  taskDescriptionFields,
} from '@df/orchestration'
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

type TaskClass = (new (options: never) => Task) & { readonly TYPE: string }

// The stored options of these classes are exactly their constructor options (the client as a
// registered name), so one generic factory rebuilds each of them.
const byOptions =
  (cls: TaskClass): TaskTypeFactory =>
  (d) =>
    new cls({ ...(d.options ?? {}), ...taskDescriptionFields(d) } as never)

/** The task classes of this library, each registered under its `TYPE`. */
export const LIBRARY_TASK_CLASSES: readonly TaskClass[] = [
  DremioQueryTask,
  OptimizeTask,
  ExpireSnapshotsTask,
  RemoveOrphanFilesTask,
  RefreshReflectionTask,
  DataQualityTask,
  SqlSensor,
  FileSensor,
  HttpTask,
  ShellTask,
  DbtTask,
  EmailTask,
  S3Task,
]

const factories = new Map(LIBRARY_TASK_CLASSES.map((cls) => [cls.TYPE, byOptions(cls)]))

/** Registers the library's task types (idempotent; done when `@df/tasks` is imported). */
export function registerLibraryTaskTypes(): void {
  for (const [type, factory] of factories) registerTaskType(type, factory)
}

registerLibraryTaskTypes()
