/**
 * Retry policy: how many attempts a task gets and how long to wait between them.
 *
 * Airflow's model (reference §2.2) with BullMQ's knobs: fixed or exponential backoff, a
 * multiplier (Airflow's `retry_delay_multiplier`), a cap and jitter. Delays are milliseconds.
 */
import { OrchestrationError } from './errors.js'

/** Retry options of a task. */
export interface RetryOptions {
  /** Retries after the first attempt (so `retries + 1` attempts in all). @default 0 */
  readonly retries?: number
  /** Delay before the first retry, in ms. @default 1000 */
  readonly retryDelay?: number
  /** `'fixed'`: every retry waits `retryDelay`; `'exponential'`: it grows by `retryMultiplier`. @default 'fixed' */
  readonly retryBackoff?: 'fixed' | 'exponential'
  /** Growth factor of exponential backoff. @default 2 */
  readonly retryMultiplier?: number
  /** Upper bound of any delay, in ms. @default 86_400_000 (24 h, Airflow's global cap) */
  readonly maxRetryDelay?: number
  /**
   * Fraction of the delay to randomise, 0..1: the delay becomes `d × (1 − jitter × random())`,
   * so parallel retries spread out instead of stampeding. @default 0
   */
  readonly retryJitter?: number
}

/** A validated, complete retry policy. */
export interface RetryPolicy {
  readonly retries: number
  readonly retryDelay: number
  readonly retryBackoff: 'fixed' | 'exponential'
  readonly retryMultiplier: number
  readonly maxRetryDelay: number
  readonly retryJitter: number
}

const DAY_MS = 86_400_000

/**
 * Validates retry options and fills the defaults.
 * @throws OrchestrationError `DF_TASK_INVALID` naming the task and the bad option.
 */
export function resolveRetryPolicy(taskName: string, options: RetryOptions): RetryPolicy {
  const bad = (what: string): never => {
    throw new OrchestrationError(
      'DF_TASK_INVALID',
      `[@df/orchestration] Task '${taskName}': ${what}.`,
    )
  }
  const retries = options.retries ?? 0
  if (!Number.isInteger(retries) || retries < 0) {
    bad(`retries must be a whole number >= 0, got ${String(retries)}`)
  }
  const retryDelay = options.retryDelay ?? 1000
  if (!Number.isFinite(retryDelay) || retryDelay < 0) {
    bad(`retryDelay must be a number of ms >= 0, got ${String(retryDelay)}`)
  }
  if (retryDelay > 0 && retryDelay < 10) {
    // The seed's retry_delay=2.0 is seconds; a silent 2 ms retry storm is never what was meant.
    bad(
      `retryDelay is in milliseconds: ${retryDelay} ms is almost surely meant as seconds (retryDelay: ${retryDelay * 1000}); use 0 or at least 10 ms`,
    )
  }
  const retryBackoff = options.retryBackoff ?? 'fixed'
  if (retryBackoff !== 'fixed' && retryBackoff !== 'exponential') {
    bad(`retryBackoff must be 'fixed' or 'exponential', got '${String(retryBackoff)}'`)
  }
  const retryMultiplier = options.retryMultiplier ?? 2
  if (!Number.isFinite(retryMultiplier) || retryMultiplier < 1) {
    bad(`retryMultiplier must be a number >= 1, got ${String(retryMultiplier)}`)
  }
  const maxRetryDelay = options.maxRetryDelay ?? DAY_MS
  if (!Number.isFinite(maxRetryDelay) || maxRetryDelay < 0) {
    bad(`maxRetryDelay must be a number of ms >= 0, got ${String(maxRetryDelay)}`)
  }
  const retryJitter = options.retryJitter ?? 0
  if (!Number.isFinite(retryJitter) || retryJitter < 0 || retryJitter > 1) {
    bad(`retryJitter must be a fraction between 0 and 1, got ${String(retryJitter)}`)
  }
  return { retries, retryDelay, retryBackoff, retryMultiplier, maxRetryDelay, retryJitter }
}

/**
 * The wait before the attempt after `failedAttempt` (1-based), in ms.
 *
 * @example
 * // exponential, 1 s, ×2: attempt 1 failed → 1000, attempt 2 → 2000, attempt 3 → 4000
 * computeRetryDelay(policy, 3) // 4000 (capped by maxRetryDelay)
 */
export function computeRetryDelay(
  policy: RetryPolicy,
  failedAttempt: number,
  random: () => number = Math.random,
): number {
  let delay = policy.retryDelay
  if (policy.retryBackoff === 'exponential') {
    delay = policy.retryDelay * policy.retryMultiplier ** Math.max(0, failedAttempt - 1)
  }
  // Cap before jitter so a capped delay still spreads out; never exceed Airflow's 24 h cap.
  delay = Math.min(delay, policy.maxRetryDelay, DAY_MS)
  if (policy.retryJitter > 0) delay = delay * (1 - policy.retryJitter * random())
  return Math.max(0, Math.round(delay))
}
