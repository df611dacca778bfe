/**
 * Task types: how a serialisable task is rebuilt from its stored description
 * (`{ name, type, options }`) on a machine that does not have the pipeline's code, e.g. a
 * distributed worker. Task libraries register their types here (`@df/tasks` registers its
 * Dremio, data-quality, sensor and general tasks when it is imported). Function tasks
 * (`type: 'function'`) cannot be rebuilt: a worker must load the pipeline's code for them.
 */
import { OrchestrationError } from './errors.js'
import type { JsonObject } from './json.js'
import type { Task } from './task.js'
import type { TriggerRule } from './trigger-rules.js'

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

const factories = new Map<string, TaskTypeFactory>()

/**
 * The `Task` options a description carries besides `options` (name, retries, timeout, pool,
 * trigger rule): what a factory adds to a task's own options when it rebuilds it.
 */
export function taskDescriptionFields(d: TaskDescription): Record<string, unknown> {
  return {
    name: d.name,
    ...(d.retries !== undefined ? { retries: d.retries } : {}),
    ...(d.timeoutMs !== undefined ? { timeoutMs: d.timeoutMs } : {}),
    ...(d.pool !== undefined ? { pool: d.pool } : {}),
    ...(d.triggerRule !== undefined ? { triggerRule: d.triggerRule as TriggerRule } : {}),
  }
}

/**
 * Registers how to rebuild tasks of `type`. Registering a type twice with different factories
 * is an error (two packages claiming one type name); the same factory again is a no-op.
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
 * Rebuilds a task from its stored description. Clients are resolved by name when the task runs.
 * @throws OrchestrationError `DF_TASK_INVALID` for an unknown type or invalid options.
 * @example
 * // after importing @df/tasks, which registers the library's task types:
 * const task = taskFromDescription({ name: 'extract', type: 'dremio.query', options: { client: 'default', sql: 'SELECT 1' } })
 */
export function taskFromDescription(description: TaskDescription): Task {
  const factory = factories.get(description?.type)
  if (!factory) {
    const registered = taskTypes()
    throw new OrchestrationError(
      'DF_TASK_INVALID',
      `[@df/orchestration] No task type '${String(description?.type)}' is registered here${description?.type === 'function' ? ': function tasks run only where the pipeline code is loaded' : ''} (registered: ${registered.length > 0 ? registered.join(', ') : 'none; import @df/tasks to register the task library'}).`,
    )
  }
  return factory(description)
}
