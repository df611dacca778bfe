/**
 * The error of `client.create()` / `client.insert()` (issue 5). It is a `DremioError` (same brand,
 * `DremioError.is()` works); `reason` says precisely what went wrong, and validation failures
 * carry the row index and column of the first bad value.
 */
import { DremioError, type DremioErrorCode } from '../errors.js'

/**
 * Why a load failed.
 * - `DF_LOAD_INVALID_DATA`: a value does not fit its column, or schema validation rejected a row
 *   (`rowIndex` and `column` are set).
 * - `DF_LOAD_INVALID_INPUT`: the call itself is malformed (no columns, unsupported Arrow type,
 *   `method: 'staging'` without a stager, a row larger than `maxStatementBytes`…).
 * - `DF_LOAD_STAGING_FAILED`: writing, staging or removing a Parquet file failed.
 * - `DF_LOAD_DEPENDENCY_MISSING`: an optional peer dependency (e.g. `@aws-sdk/client-s3`) is
 *   not installed.
 * - `DF_LOAD_STATEMENT_FAILED`: Dremio rejected a load statement (the Dremio error is `cause`);
 *   `rowsWritten` says how many rows earlier statements had already committed.
 */
export type LoadErrorReason =
  | 'DF_LOAD_INVALID_DATA'
  | 'DF_LOAD_INVALID_INPUT'
  | 'DF_LOAD_STAGING_FAILED'
  | 'DF_LOAD_DEPENDENCY_MISSING'
  | 'DF_LOAD_STATEMENT_FAILED'

const CODES: Record<LoadErrorReason, DremioErrorCode> = {
  DF_LOAD_INVALID_DATA: 'DF_DREMIO_INVALID_SQL_INPUT',
  DF_LOAD_INVALID_INPUT: 'DF_DREMIO_INVALID_SQL_INPUT',
  DF_LOAD_STAGING_FAILED: 'DF_DREMIO_CONNECTION',
  DF_LOAD_DEPENDENCY_MISSING: 'DF_DREMIO_CONFIG',
  DF_LOAD_STATEMENT_FAILED: 'DF_DREMIO_JOB_FAILED',
}

/** A failed `create`/`insert`. `code` is the closest `DremioErrorCode`; match on `reason`. */
export class DremioLoadError extends DremioError {
  override readonly name: string = 'DremioLoadError'
  /** What went wrong; see {@link LoadErrorReason}. */
  readonly reason: LoadErrorReason
  /** 0-based index of the first bad row across the whole input (validation failures). */
  readonly rowIndex: number | undefined
  /** Column of the first bad value (validation failures). */
  readonly column: string | undefined
  /** Rows already committed by earlier statements when the load failed (0 when none). */
  readonly rowsWritten: number

  constructor(
    reason: LoadErrorReason,
    message: string,
    options: { cause?: unknown; rowIndex?: number; column?: string; rowsWritten?: number } = {},
  ) {
    // A failed statement keeps the Dremio error's own code (a 429 stays retryable, etc.).
    const inner = DremioError.is(options.cause) ? options.cause : undefined
    const code = reason === 'DF_LOAD_STATEMENT_FAILED' && inner ? inner.code : CODES[reason]
    super(code, message, { cause: options.cause, retryable: inner?.retryable ?? false })
    this.reason = reason
    this.rowIndex = options.rowIndex
    this.column = options.column
    this.rowsWritten = options.rowsWritten ?? 0
  }

  /** Brand check for load errors, also across duplicate package copies. */
  static isLoadError(value: unknown): value is DremioLoadError {
    return DremioError.is(value) && typeof (value as { reason?: unknown }).reason === 'string'
  }
}
