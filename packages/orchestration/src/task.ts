/**
 * `Task`: one node of a pipeline. A task is a definition (what to run, retries, trigger rule);
 * it holds no per-run state, so one pipeline can run many times at once.
 */
import type { ErrorRecord } from './backend.js'
import { OrchestrationError } from './errors.js'
import { checkOptionKeys } from './internal/option-keys.js'
import type { JsonObject, JsonValue } from './json.js'
import { type RetryOptions, type RetryPolicy, resolveRetryPolicy } from './retry-policy.js'
import { isTriggerRule, type TriggerRule } from './trigger-rules.js'

/** Per-attempt logger; lines are captured on the attempt record (size-bounded) and emitted as events. */
export interface TaskLogger {
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

/** What a task's `run` function receives. */
export interface TaskContext {
  /**
   * The result of an upstream task (direct or transitive) of this run; `undefined` when it
   * returned nothing. Throws `DF_TASK_INVALID` for a task that is not upstream of this one.
   */
  get<T extends JsonValue | undefined = JsonValue | undefined>(taskName: string): T
  /** The run's params (JSON, stored with the run). */
  readonly params: JsonObject
  /** In-process values given to `run({ context })`; not stored, empty after a recovery. */
  readonly context: Readonly<Record<string, unknown>>
  readonly runId: string
  readonly pipelineId: string
  readonly taskId: string
  /** ISO 8601 UTC instant the run is for. */
  readonly logicalDate: string
  /** A scheduled run's data interval (ISO 8601 UTC); absent for other runs. */
  readonly dataIntervalStart?: string
  readonly dataIntervalEnd?: string
  /** 1-based attempt number. */
  readonly attempt: number
  /** Aborted on timeout, cancellation or lease loss: pass it to every I/O call. */
  readonly signal: AbortSignal
  readonly log: TaskLogger
  /**
   * When this task's first attempt of this run started (epoch ms, the engine clock): the same
   * across retries and reschedules, so a sensor's timeout counts from its first poke.
   */
  readonly taskStartedAt: number
  /** The engine clock's time (epoch ms): a manual clock in tests. */
  now(): number
  /**
   * Waits `ms` on the engine clock. Rejects with the signal's reason when the attempt is
   * aborted (timeout, cancel) meanwhile.
   */
  sleep(ms: number): Promise<void>
  /**
   * Records a small JSON fact about external work on this attempt's record (`meta[key]`, the
   * latest call per key wins), also when the attempt then times out or is cancelled: e.g. the
   * Dremio tasks call `ctx.setMeta('dremioJobId', id)`, which the CLI and the UI show. Never
   * pass secrets. Optional so that hand-made contexts need not implement it.
   */
  setMeta?(key: string, value: JsonValue): void
}

/** What a task callback receives. */
export interface TaskCallbackInfo {
  readonly runId: string
  readonly pipelineId: string
  readonly taskId: string
  readonly attempt: number
  readonly result?: JsonValue
  readonly error?: ErrorRecord
  /** For `onRetry`: when the next attempt is due (epoch ms). */
  readonly nextAttemptAt?: number
}

/** Options of a {@link Task}. */
export interface TaskOptions extends RetryOptions {
  /** Unique within a pipeline; no `/` and no control characters. */
  readonly name: string
  /** The work. Its (awaited) return value must be JSON and small: return references, not data. */
  readonly run: (ctx: TaskContext) => unknown
  /** Per-attempt timeout in ms: aborts `ctx.signal` and fails the attempt (retryable). */
  readonly timeoutMs?: number
  /** @default 'all_success' */
  readonly triggerRule?: TriggerRule
  /** A pool defined with `definePool`; the task takes one slot of it while it runs. */
  readonly pool?: string
  /** The task type stored with the definition. @default 'function' */
  readonly type?: string
  /** Serialisable options stored with the definition (never secrets). */
  readonly options?: JsonObject
  readonly onSuccess?: (info: TaskCallbackInfo) => void | Promise<void>
  readonly onFailure?: (info: TaskCallbackInfo) => void | Promise<void>
  readonly onRetry?: (info: TaskCallbackInfo) => void | Promise<void>
}

const BAD_NAME = /[/\p{Cc}]/u

/** Every key of {@link TaskOptions}: anything else is refused (issue 15 #4). */
export const TASK_OPTION_KEYS: ReadonlySet<string> = new Set([
  'name',
  'run',
  'timeoutMs',
  'triggerRule',
  'pool',
  'type',
  'options',
  'onSuccess',
  'onFailure',
  'onRetry',
  'retries',
  'retryDelay',
  'retryBackoff',
  'retryMultiplier',
  'maxRetryDelay',
  'retryJitter',
])

/** Below this, a timeout is almost surely seconds written as milliseconds. */
const MIN_TIMEOUT_MS = 100

/**
 * A unit of work in a pipeline.
 *
 * @example
 * const extract = new Task({ name: 'extract', run: async () => ({ rows: 10 }) })
 * const load = new Task({ name: 'load', retries: 3, run: async (ctx) => ctx.get('extract') })
 * extract.setDownstream(load)
 */
export class Task {
  readonly name: string
  readonly triggerRule: TriggerRule
  readonly retry: RetryPolicy
  readonly timeoutMs: number | undefined
  readonly pool: string | undefined
  readonly type: string
  readonly options: JsonObject | undefined
  readonly fn: (ctx: TaskContext) => unknown
  readonly onSuccess: TaskOptions['onSuccess']
  readonly onFailure: TaskOptions['onFailure']
  readonly onRetry: TaskOptions['onRetry']
  /** Direct upstream tasks, in insertion order. */
  readonly upstream: Set<Task> = new Set()
  /** Direct downstream tasks, in insertion order. */
  readonly downstream: Set<Task> = new Set()

  /** @throws OrchestrationError `DF_TASK_INVALID` for a bad name, rule, retry or timeout value. */
  constructor(options: TaskOptions) {
    const name = options?.name
    if (typeof name !== 'string' || name.length === 0 || name.length > 250 || BAD_NAME.test(name)) {
      throw new OrchestrationError(
        'DF_TASK_INVALID',
        `[@df/orchestration] Task name must be a non-empty string of at most 250 characters without '/' or control characters, got ${JSON.stringify(name)}.`,
      )
    }
    this.name = name
    checkOptionKeys(options, TASK_OPTION_KEYS, `Task '${name}'`, 'DF_TASK_INVALID')
    if (typeof options.run !== 'function') {
      throw invalid(name, 'run must be a function (ctx) => result')
    }
    this.fn = options.run
    const rule = options.triggerRule ?? 'all_success'
    if (!isTriggerRule(rule)) {
      throw invalid(
        name,
        `unknown trigger rule '${String(rule)}' (use one of all_success, all_failed, all_done, all_done_min_one_success, all_skipped, one_success, one_failed, one_done, none_failed, none_failed_min_one_success, none_skipped, always)`,
      )
    }
    this.triggerRule = rule
    this.retry = resolveRetryPolicy(name, options)
    const timeout = options.timeoutMs
    if (timeout !== undefined && (!Number.isFinite(timeout) || timeout <= 0)) {
      throw invalid(name, `timeoutMs must be a number of ms > 0, got ${String(timeout)}`)
    }
    if (timeout !== undefined && timeout < MIN_TIMEOUT_MS) {
      throw invalid(
        name,
        `timeoutMs is in milliseconds: ${timeout} ms is almost surely meant as seconds (timeoutMs: ${timeout * 1000}); use at least ${MIN_TIMEOUT_MS} ms`,
      )
    }
    this.timeoutMs = timeout
    if (options.pool !== undefined && (typeof options.pool !== 'string' || options.pool === '')) {
      throw invalid(name, 'pool must be a non-empty pool name')
    }
    this.pool = options.pool
    this.type = options.type ?? 'function'
    this.options = options.options
    this.onSuccess = options.onSuccess
    this.onFailure = options.onFailure
    this.onRetry = options.onRetry
  }

  /** Makes `task` run after this one; returns `task` so chains read left to right. */
  setDownstream<T extends Task | readonly Task[]>(task: T): T {
    for (const t of Array.isArray(task) ? (task as readonly Task[]) : [task as Task]) {
      if (t === this) throw invalid(this.name, 'a task cannot depend on itself')
      this.downstream.add(t)
      t.upstream.add(this)
    }
    return task
  }

  /** Makes this task run after `task`; returns `task` (like Airflow's `a << b`). */
  setUpstream<T extends Task | readonly Task[]>(task: T): T {
    for (const t of Array.isArray(task) ? (task as readonly Task[]) : [task as Task]) {
      t.setDownstream(this)
    }
    return task
  }
}

function invalid(name: string, what: string): OrchestrationError {
  return new OrchestrationError('DF_TASK_INVALID', `[@df/orchestration] Task '${name}': ${what}.`)
}

/**
 * Links tasks (or groups of tasks) one after the other and returns the last: `chain(a, [b, c], d)`
 * makes b and c run after a, and d after both (Airflow's `chain`).
 */
export function chain<T extends Task | readonly Task[]>(
  ...steps: [...(Task | readonly Task[])[], T]
): T {
  for (let i = 1; i < steps.length; i++) {
    const before = steps[i - 1]!
    for (const up of Array.isArray(before) ? (before as readonly Task[]) : [before as Task]) {
      up.setDownstream(steps[i]!)
    }
  }
  return steps[steps.length - 1] as T
}
