/**
 * Per-item outcomes of a batch: one entry per input, in input order. A failure is a value with
 * the typed error, never an exception, so one bad item never stops the rest.
 */
import type { DremioError } from '@df/client'

/** One item's outcome. */
export type BatchItemResult<I, T> =
  | { readonly input: I; readonly ok: true; readonly value: T }
  | { readonly input: I; readonly ok: false; readonly error: DremioError }

/** Progress of a batch, after each finished item. */
export interface BatchProgress {
  /** Items finished (succeeded or failed). */
  done: number
  /** Items that failed so far. */
  failed: number
  /** Items in the batch. */
  total: number
}
