/**
 * Cancel-on-abort for `client.query()`, `queryArrow()` and `execute()`: when the caller's signal
 * fires, the caller gets `DF_DREMIO_ABORTED` and the Dremio job is cancelled
 * (`POST /job/{id}/cancel`), so aborted work stops on the server too.
 *
 * The `POST /sql` itself is not torn down once sent: a server that received it creates a job whose
 * id only its answer carries, and tearing the request down would orphan that job. An abort during
 * the submit waits for that answer and cancels the job (no retry of the submit starts after the
 * abort); an abort after it cancels the job. Either way the rejection comes once Dremio accepted
 * the cancel (or after at most {@link CANCEL_WAIT_MS} each, when it does not answer), so the job
 * is stopped when the caller resumes.
 */
import type { Job } from '../job.js'
import type { DremioLogger } from '../options.js'
import { abortedError } from './retry.js'

/** How long an abort waits for Dremio to accept the cancel before rejecting anyway. */
export const CANCEL_WAIT_MS = 5000

/** Submit function: `signal` tears the request down, `stopRetries` only prevents new attempts. */
export type Submit = (signals: { signal?: AbortSignal; stopRetries?: AbortSignal }) => Promise<Job>

/** Runs `submit` then `use(job)`; an abort of `signal` cancels the job unless `cancelOnAbort` is false. */
export async function runCancellable<T>(
  submit: Submit,
  use: (job: Job) => Promise<T>,
  signal: AbortSignal | undefined,
  cancelOnAbort: boolean,
  logger: DremioLogger | undefined,
): Promise<T> {
  if (signal === undefined || !cancelOnAbort) return use(await submit({ signal }))
  const job = await submitCancellable(submit, signal, logger)
  try {
    return await use(job)
  } catch (error) {
    if (signal.aborted) await cancelQuietly(job, logger)
    throw error
  }
}

/**
 * Submits without tearing the `POST /sql` down on abort. When `signal` fires first, waits (at
 * most {@link CANCEL_WAIT_MS}) for the job id, cancels that job, then rejects with
 * `DF_DREMIO_ABORTED`; a later answer still gets its job cancelled.
 */
export async function submitCancellable(
  submit: Submit,
  signal: AbortSignal,
  logger: DremioLogger | undefined,
): Promise<Job> {
  if (signal.aborted) throw abortedError(signal)
  const submitted = submit({ stopRetries: signal })
  try {
    return await untilAborted(submitted, signal)
  } catch (error) {
    if (!signal.aborted) throw error
    const late = submitted.then(
      (job) => cancelQuietly(job, logger),
      () => undefined,
    )
    await Promise.race([late, delay(CANCEL_WAIT_MS)])
    throw error
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref())
}

/** Cancels `job`, logging (never throwing) when Dremio cannot be told. */
export async function cancelQuietly(job: Job, logger: DremioLogger | undefined): Promise<void> {
  try {
    await job.cancel({ signal: AbortSignal.timeout(CANCEL_WAIT_MS) })
  } catch (error) {
    logger?.warn?.(`Could not cancel aborted job ${job.id}: ${(error as Error).message}`)
  }
}

/** `promise`, or a `DF_DREMIO_ABORTED` rejection as soon as `signal` fires. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortedError(signal))
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}
