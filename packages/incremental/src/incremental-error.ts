/**
 * The error of `@df/incremental`: a `DremioError` (same brand, `DremioError.is()` works) whose
 * `reason` says what went wrong. Messages start with `[@df/incremental]`.
 */
import { DremioError, type DremioErrorCode } from '@df/client'

/**
 * - `DF_INCREMENTAL_WATERMARK_UNREADABLE`: the watermark could not be read (query failed, store
 *   failed, or the target has rows but no watermark value). The load is NOT run: a silent full
 *   reload would duplicate rows.
 * - `DF_INCREMENTAL_WATERMARK_CONFLICT`: another run moved the stored watermark meanwhile.
 * - `DF_INCREMENTAL_INVALID_INPUT`: bad options (unsupported watermark type, lookback without
 *   keys, empty column lists…).
 */
export type IncrementalErrorReason =
  | 'DF_INCREMENTAL_WATERMARK_UNREADABLE'
  | 'DF_INCREMENTAL_WATERMARK_CONFLICT'
  | 'DF_INCREMENTAL_INVALID_INPUT'

const CODES: Record<IncrementalErrorReason, DremioErrorCode> = {
  DF_INCREMENTAL_WATERMARK_UNREADABLE: 'DF_DREMIO_JOB_FAILED',
  DF_INCREMENTAL_WATERMARK_CONFLICT: 'DF_DREMIO_CONFLICT',
  DF_INCREMENTAL_INVALID_INPUT: 'DF_DREMIO_INVALID_SQL_INPUT',
}

/** A failed incremental load or merge. Match on `reason`; `code` is the closest client code. */
export class IncrementalError extends DremioError {
  override readonly name: string = 'IncrementalError'
  readonly reason: IncrementalErrorReason
  /** Rows already inserted when the failure happened (a conflict after the insert). */
  readonly rowsInserted: number

  constructor(
    reason: IncrementalErrorReason,
    message: string,
    options: { cause?: unknown; rowsInserted?: number } = {},
  ) {
    const inner = DremioError.is(options.cause) ? options.cause : undefined
    const code =
      reason === 'DF_INCREMENTAL_WATERMARK_UNREADABLE' && inner ? inner.code : CODES[reason]
    super(code, message, { cause: options.cause })
    this.message = `[@df/incremental] ${message}`
    this.reason = reason
    this.rowsInserted = options.rowsInserted ?? 0
  }

  /** Brand check for this error, also across duplicate package copies. */
  static isIncrementalError(value: unknown): value is IncrementalError {
    return (
      DremioError.is(value) &&
      typeof (value as { reason?: unknown }).reason === 'string' &&
      String((value as unknown as { reason: string }).reason).startsWith('DF_INCREMENTAL_')
    )
  }
}
