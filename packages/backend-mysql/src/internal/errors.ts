/**
 * How `mysql2` errors are classified for the backend kit's translator (house style §9.6: wrap,
 * never lose). Messages name the server as `host:port` and never the password or the connection
 * URI (mysql2's own messages do not carry the password: "Access denied for user 'df'@'…' (using
 * password: YES)").
 */
import {
  createErrorTranslator,
  type DriverErrorShape,
  NETWORK_ERROR_CODES,
} from '@df/orchestration/backend-kit'

/** Server error codes that mean "the server cannot be used": connection, auth, database, load. */
const UNAVAILABLE = new Set([
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

function unavailableReason(e: DriverErrorShape): string | undefined {
  const code = typeof e.code === 'string' ? e.code : ''
  const message = typeof e.message === 'string' ? e.message : ''
  if (
    !NETWORK_ERROR_CODES.has(code) &&
    !UNAVAILABLE.has(code) &&
    !/connect ETIMEDOUT|Connection lost|connection is in closed state/i.test(message)
  ) {
    return undefined
  }
  if (code === 'ER_ACCESS_DENIED_ERROR' || code === 'ER_DBACCESS_DENIED_ERROR') {
    return 'access denied'
  }
  if (code === 'ER_BAD_DB_ERROR') return 'the database does not exist'
  if (code === 'ER_CON_COUNT_ERROR') return 'too many connections'
  return code || 'connection failed'
}

/**
 * Maps a `mysql2` error to an `OrchestrationError`: duplicate key → `DF_CONFLICT`, connection
 * problems → `DF_BACKEND_UNAVAILABLE` (naming `target`, i.e. `host:port`), anything else →
 * `DF_BACKEND_ERROR` with its code.
 */
export const translateError = createErrorTranslator({
  packageName: '@df/backend-mysql',
  product: 'MySQL',
  isConflict: (e) => e.code === 'ER_DUP_ENTRY' || e.errno === 1062,
  unavailableReason,
  describeCode: (e) => (typeof e.code === 'string' && e.code !== '' ? e.code : undefined),
})
