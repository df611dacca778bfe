/**
 * `task(options, fn)`: the seed's `@task` decorator as a factory. Each call of the returned
 * function creates a new {@link Task}, so fan-out works (the original gave every call the same
 * name and failed with "Task with name extract already exists").
 */
import { OrchestrationError } from './errors.js'
import { Task, type TaskContext, type TaskOptions } from './task.js'

/** Options of {@link task}: a task's options without `run`; `name` defaults to `fn.name`. */
export type TaskFactoryOptions = Omit<TaskOptions, 'run' | 'name'> & { readonly name?: string }

/** Creates tasks from one function; see {@link task}. */
export interface TaskFactory<A extends unknown[]> {
  /**
   * A new task calling `fn(ctx, ...args)`. Its name is the base name for a call without
   * arguments, `base_arg1_arg2` for primitive arguments (`extract('users')` → `extract_users`),
   * and gets a `__2`, `__3` … suffix when that name was already used by this factory.
   */
  (...args: A): Task
  /** A new task with an explicit name; reusing an explicit name is a `DF_TASK_INVALID` error. */
  named(name: string): (...args: A) => Task
  /** The base name. */
  readonly baseName: string
}

/**
 * Turns a function into a task factory.
 *
 * @example
 * const extract = task({ retries: 2 }, async (ctx, table: string) => ({ table }))
 * const users = extract('users')   // Task 'extract_users'
 * const orders = extract('orders') // Task 'extract_orders'
 * const loadAll = task({ name: 'load' }, async (ctx) => [ctx.get('extract_users')])()
 */
export function task<A extends unknown[]>(
  options: TaskFactoryOptions,
  fn: (ctx: TaskContext, ...args: A) => unknown,
): TaskFactory<A>
export function task<A extends unknown[]>(
  fn: (ctx: TaskContext, ...args: A) => unknown,
): TaskFactory<A>
export function task<A extends unknown[]>(
  optionsOrFn: TaskFactoryOptions | ((ctx: TaskContext, ...args: A) => unknown),
  maybeFn?: (ctx: TaskContext, ...args: A) => unknown,
): TaskFactory<A> {
  const options: TaskFactoryOptions = typeof optionsOrFn === 'function' ? {} : optionsOrFn
  const fn = typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn
  if (typeof fn !== 'function') {
    throw new OrchestrationError(
      'DF_TASK_INVALID',
      '[@df/orchestration] task(options, fn) needs a function as its last argument.',
    )
  }
  const baseName = options.name ?? fn.name
  if (!baseName) {
    throw new OrchestrationError(
      'DF_TASK_INVALID',
      '[@df/orchestration] task(): an anonymous function needs { name } in the options.',
    )
  }
  const used = new Set<string>()
  const explicit = new Set<string>()
  const make = (name: string, args: A): Task =>
    new Task({ ...options, name, run: (ctx) => fn(ctx, ...args) })

  const factory = ((...args: A): Task => {
    let name = derivedName(baseName, args)
    if (used.has(name)) {
      let n = 2
      while (used.has(`${name}__${n}`)) n++
      name = `${name}__${n}`
    }
    used.add(name)
    return make(name, args)
  }) as TaskFactory<A>
  factory.named = (name: string) => {
    if (explicit.has(name) || used.has(name)) {
      throw new OrchestrationError(
        'DF_TASK_INVALID',
        `[@df/orchestration] task(): the name '${name}' was already used by this factory; task names must be unique.`,
      )
    }
    explicit.add(name)
    used.add(name)
    return (...args: A) => make(name, args)
  }
  Object.defineProperty(factory, 'baseName', { value: baseName, enumerable: true })
  return factory
}

function derivedName(base: string, args: readonly unknown[]): string {
  if (args.length === 0) return base
  const primitive = args.every(
    (a) => typeof a === 'string' || typeof a === 'number' || typeof a === 'boolean',
  )
  if (!primitive) return base
  const suffix = args
    .map((a) => String(a).replace(/[^A-Za-z0-9_.-]+/g, '_'))
    .join('_')
    .slice(0, 100)
  return `${base}_${suffix}`
}
