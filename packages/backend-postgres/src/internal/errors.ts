/**
 * Driver error translation for `@df/backend-postgres` (house style §9.6: wrap, never lose).
 *
 * Every error leaving the backend is an `OrchestrationError` with the `pg` error as `cause`.
 * Messages name the server as `host:port` and never the password or the connection string.
 */
import { OrchestrationError } from '@df/orchestration'

const PKG = '[@df/backend-postgres]'

/** Socket-level errors that mean "the server cannot be reached". */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
])

/**
 * SQLSTATEs that mean "cannot use this server": auth failures (28xxx), a missing database
 * (3D000), startup refusals (57P03), too many connections (53300), admin shutdown (57P01).
 */
const UNAVAILABLE_SQLSTATES = new Set(['28000', '28P01', '3D000', '57P01', '57P03', '53300'])

/** `40P01` deadlock_detected, `40001` serialization_failure: safe to retry the whole statement. */
export function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === '40P01' || code === '40001'
}

function describeReason(error: { code?: unknown; message?: unknown }): string {
  const code = typeof error.code === 'string' ? error.code : undefined
  if (code === '28P01' || code === '28000') return 'authentication failed'
  if (code === '3D000') return 'the database does not exist'
  if (code !== undefined && NETWORK_CODES.has(code)) return code
  const message = typeof error.message === 'string' ? error.message : ''
  if (/timeout/i.test(message)) return 'connection timed out'
  if (/terminated/i.test(message)) return 'connection terminated'
  return code ?? 'connection failed'
}

function isUnavailable(error: { code?: unknown; message?: unknown }): boolean {
  const code = error.code
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code))) {
    return true
  }
  const message = typeof error.message === 'string' ? error.message : ''
  // pg's own pool/client errors carry no code.
  return /timeout exceeded when trying to connect|Connection terminated|connection timeout/i.test(
    message,
  )
}

/**
 * Maps a driver error to an `OrchestrationError`: unique violation → `DF_CONFLICT`, connection
 * problems → `DF_BACKEND_UNAVAILABLE` (naming `target`, i.e. `host:port`), anything else →
 * `DF_BACKEND_ERROR`. An `OrchestrationError` (or an abort reason) passes through unchanged.
 */
export function translateError(error: unknown, target: string, operation: string): unknown {
  if (OrchestrationError.is(error)) return error
  if (typeof error !== 'object' || error === null) {
    return new OrchestrationError('DF_BACKEND_ERROR', `${PKG} ${operation} failed.`, {
      cause: error,
    })
  }
  const e = error as { code?: unknown; message?: unknown; name?: unknown }
  if (e.name === 'AbortError') return error
  if (e.code === '23505') {
    return new OrchestrationError(
      'DF_CONFLICT',
      `${PKG} ${operation} failed: a row with the same key already exists.`,
      { cause: error },
    )
  }
  if (isUnavailable(e)) {
    return new OrchestrationError(
      'DF_BACKEND_UNAVAILABLE',
      `${PKG} Cannot connect to PostgreSQL at ${target} (${describeReason(e)}).`,
      { cause: error },
    )
  }
  const code = typeof e.code === 'string' ? ` (SQLSTATE ${e.code})` : ''
  // Server messages describe the statement ("relation … does not exist"), never credentials.
  const detail = typeof e.message === 'string' && e.message !== '' ? `: ${e.message}` : '.'
  return new OrchestrationError('DF_BACKEND_ERROR', `${PKG} ${operation} failed${code}${detail}`, {
    cause: error,
  })
}
