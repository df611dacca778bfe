/**
 * One attempt inside the in-process executor: its lazily created AbortSignal, its timeout
 * timer, and "settle once" bookkeeping.
 */
import type { TimerHandle } from '../clock.js'
import type { AttemptControl, TaskDispatch } from '../executor.js'
import type { JsonObject } from '../json.js'

export class AttemptSlot implements AttemptControl {
  readonly task: TaskDispatch
  timer: TimerHandle | undefined
  settled = false
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

  abort(reason: unknown): void {
    if (this.#aborted) return
    this.#aborted = true
    this.#reason = reason
    this.#controller?.abort(reason)
  }
}
