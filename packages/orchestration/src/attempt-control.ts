/**
 * The abort side of one attempt, for executors: `LazyAttemptControl` creates its `AbortSignal`
 * only when a task reads it (most never do, and a signal costs microseconds on Node 20), and
 * `abortOutcome` is the outcome an executor reports itself when it aborts an attempt (the
 * contract: a timeout is a retryable `failed` with `timedOut`, anything else `cancelled`). The
 * in-process executor and `@df/executor-bullmq`'s workers share both.
 */
import type { OrchestrationError } from './errors.js'
import type { AttemptControl, TaskDispatch, TaskOutcome } from './executor.js'
import type { JsonObject } from './json.js'

/** An {@link AttemptControl} whose signal is created on first read. */
export class LazyAttemptControl implements AttemptControl {
  readonly task: TaskDispatch
  /** Set by `ctx.setMeta`; reported with a timeout or cancel outcome. */
  meta: JsonObject | undefined = undefined
  #controller: AbortController | undefined
  #aborted = false
  #reason: unknown

  constructor(task: TaskDispatch) {
    this.task = task
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController()
      if (this.#aborted) this.#controller.abort(this.#reason)
    }
    return this.#controller.signal
  }

  get aborted(): boolean {
    return this.#aborted
  }

  get reason(): unknown {
    return this.#reason
  }

  /** Aborts the signal (now or when it is created); false when it was already aborted. */
  abort(reason: unknown): boolean {
    if (this.#aborted) return false
    this.#aborted = true
    this.#reason = reason
    this.#controller?.abort(reason)
    return true
  }
}

/** What an executor reports for an attempt it aborted with `reason` (timeout or cancel). */
export function abortOutcome(
  reason: OrchestrationError,
  meta: JsonObject | undefined,
): TaskOutcome {
  const m = meta === undefined ? {} : { meta }
  return reason.code === 'DF_TASK_TIMEOUT'
    ? {
        status: 'failed',
        retryable: true,
        timedOut: true,
        error: { message: reason.message, name: reason.name, code: reason.code },
        ...m,
      }
    : { status: 'cancelled', reason: reason.message, ...m }
}
