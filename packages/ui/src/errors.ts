/**
 * `UiError`: what `startUi`, the users file and the API raise. Every API error answers
 * `{ error: { code, message } }` with the error's HTTP status; messages never hold secrets.
 */

/** Every code a {@link UiError} can carry. */
export type UiErrorCode =
  /** No valid session or Basic credentials (401). */
  | 'DF_UI_UNAUTHENTICATED'
  /** The user's role may not do this (403). */
  | 'DF_UI_FORBIDDEN'
  /** A state-changing request without the session's CSRF token, or cross-site (403). */
  | 'DF_UI_CSRF'
  /** Too many failed logins for this address and user (429). */
  | 'DF_UI_RATE_LIMITED'
  /** No such route, run, pipeline, task or schedule (404). */
  | 'DF_UI_NOT_FOUND'
  /** The method is not allowed on this route (405). */
  | 'DF_UI_METHOD_NOT_ALLOWED'
  /** A malformed request: bad JSON, bad query, bad params (400). */
  | 'DF_UI_BAD_REQUEST'
  /** A POST without `Content-Type: application/json` (415). */
  | 'DF_UI_UNSUPPORTED_MEDIA_TYPE'
  /** The request body is larger than the cap (413). */
  | 'DF_UI_PAYLOAD_TOO_LARGE'
  /** The action conflicts with the current state (a finished run cannot be cancelled) (409). */
  | 'DF_UI_CONFLICT'
  /** The backend lacks a feature the request needs (501). */
  | 'DF_UI_UNSUPPORTED'
  /** `startUi` options are invalid (no auth on a non-loopback host, bad users file, …). */
  | 'DF_UI_CONFIG_INVALID'
  /** The backend failed (500; details are logged, not sent). */
  | 'DF_UI_INTERNAL'

const STATUS: Record<UiErrorCode, number> = {
  DF_UI_UNAUTHENTICATED: 401,
  DF_UI_FORBIDDEN: 403,
  DF_UI_CSRF: 403,
  DF_UI_RATE_LIMITED: 429,
  DF_UI_NOT_FOUND: 404,
  DF_UI_METHOD_NOT_ALLOWED: 405,
  DF_UI_BAD_REQUEST: 400,
  DF_UI_UNSUPPORTED_MEDIA_TYPE: 415,
  DF_UI_PAYLOAD_TOO_LARGE: 413,
  DF_UI_CONFLICT: 409,
  DF_UI_UNSUPPORTED: 501,
  DF_UI_CONFIG_INVALID: 500,
  DF_UI_INTERNAL: 500,
}

/** The error of `@df/ui`; `status` is the HTTP status the API answers with. */
export class UiError extends Error {
  override readonly name: string = 'UiError'
  readonly code: UiErrorCode
  readonly status: number
  /** Extra response headers (e.g. `Retry-After` for 429). */
  readonly headers: Readonly<Record<string, string>>

  constructor(
    code: UiErrorCode,
    message: string,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined)
    this.code = code
    this.status = STATUS[code]
    this.headers = options?.headers ?? {}
  }
}
