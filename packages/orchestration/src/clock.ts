/**
 * Time for the engine: `now()` and timers, injectable so retries, timeouts and leases can be
 * tested without real sleeps (TanStack's `TimeoutProvider`).
 */

/** An opaque timer handle. */
export type TimerHandle = { readonly __timer: true } | object

/** The engine's source of time. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number
  /** Calls `fn` after `ms`. */
  setTimeout(fn: () => void, ms: number): TimerHandle
  clearTimeout(handle: TimerHandle): void
}

/** The real clock (`Date.now`, `setTimeout`). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/** A clock that only moves when told to: for tests. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms`, firing due timers in order and letting promises settle. */
  advance(ms: number): Promise<void>
  /** Lets pending promise callbacks (and I/O) run without moving time. */
  flush(): Promise<void>
  /** Number of timers not yet fired. */
  readonly pendingTimers: number
}

interface ManualTimer {
  at: number
  seq: number
  fn: () => void
}

/**
 * Creates a {@link ManualClock} starting at `start` (epoch ms).
 *
 * @example
 * const clock = createManualClock(0)
 * const pipeline = new Pipeline('p', { clock })
 * const done = pipeline.run()
 * await clock.advance(1000) // fires the retry timer due at 1000
 */
export function createManualClock(start = 0): ManualClock {
  let now = start
  let seq = 0
  const timers = new Set<ManualTimer>()
  const flush = async (): Promise<void> => {
    // Several macrotask turns: promise chains in the engine may span a few hops.
    for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve))
  }
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const timer: ManualTimer = { at: now + Math.max(0, ms), seq: seq++, fn }
      timers.add(timer)
      return timer
    },
    clearTimeout(handle) {
      timers.delete(handle as ManualTimer)
    },
    get pendingTimers() {
      return timers.size
    },
    flush,
    async advance(ms) {
      const target = now + ms
      await flush()
      for (;;) {
        let next: ManualTimer | undefined
        for (const t of timers) {
          if (
            t.at <= target &&
            (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))
          ) {
            next = t
          }
        }
        if (!next) break
        timers.delete(next)
        now = Math.max(now, next.at)
        next.fn()
        await flush()
      }
      now = target
      await flush()
    },
  }
}
