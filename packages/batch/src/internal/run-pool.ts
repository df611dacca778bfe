/**
 * Runs one async job per item with at most `maxConcurrency` in flight, and a shared rate-limit
 * gate: when Dremio answers 429 (after the client's own retries), EVERY worker waits until the
 * pause ends (`Retry-After`, else exponential backoff) before sending anything else, and the item
 * is retried. So a rate-limited batch slows down as a whole instead of hammering.
 */
import { DremioError, DremioHttpError } from '@df/client'
import type { Sleep } from '../batch-manager.js'
import type { BatchItemResult, BatchProgress } from '../batch-result.js'

/** Pool settings, resolved from `BatchManagerOptions`. */
export interface PoolSettings {
  maxConcurrency: number
  rateLimitRetries: number
  minPauseMs: number
  maxPauseMs: number
  sleep: Sleep
  signal?: AbortSignal | undefined
  onProgress?: ((progress: BatchProgress) => void) | undefined
  onRateLimited?: ((pauseMs: number) => void) | undefined
}

/** Real-time sleep that rejects when `signal` fires. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })

function isRateLimited(error: unknown): error is DremioError {
  return DremioError.is(error) && error.code === 'DF_DREMIO_RATE_LIMITED'
}

function asDremioError(error: unknown): DremioError {
  if (DremioError.is(error)) return error
  return new DremioError(
    'DF_DREMIO_PROTOCOL',
    `Unexpected failure: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  )
}

/** Runs `job` on every item; resolves with one result per item, in input order. */
export async function runPool<I, T>(
  items: readonly I[],
  job: (item: I) => Promise<T>,
  settings: PoolSettings,
): Promise<BatchItemResult<I, T>[]> {
  const results = new Array<BatchItemResult<I, T>>(items.length)
  let next = 0
  let done = 0
  let failed = 0
  let gate: Promise<void> = Promise.resolve()
  let gateOpen = true
  let consecutiveLimits = 0

  const pause = (error: DremioError): Promise<void> => {
    const retryAfter = error instanceof DremioHttpError ? error.retryAfterSeconds : undefined
    const backoff = settings.minPauseMs * 2 ** Math.min(consecutiveLimits, 16)
    const ms = Math.min(settings.maxPauseMs, retryAfter !== undefined ? retryAfter * 1000 : backoff)
    // Workers hitting 429 together share one pause instead of stacking theirs.
    if (gateOpen) {
      consecutiveLimits++
      gateOpen = false
      settings.onRateLimited?.(ms)
      gate = settings
        .sleep(ms, settings.signal)
        .catch(() => undefined)
        .finally(() => {
          gateOpen = true
        })
    }
    return gate
  }

  const worker = async (): Promise<void> => {
    for (;;) {
      const index = next++
      if (index >= items.length) return
      const input = items[index] as I
      let attempt = 0
      for (;;) {
        await gate
        if (settings.signal?.aborted) {
          results[index] = { input, ok: false, error: aborted(settings.signal) }
          failed++
          break
        }
        try {
          const value = await job(input)
          consecutiveLimits = 0
          results[index] = { input, ok: true, value }
          break
        } catch (error) {
          if (isRateLimited(error) && attempt < settings.rateLimitRetries) {
            attempt++
            await pause(error)
            continue
          }
          results[index] = { input, ok: false, error: asDremioError(error) }
          failed++
          break
        }
      }
      done++
      settings.onProgress?.({ done, failed, total: items.length })
    }
  }

  const workers = Math.max(1, Math.min(settings.maxConcurrency, items.length))
  await Promise.all(Array.from({ length: workers }, worker))
  return results
}

function aborted(signal: AbortSignal): DremioError {
  return new DremioError('DF_DREMIO_ABORTED', 'The batch was aborted before this item ran.', {
    cause: signal.reason,
  })
}
