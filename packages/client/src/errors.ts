/**
 * Typed errors of `@df/client` (house style §9.6): one root, `DremioError`, with a string `code`,
 * a `cause`, and a brand checked by `is()` so the check survives duplicate package copies.
 * Messages start with `[@df/client]` and never contain tokens or passwords.
 */

import { brandError, isBranded } from './error-brand.js'

/**
 * Every code `@df/client` throws.
 * - `DF_DREMIO_CONFIG`: options or environment are missing, malformed or inconsistent.
 * - `DF_DREMIO_CONNECTION`: the server could not be reached (refused, DNS, TLS, reset).
 * - `DF_DREMIO_TIMEOUT`: a request or `job.wait()` ran past its deadline.
 * - `DF_DREMIO_ABORTED`: the caller's `AbortSignal` fired.
 * - `DF_DREMIO_UNAUTHORIZED` (401), `DF_DREMIO_FORBIDDEN` (403), `DF_DREMIO_NOT_FOUND` (404),
 *   `DF_DREMIO_CONFLICT` (409, e.g. a stale catalog tag), `DF_DREMIO_RATE_LIMITED` (429),
 *   `DF_DREMIO_BAD_REQUEST` (other 4xx), `DF_DREMIO_SERVER` (5xx): HTTP answers, as `DremioHttpError`.
 * - `DF_DREMIO_JOB_FAILED`, `DF_DREMIO_JOB_CANCELLED`: a job ended FAILED or CANCELED.
 * - `DF_DREMIO_INVALID_SQL_INPUT`: a SQL helper rejected its input (malformed path, NaN literal…).
 * - `DF_DREMIO_PROTOCOL`: the server answered something this client cannot read.
 */
export type DremioErrorCode =
  | 'DF_DREMIO_CONFIG'
  | 'DF_DREMIO_CONNECTION'
  | 'DF_DREMIO_TIMEOUT'
  | 'DF_DREMIO_ABORTED'
  | 'DF_DREMIO_UNAUTHORIZED'
  | 'DF_DREMIO_FORBIDDEN'
  | 'DF_DREMIO_NOT_FOUND'
  | 'DF_DREMIO_CONFLICT'
  | 'DF_DREMIO_RATE_LIMITED'
  | 'DF_DREMIO_BAD_REQUEST'
  | 'DF_DREMIO_SERVER'
  | 'DF_DREMIO_JOB_FAILED'
  | 'DF_DREMIO_JOB_CANCELLED'
  | 'DF_DREMIO_INVALID_SQL_INPUT'
  | 'DF_DREMIO_PROTOCOL'

/** Root of every error `@df/client` throws. Check with `DremioError.is(e)`, not `instanceof`. */
export class DremioError extends Error {
  override readonly name: string = 'DremioError'
  /** Stable machine-readable code; see {@link DremioErrorCode}. */
  readonly code: DremioErrorCode
  /** Whether retrying the same operation may succeed (used by retry policies, never parse messages). */
  readonly retryable: boolean

  constructor(
    code: DremioErrorCode,
    message: string,
    options?: { cause?: unknown; retryable?: boolean },
  ) {
    super(message.startsWith('[@df/client]') ? message : `[@df/client] ${message}`, {
      cause: options?.cause,
    })
    this.code = code
    this.retryable = options?.retryable ?? false
  }

  /** Brand check: true for any `@df/client` error, even from another copy of the package. */
  static is(value: unknown): value is DremioError {
    return isBranded(value, 'client') && typeof (value as { code?: unknown }).code === 'string'
  }
}
brandError(DremioError, 'client')

/** Options or environment are missing, malformed or inconsistent. */
export class DremioConfigError extends DremioError {
  override readonly name: string = 'DremioConfigError'
  constructor(message: string, options?: { cause?: unknown }) {
    super('DF_DREMIO_CONFIG', message, options)
  }
}

/** The server could not be reached. `target` is `host:port` (never credentials). */
export class DremioConnectionError extends DremioError {
  override readonly name: string = 'DremioConnectionError'
  /** `host:port` that could not be reached. */
  readonly target: string
  constructor(target: string, message: string, options?: { cause?: unknown }) {
    super('DF_DREMIO_CONNECTION', message, { cause: options?.cause, retryable: true })
    this.target = target
  }
}

/** Dremio answered with a non-2xx status. `message` carries Dremio's `errorMessage`. */
export class DremioHttpError extends DremioError {
  override readonly name: string = 'DremioHttpError'
  /** HTTP status. */
  readonly status: number
  /** HTTP method of the failed request. */
  readonly method: string
  /** Request path (no query string, no credentials). */
  readonly path: string
  /** Dremio's `errorMessage`, when the body had one. */
  readonly errorMessage: string | undefined
  /** Server request id (`x-request-id` / `x-dremio-request-id` header) when sent. */
  readonly requestId: string | undefined
  /** Seconds from `Retry-After`, when sent. */
  readonly retryAfterSeconds: number | undefined

  constructor(init: {
    status: number
    method: string
    path: string
    errorMessage?: string | undefined
    requestId?: string | undefined
    retryAfterSeconds?: number | undefined
    /** What the status means for the caller and how to fix it, appended to the message. */
    hint?: string | undefined
    cause?: unknown
  }) {
    const detail = init.errorMessage ? `: ${init.errorMessage}` : ''
    const base = `${init.method} ${init.path} failed with HTTP ${init.status}${detail}`
    const hint = init.hint ? `${/[.!?]$/.test(base) ? '' : '.'} ${init.hint}` : ''
    super(codeForStatus(init.status), `${base}${hint}`, {
      cause: init.cause,
      retryable: RETRYABLE_STATUSES.has(init.status),
    })
    this.status = init.status
    this.method = init.method
    this.path = init.path
    this.errorMessage = init.errorMessage
    this.requestId = init.requestId
    this.retryAfterSeconds = init.retryAfterSeconds
  }
}

/** Statuses worth retrying for idempotent requests. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504])

function codeForStatus(status: number): DremioErrorCode {
  if (status === 401) return 'DF_DREMIO_UNAUTHORIZED'
  if (status === 403) return 'DF_DREMIO_FORBIDDEN'
  if (status === 404) return 'DF_DREMIO_NOT_FOUND'
  if (status === 409) return 'DF_DREMIO_CONFLICT'
  if (status === 429) return 'DF_DREMIO_RATE_LIMITED'
  if (status >= 500) return 'DF_DREMIO_SERVER'
  return 'DF_DREMIO_BAD_REQUEST'
}

/** Length of the SQL excerpt carried by job errors. */
const EXCERPT = 200

/** Shortens SQL for error messages: one line, at most 200 characters. */
export function sqlExcerpt(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim()
  return flat.length > EXCERPT ? `${flat.slice(0, EXCERPT - 1)}…` : flat
}

/** A job ended in `FAILED`. `message` carries Dremio's `errorMessage`. */
export class DremioJobFailedError extends DremioError {
  override readonly name: string = 'DremioJobFailedError'
  /** The Dremio job id. */
  readonly jobId: string
  /** Dremio's `errorMessage` for the job. */
  readonly errorMessage: string
  /** First 200 characters of the SQL, on one line. */
  readonly sqlExcerpt: string
  constructor(jobId: string, errorMessage: string, sql: string) {
    const excerpt = sqlExcerpt(sql)
    super(
      'DF_DREMIO_JOB_FAILED',
      `Job ${jobId} failed: ${errorMessage || '(no error message)'} (SQL: ${excerpt})`,
    )
    this.jobId = jobId
    this.errorMessage = errorMessage
    this.sqlExcerpt = excerpt
  }
}

/** A job ended in `CANCELED`. */
export class DremioJobCancelledError extends DremioError {
  override readonly name: string = 'DremioJobCancelledError'
  /** The Dremio job id. */
  readonly jobId: string
  /** Dremio's `cancellationReason`. */
  readonly reason: string
  /** First 200 characters of the SQL, on one line. */
  readonly sqlExcerpt: string
  constructor(jobId: string, reason: string, sql: string) {
    const excerpt = sqlExcerpt(sql)
    super('DF_DREMIO_JOB_CANCELLED', `Job ${jobId} was cancelled: ${reason || 'no reason given'}`)
    this.jobId = jobId
    this.reason = reason
    this.sqlExcerpt = excerpt
  }
}
