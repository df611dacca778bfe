/**
 * Driver error translation: every better-sqlite3 error leaves the backend as an
 * `OrchestrationError` with the driver error as `cause`. Messages name the file (a path is not a
 * secret) and the operation; SQL text and parameters stay in `cause` only.
 */
import { OrchestrationError, type OrchestrationErrorCode } from '@df/orchestration'

const PREFIX = '[@df/backend-sqlite]'

/** The SQLite extended result code of a driver error (`'SQLITE_BUSY_SNAPSHOT'`), if any. */
export function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined
}

/** Another connection holds the lock: wait and retry the whole transaction. */
export function isBusy(error: unknown): boolean {
  const code = sqliteCode(error)
  return code !== undefined && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
}

const UNAVAILABLE = [
  'SQLITE_CANTOPEN',
  'SQLITE_NOTADB',
  'SQLITE_PERM',
  'SQLITE_READONLY',
  'SQLITE_AUTH',
  'SQLITE_IOERR',
  'SQLITE_FULL',
]

/**
 * `DF_BACKEND_UNAVAILABLE` for "the file cannot be used", `fallback` otherwise (opening passes
 * `DF_BACKEND_UNAVAILABLE`: better-sqlite3 reports a missing directory as a plain `TypeError`).
 */
export function translateError(
  error: unknown,
  path: string,
  action: string,
  fallback: OrchestrationErrorCode = 'DF_BACKEND_ERROR',
): OrchestrationError {
  if (OrchestrationError.is(error)) return error
  const code = sqliteCode(error)
  let kind: OrchestrationErrorCode = fallback
  let detail = code ?? (error instanceof Error ? error.message : 'unknown error')
  if (code !== undefined && isBusy(error)) {
    kind = 'DF_BACKEND_UNAVAILABLE'
    detail = `${code}: the file stayed locked by another connection past the retry window`
  } else if (code !== undefined && UNAVAILABLE.some((prefix) => code.startsWith(prefix))) {
    kind = 'DF_BACKEND_UNAVAILABLE'
  }
  return new OrchestrationError(kind, `${PREFIX} Cannot ${action} in ${path} (${detail}).`, {
    cause: error,
  })
}

/** The error every call after `close()` rejects with. */
export function closedError(name: string, path: string): OrchestrationError {
  return new OrchestrationError(
    'DF_BACKEND_CLOSED',
    `${PREFIX} The ${name} backend for ${path} is closed.`,
  )
}

/** A bad argument (limit, cursor, duplicate task id). */
export function invalidOption(message: string): OrchestrationError {
  return new OrchestrationError('DF_OPTION_INVALID', `${PREFIX} ${message}`)
}
