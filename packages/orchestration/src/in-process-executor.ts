/**
 * The in-process executor: runs attempts in this process, at most `concurrency` at once, each
 * with its own AbortSignal that a timeout or `cancel` aborts. It passes `describeExecutor` from
 * `@df/conformance/executor`.
 *
 * Hot path: `dispatch` starts the attempt synchronously when a slot is free (no timer, no
 * `setImmediate` per task); the outcome goes back through `onOutcome` when the handler's
 * promise settles. Only attempts with a `timeoutMs` get a timer, and an attempt's AbortSignal
 * is created only if the task reads it. A timeout or cancel reports the outcome at once.
 */
import { type Clock, systemClock } from './clock.js'
import { OrchestrationError } from './errors.js'
import { checkOptionKeys } from './internal/option-keys.js'

const EXECUTOR_OPTION_KEYS: ReadonlySet<string> = new Set(['concurrency', 'clock', 'worker'])

import { abortOutcome } from './attempt-control.js'
import type { Executor, ExecutorHooks, TaskDispatch, TaskOutcome } from './executor.js'
import { AttemptSlot } from './internal/attempt-slot.js'

/** Options of {@link createInProcessExecutor}. */
export interface InProcessExecutorOptions {
  /** Attempts running at once; more wait in FIFO order. @default Infinity */
  readonly concurrency?: number
  /** Timers for `timeoutMs`. @default systemClock */
  readonly clock?: Clock
  /** Reported to `onStart` as the worker id. @default `in-process:<pid>` */
  readonly worker?: string
}

/**
 * Creates an in-process executor.
 *
 * @example
 * const executor = createInProcessExecutor({ concurrency: 8 })
 * const pipeline = new Pipeline('etl', { executor })
 */
export function createInProcessExecutor(options: InProcessExecutorOptions = {}): Executor {
  checkOptionKeys(options, EXECUTOR_OPTION_KEYS, 'In-process executor')
  const concurrency = options.concurrency ?? Number.POSITIVE_INFINITY
  if (
    !(concurrency >= 1) ||
    (concurrency !== Number.POSITIVE_INFINITY && !Number.isInteger(concurrency))
  ) {
    throw new OrchestrationError(
      'DF_OPTION_INVALID',
      `[@df/orchestration] In-process executor: concurrency must be a whole number >= 1, got ${String(concurrency)}.`,
    )
  }
  const clock = options.clock ?? systemClock
  const worker = options.worker ?? `in-process:${process.pid}`
  let hooks: ExecutorHooks | undefined
  let closed = false
  const running = new Set<AttemptSlot>()
  const queue: TaskDispatch[] = []
  let queueHead = 0
  let idle: Array<() => void> = []

  const finish = (entry: AttemptSlot, outcome: TaskOutcome): void => {
    if (entry.settled) return
    entry.settled = true
    if (entry.timer !== undefined) clock.clearTimeout(entry.timer)
    running.delete(entry)
    hooks!.onOutcome(entry.task, outcome)
    pump()
  }

  /** Aborts an attempt and reports its outcome at once: the handler's later result is ignored. */
  const abort = (entry: AttemptSlot, reason: OrchestrationError): void => {
    if (entry.settled) return
    entry.abort(reason)
    finish(entry, abortOutcome(reason, entry.meta))
  }

  const start = (task: TaskDispatch): void => {
    const entry = new AttemptSlot(task)
    running.add(entry)
    if (task.timeoutMs !== undefined) {
      entry.timer = clock.setTimeout(() => {
        abort(
          entry,
          new OrchestrationError(
            'DF_TASK_TIMEOUT',
            `[@df/orchestration] Task '${task.taskId}' attempt ${task.attempt} timed out after ${task.timeoutMs} ms.`,
          ),
        )
      }, task.timeoutMs)
    }
    hooks!.onStart?.(task, worker)
    let promise: Promise<TaskOutcome>
    try {
      promise = hooks!.run(task, entry)
    } catch (error) {
      promise = Promise.reject(error)
    }
    promise.then(
      (outcome) => finish(entry, outcome),
      (error: unknown) =>
        finish(entry, {
          status: 'failed',
          retryable: true,
          error: {
            message: error instanceof Error ? error.message : String(error),
            name: error instanceof Error ? error.name : 'Error',
            ...(error instanceof Error && error.stack !== undefined ? { stack: error.stack } : {}),
          },
        }),
    )
  }

  const pump = (): void => {
    while (running.size < concurrency && queueHead < queue.length) {
      const next = queue[queueHead]!
      queue[queueHead++] = undefined as never
      start(next)
    }
    if (queueHead > 1024 && queueHead * 2 > queue.length) {
      queue.splice(0, queueHead)
      queueHead = 0
    }
    if (running.size === 0 && queueHead >= queue.length && idle.length > 0) {
      const waiters = idle
      idle = []
      for (const resolve of waiters) resolve()
    }
  }

  const closedError = (what: string) =>
    new OrchestrationError('DF_EXECUTOR_CLOSED', `[@df/orchestration] In-process executor ${what}.`)

  return {
    name: 'in-process',
    async start(h) {
      if (closed) throw closedError('is closed')
      hooks = h
    },
    dispatch(task) {
      if (closed) return Promise.reject(closedError('is closed'))
      if (!hooks) return Promise.reject(closedError('was not started'))
      if (running.size < concurrency) start(task)
      else queue.push(task)
      return Promise.resolve()
    },
    async cancel(runId, taskId, scope) {
      const reason = new OrchestrationError(
        'DF_CANCELLED',
        `[@df/orchestration] Run '${runId}'${taskId ? ` task '${taskId}'` : ''} was cancelled.`,
      )
      const kept: TaskDispatch[] = []
      const dropped: TaskDispatch[] = []
      for (let i = queueHead; i < queue.length; i++) {
        const t = queue[i]!
        if (matches(t, runId, taskId, scope?.engineId)) dropped.push(t)
        else kept.push(t)
      }
      queue.length = 0
      queue.push(...kept)
      queueHead = 0
      // Drop queued attempts first, so aborting a running one cannot start them.
      for (const entry of [...running]) {
        if (matches(entry.task, runId, taskId, scope?.engineId)) abort(entry, reason)
      }
      for (const t of dropped) hooks?.onOutcome(t, { status: 'cancelled', reason: reason.message })
      pump()
    },
    async close(o) {
      if (!closed) {
        closed = true
        if (!o?.drain) {
          const dropped = queue.slice(queueHead)
          queue.length = 0
          queueHead = 0
          for (const t of dropped) {
            hooks?.onOutcome(t, { status: 'cancelled', reason: 'The executor was closed.' })
          }
        }
      }
      if (o?.drain && (running.size > 0 || queueHead < queue.length)) {
        await new Promise<void>((resolve) => idle.push(resolve))
      }
    },
  }
}

function matches(
  t: TaskDispatch,
  runId: string,
  taskId: string | undefined,
  engineId: string | undefined,
): boolean {
  return (
    t.runId === runId &&
    (taskId === undefined || t.taskId === taskId) &&
    (engineId === undefined || t.engineId === undefined || t.engineId === engineId)
  )
}
