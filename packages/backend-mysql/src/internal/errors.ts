/**
 * Driver error translation for `@df/backend-mysql` (house style §9.6: wrap, never lose).
 *
 * Every error leaving the backend is an `OrchestrationError` with the `mysql2` error as `cause`.
 * Messages name the server as `host:port` and never the password or the connection URI (mysql2's
 * own messages do not carry the password: "Access denied for user 'df'@'…' (using password: YES)").
 */
import { OrchestrationError } from '@df/orchestration'

const PKG = '[@df/backend-mysql]'

/** Errors that mean "the server cannot be used": network, auth, missing database, too busy. */
const UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'ER_ACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_BAD_DB_ERROR',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
])

/** ER_LOCK_DEADLOCK (1213) rolls the transaction back; a lock wait timeout (1205) we roll back. */
export function isRetryable(error: unknown): boolean {
  const errno = (error as { errno?: unknown } | null)?.errno
  return errno === 1213 || errno === 1205
}

function describeReason(code: string): string {
  if (code === 'ER_ACCESS_DENIED_ERROR' || code === 'ER_DBACCESS_DENIED_ERROR') {
    return 'access denied'
  }
  if (code === 'ER_BAD_DB_ERROR') return 'the database does not exist'
  if (code === 'ER_CON_COUNT_ERROR') return 'too many connections'
  return code
}

/**
 * Maps a driver error to an `OrchestrationError`: duplicate key → `DF_CONFLICT`, connection
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
  const e = error as { code?: unknown; errno?: unknown; message?: unknown; name?: unknown }
  if (e.name === 'AbortError') return error
  const code = typeof e.code === 'string' ? e.code : ''
  if (code === 'ER_DUP_ENTRY' || e.errno === 1062) {
    return new OrchestrationError(
      'DF_CONFLICT',
      `${PKG} ${operation} failed: a row with the same key already exists.`,
      { cause: error },
    )
  }
  const message = typeof e.message === 'string' ? e.message : ''
  if (
    UNAVAILABLE.has(code) ||
    /connect ETIMEDOUT|Connection lost|connection is in closed state/i.test(message)
  ) {
    return new OrchestrationError(
      'DF_BACKEND_UNAVAILABLE',
      `${PKG} Cannot connect to MySQL at ${target} (${describeReason(code || 'connection failed')}).`,
      { cause: error },
    )
  }
  // Server messages describe the statement ("Table … doesn't exist"), never credentials.
  const detail = message === '' ? '.' : `: ${message}`
  return new OrchestrationError(
    'DF_BACKEND_ERROR',
    `${PKG} ${operation} failed${code === '' ? '' : ` (${code})`}${detail}`,
    { cause: error },
  )
}
