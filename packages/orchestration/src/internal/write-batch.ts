/**
 * The write batches of one {@link RunDriver}: numbered batches of task updates (one
 * `updateTasks` call each, sent one at a time), the folding of a task's updates waiting in the
 * same batch, and the started attempts waiting for a batch to be acknowledged.
 *
 * A task may start once the writes that made it ready are durable (its upstream outcomes); its
 * own RUNNING mark travels with a later batch. A crash before that batch leaves the attempt
 * QUEUED or PENDING in the store, and a recovery runs it again under the same attempt number
 * (same idempotency key), as for any attempt whose outcome was not stored.
 *
 * A remote attempt's RUNNING mark may also be *held* (`hold`) for a short while: when its outcome
 * comes back before the hold ends, the two are written as one update (one row write instead of
 * two: quick tasks on workers cost the store half as much); otherwise it joins the batch being
 * built when the hold ends. The outcome itself is never held.
 *
 * The batch also owns each task's compare-and-set version. By the contract's version rule an
 * applied update sets `version = expectedVersion + 1`, and batches are written one at a time in
 * order, so the version each update expects is known when the batch is taken: it is stamped
 * then, never predicted earlier (a folded update simply does not count).
 */
import type { Backend, TaskUpdate } from '../backend.js'
import type { Clock, TimerHandle } from '../clock.js'
import { OrchestrationError } from '../errors.js'

export class WriteBatch {
  /** The updates of the batch being built. */
  writes: TaskUpdate[] = []
  /** The number of the batch being built; batches are acknowledged in order. */
  building = 1
  /** The number of the last acknowledged batch (0: only what the run was loaded with). */
  acked = 0
  /** Per task: its update in `writes`, valid when `#pendingIn[i] === building`. */
  readonly #pending: (TaskUpdate | undefined)[]
  readonly #pendingIn: Int32Array
  /** The task index of each update in `writes`. */
  #writeIndex: number[] = []
  /** Per task: the version its row will have once every batch taken so far is applied. */
  readonly #versions: Float64Array
  /** Started attempts waiting for a batch: pairs of (task index, batch number). */
  #waiting: number[] = []
  /** Per task: its held update (see `hold`), and until when it is held (epoch ms). */
  readonly #held: (TaskUpdate | undefined)[]
  /** Pairs of (task index, hold end) in hold order, hence in end order; stale pairs are skipped. */
  #heldOrder: number[] = []
  #heldHead = 0
  readonly #heldUntil: Float64Array

  constructor(taskCount: number) {
    this.#pending = new Array(taskCount)
    this.#pendingIn = new Int32Array(taskCount)
    this.#versions = new Float64Array(taskCount).fill(1)
    this.#held = new Array(taskCount)
    this.#heldUntil = new Float64Array(taskCount)
  }

  /** The stored version of task `index` when the run was loaded (default 1, as `createRun` makes). */
  setVersion(index: number, version: number): void {
    this.#versions[index] = version
  }

  /**
   * Queues task `index`'s update, or folds it into that task's update already in the batch
   * being built (returns true then: applying both in order equals applying the first with the
   * second's fields on top, so the task's version moves by one, not two). Updates carrying
   * attempt records of different attempts never fold.
   */
  add(index: number, update: TaskUpdate): boolean {
    const held = this.#held[index]
    if (held !== undefined) {
      // The held mark goes out now, with this update folded in when it can be.
      this.#held[index] = undefined
      this.#push(index, held)
    }
    const pending = this.#pendingIn[index] === this.building ? this.#pending[index] : undefined
    const a = pending?.attemptRecord
    const b = update.attemptRecord
    if (pending === undefined || (a !== undefined && b !== undefined && a.attempt !== b.attempt)) {
      this.#push(index, update)
      return false
    }
    const target = pending as unknown as Record<string, unknown>
    const source = update as unknown as Record<string, unknown>
    for (const key in source) if (key !== 'expectedVersion') target[key] = source[key]
    return held === undefined // a released hold is a new entry in the batch: not a fold
  }

  #push(index: number, update: TaskUpdate): void {
    this.#pending[index] = update
    this.#pendingIn[index] = this.building
    this.writes.push(update)
    this.#writeIndex.push(index)
  }

  /**
   * Holds task `index`'s update until `until` (epoch ms): a later `add` for the task folds into
   * it and sends both at once; `release` sends it when the hold ends. When the batch being built
   * already updates the task, there is nothing to save: it folds in at once (`add`). Returns
   * true when the update became a new entry of the batch being built (a write to schedule).
   */
  hold(index: number, update: TaskUpdate, until: number): boolean {
    if (this.#pendingIn[index] === this.building || this.#held[index] !== undefined) {
      return !this.add(index, update)
    }
    this.#held[index] = update
    this.#heldUntil[index] = until
    this.#heldOrder.push(index, until)
    return false
  }

  /**
   * Moves the updates whose hold ended by `now` into the batch being built; returns when the
   * next hold ends (`Infinity`: nothing held).
   */
  release(now: number): number {
    const order = this.#heldOrder
    while (this.#heldHead < order.length) {
      const i = order[this.#heldHead]!
      const until = order[this.#heldHead + 1]!
      const held = this.#held[i]
      const current = held !== undefined && this.#heldUntil[i] === until
      if (current && until > now) {
        if (this.#heldHead > 1024) {
          order.splice(0, this.#heldHead)
          this.#heldHead = 0
        }
        return until
      }
      this.#heldHead += 2
      if (current) {
        this.#held[i] = undefined
        this.add(i, held)
      }
    }
    this.#heldOrder = []
    this.#heldHead = 0
    return Number.POSITIVE_INFINITY
  }

  /**
   * Takes the batch being built (to send it), stamping each update's `expectedVersion`; the next
   * batch starts empty. Two updates of one task in a batch (different attempts) expect
   * consecutive versions, as the backend applies a batch in order.
   */
  take(): { writes: TaskUpdate[]; indices: number[]; batch: number } {
    const index = this.#writeIndex
    const taken = { writes: this.writes, indices: index, batch: this.building }
    const versions = this.#versions
    for (let k = 0; k < index.length; k++) {
      ;(taken.writes[k] as { expectedVersion: number }).expectedVersion = versions[index[k]!]!++
    }
    this.writes = []
    this.#writeIndex = []
    this.building++
    return taken
  }

  /** True while started attempts wait for a batch. */
  get waiting(): boolean {
    return this.#waiting.length > 0
  }

  /** Remembers that attempt `index` may be dispatched once batch `after` is acknowledged. */
  wait(index: number, after: number): void {
    this.#waiting.push(index, after)
  }

  /** Marks `batch` acknowledged; returns the waiting attempts it releases, in start order. */
  acknowledge(batch: number): number[] {
    this.acked = batch
    const released: number[] = []
    if (this.#waiting.length === 0) return released
    const waiting = this.#waiting
    this.#waiting = []
    for (let k = 0; k < waiting.length; k += 2) {
      if (waiting[k + 1]! <= batch) released.push(waiting[k]!)
      else this.#waiting.push(waiting[k]!, waiting[k + 1]!)
    }
    return released
  }
}

/**
 * One batch write, retried on a thrown (transient) backend error: 3 retries after 100 ms,
 * 400 ms and 1.6 s on the engine clock. A lost compare-and-set is a result, not retried here.
 */
export async function writeBatch(
  backend: Backend,
  clock: Clock,
  writes: TaskUpdate[],
  stopped: () => boolean,
): Promise<Awaited<ReturnType<Backend['updateTasks']>>> {
  for (let retry = 0; ; retry++) {
    try {
      return await backend.updateTasks(writes)
    } catch (error) {
      const closed = OrchestrationError.is(error) && error.code === 'DF_BACKEND_CLOSED'
      if (retry >= 3 || closed || stopped()) throw error
      await new Promise<void>((resolve) => clock.setTimeout(resolve, 100 * 4 ** retry))
    }
  }
}

/** One timer on the engine clock that fires `fn` at the earliest time it was asked for. */
export class Alarm {
  readonly #clock: Clock
  readonly #fn: () => void
  #timer: TimerHandle | undefined
  #at = Number.POSITIVE_INFINITY

  constructor(clock: Clock, fn: () => void) {
    this.#clock = clock
    this.#fn = fn
  }

  /** Fires at `at` (epoch ms) unless it already fires sooner; `Infinity`: nothing to do. */
  at(at: number): void {
    if (at === Number.POSITIVE_INFINITY || (this.#timer !== undefined && this.#at <= at)) return
    this.clear()
    this.#at = at
    this.#timer = this.#clock.setTimeout(
      () => {
        this.#timer = undefined
        this.#at = Number.POSITIVE_INFINITY
        this.#fn()
      },
      Math.max(0, at - this.#clock.now()),
    )
  }

  clear(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer)
    this.#timer = undefined
    this.#at = Number.POSITIVE_INFINITY
  }
}
