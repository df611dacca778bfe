import { DremioError } from '../errors.js'
import type { RetryOptions } from '../options.js'

/**
 * Backoff for retry `attempt` (0-based): exponential from `minDelayMs`, capped at `maxDelayMs`,
 * with "equal jitter" (half fixed, half random) so synchronized clients spread out. A server
 * `Retry-After` wins when it is longer, still capped so a hostile header cannot park us.
 */
export function backoffDelay(
  attempt: number,
  retry: Pick<RetryOptions, 'minDelayMs' | 'maxDelayMs'>,
  retryAfterSeconds?: number,
  random: () => number = Math.random,
): number {
  const exp = Math.min(retry.maxDelayMs, retry.minDelayMs * 2 ** attempt)
  const jittered = exp / 2 + (random() * exp) / 2
  const server = retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : 0
  return Math.min(retry.maxDelayMs, Math.max(jittered, server))
}

/**
 * Delay before retry `attempt` (0-based) of a request that failed `since` (epoch ms of the first
 * attempt), or `undefined` to give up. `overloaded` (429/503: the server did not run it) is
 * retried while `budgetMs` lasts, waiting the longer of the backoff and `Retry-After` (which may
 * exceed `maxDelayMs`, never the budget); anything else, and an overload past the budget, up to
 * `retries` times with {@link backoffDelay}.
 */
export function retryDelay(
  attempt: number,
  retry: RetryOptions,
  overloaded: boolean,
  since: number,
  retryAfterSeconds?: number,
  now: number = Date.now(),
  random: () => number = Math.random,
): number | undefined {
  const base = backoffDelay(attempt, retry, retryAfterSeconds, random)
  if (overloaded) {
    const wanted = Math.max(base, (retryAfterSeconds ?? 0) * 1000)
    if (now - since + wanted <= retry.budgetMs) return wanted
  }
  return attempt < retry.retries ? base : undefined
}

/** Parses `Retry-After` (seconds or HTTP date) into seconds; undefined when absent or garbage. */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value.trim() === '') return undefined
  const n = Number(value)
  if (Number.isFinite(n)) return Math.max(0, n)
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000)
}

/** Sleeps `ms`, rejecting with `DF_DREMIO_ABORTED` as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError(signal))
      return
    }
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(abortedError(signal as AbortSignal))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** The error thrown when a caller's signal fires. */
export function abortedError(signal: AbortSignal): DremioError {
  return new DremioError('DF_DREMIO_ABORTED', 'The operation was aborted.', {
    cause: signal.reason,
  })
}

/**
 * Polling schedule of `job.wait()`: the first check happens at once, then the delay grows by
 * 1.5x from 1 ms up to `capMs` (a job that completes at once returns in a millisecond or two over
 * loopback; a long job costs ~1 request/s once the cap is reached).
 */
export function pollDelay(checksDone: number, capMs = 1000): number {
  if (checksDone <= 0) return 0
  return Math.min(capMs, Math.round(1.5 ** (checksDone - 1)))
}
