/**
 * Where `IncrementalLoader` keeps watermarks between runs. A structural contract: the
 * `@df/orchestration` backends (memory, SQLite, PostgreSQL, MySQL) satisfy it as they are, and
 * `@df/incremental` does not import orchestration.
 */

/** A stored watermark: the same shape as `@df/orchestration`'s `Watermark`. */
export interface Watermark {
  /** The value as text: an ISO timestamp (`…Z`), a decimal number, or a string. */
  readonly value: string
  readonly type: 'timestamp' | 'number' | 'string'
  /** When it was written (ms since epoch). */
  readonly updatedAt: number
}

/** Outcome of a compare-and-set (orchestration's `UpdateResult<Watermark>`). */
export type WatermarkUpdateResult =
  | { readonly ok: true; readonly value: Watermark }
  | { readonly ok: false; readonly reason: 'conflict' | 'not-found' }

/** Watermark persistence with compare-and-set. */
export interface WatermarkStore {
  /** The stored watermark, or `undefined` when the key has none. */
  getWatermark(key: string): Promise<Watermark | undefined>
  /**
   * Writes `next` if the stored value still equals `expected` (`undefined`: the key must not
   * exist yet); a lost race is `{ ok: false, reason: 'conflict' }`, not an exception.
   */
  setWatermark(
    key: string,
    next: Watermark,
    expected: Watermark | undefined,
  ): Promise<WatermarkUpdateResult>
}
