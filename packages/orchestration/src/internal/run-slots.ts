/**
 * A Pipeline's `maxActiveRuns` slots: how many runs it drives at once, and the queue of runs that
 * wait for a slot (oldest first). A waiting run keeps its lease (a {@link LeaseHolder} of its own),
 * so another engine takes it over only when this one dies; losing it, or a cancel, ends the wait.
 */
import type { RunRecord } from '../backend.js'
import type { LeaseHolder, LeaseKeeper } from './lease-keeper.js'

interface Queued {
  readonly start: () => void
  cancelled?: string
  /** Set when another engine took the queued run over (its lease expired). */
  lost?: unknown
}

export class RunSlots {
  readonly #max: () => number
  readonly #queued = new Map<string, Queued>()
  readonly #waiting: Queued[] = []
  /** Runs holding a slot (recovered runs take one without waiting). */
  active = 0

  /** `max`: the current `maxActiveRuns`. */
  constructor(max: () => number) {
    this.#max = max
  }

  /** Takes a slot at once when one is free (else the caller queues). */
  tryTake(): boolean {
    if (this.active >= this.#max()) return false
    this.active++
    return true
  }

  /** Frees a slot, handing it to the oldest queued run. */
  release(): void {
    const next = this.#waiting.shift()
    if (next) next.start()
    else this.active--
  }

  /**
   * Waits in the queue until a slot is handed over (it is then held) or the run is cancelled
   * (the slot is then held too, and released by the caller); returns the cancel reason, if any.
   * Throws when the lease was lost meanwhile (no slot held then). `onAbort` runs when `signal`
   * aborts; `cancel` when the lease keeper reports a cancel request for the run.
   */
  async queue(
    run: RunRecord,
    leases: LeaseKeeper,
    signal: AbortSignal | undefined,
    onAbort: () => void,
    cancel: (reason: string) => void,
  ): Promise<string | undefined> {
    const entry: Queued = { start: () => {} }
    const started = new Promise<void>((resolve) => {
      ;(entry as { start: () => void }).start = resolve
    })
    const holder: LeaseHolder = {
      runId: run.id,
      stopped: false,
      finalizing: false,
      lose: (error) => {
        entry.lost = error
        const i = this.#waiting.indexOf(entry)
        if (i >= 0) this.#waiting.splice(i, 1)
        this.active++ // balanced by release() below
        entry.start()
      },
      cancel,
    }
    this.#queued.set(run.id, entry)
    this.#waiting.push(entry)
    leases.add(holder)
    signal?.addEventListener('abort', onAbort)
    await started
    signal?.removeEventListener('abort', onAbort)
    leases.delete(holder)
    this.#queued.delete(run.id)
    if (entry.lost !== undefined) {
      this.release()
      throw entry.lost
    }
    return entry.cancelled
  }

  /** Ends run `runId`'s wait as cancelled (it then holds a slot for its caller to release). */
  cancel(runId: string, reason: string): boolean {
    const queued = this.#queued.get(runId)
    if (!queued) return false
    queued.cancelled = reason
    const i = this.#waiting.indexOf(queued)
    if (i >= 0) this.#waiting.splice(i, 1)
    this.active++ // balanced by the caller's release()
    queued.start()
    return true
  }
}
