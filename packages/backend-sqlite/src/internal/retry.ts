/**
 * Waiting out other processes' locks. The busy timeout already waits inside SQLite; when a lock
 * outlives it (a long writer elsewhere) the whole transaction is retried after a short async
 * pause, so lock contention delays an operation but never fails it before `lockRetryMs`.
 */
import { isBusy } from './errors.js'

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Runs `attempt` until it stops throwing "busy", the window closes, or `stop()` throws (closed,
 * aborted). Non-busy errors are rethrown at once. Uses the wall clock only for the retry window,
 * never for a lease decision.
 */
export async function retryBusy<T>(
  attempt: () => T,
  windowMs: number,
  stop: () => void,
): Promise<T> {
  const deadline = Date.now() + windowMs
  for (let n = 0; ; n++) {
    stop()
    try {
      return attempt()
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error
    }
    // Jittered backoff, 1 ms doubling to 50 ms: two processes do not retry in lockstep.
    await sleep(Math.min(50, 2 ** Math.min(n, 6)) * (0.5 + Math.random()))
  }
}
