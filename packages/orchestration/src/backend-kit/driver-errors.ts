/**
 * Driver error translation for SQL backends (house style §9.6: wrap, never lose). Every error
 * leaving a backend is an `OrchestrationError` with the driver error as `cause`: a duplicate key
 * is `DF_CONFLICT`, "cannot use this server" (network, auth, missing database, too busy) is
 * `DF_BACKEND_UNAVAILABLE` naming the server as `host:port`, anything else `DF_BACKEND_ERROR`
 * with the server's own statement message (never credentials). `OrchestrationError`s and abort
 * reasons pass through unchanged. The backend supplies only the classification of its driver's
 * codes.
 */
import { OrchestrationError } from '../errors.js'

/** Socket-level error codes that mean "the server cannot be reached". */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
])

/** A driver error as the translator sees it. */
export interface DriverErrorShape {
  readonly code?: unknown
  readonly errno?: unknown
  readonly message?: unknown
  readonly name?: unknown
}

/** How one driver's errors are classified. */
export interface DriverErrorRules {
  /** `'@df/backend-postgres'`. */
  readonly packageName: string
  /** `'PostgreSQL'`: named in "Cannot connect to PostgreSQL at host:port". */
  readonly product: string
  /** True for a unique-key violation. */
  isConflict(error: DriverErrorShape): boolean
  /**
   * A short reason ("authentication failed", "ECONNREFUSED") when the error means the server
   * cannot be used, else undefined.
   */
  unavailableReason(error: DriverErrorShape): string | undefined
  /** The driver's code to show with a generic failure, e.g. `SQLSTATE 42P01`. */
  describeCode?(error: DriverErrorShape): string | undefined
}

/** Translates a driver error thrown by `operation` against the server at `target` (`host:port`). */
export type ErrorTranslator = (error: unknown, target: string, operation: string) => unknown

/** Builds the translator of one driver from its rules. */
export function createErrorTranslator(rules: DriverErrorRules): ErrorTranslator {
  const prefix = `[${rules.packageName}]`
  return (error, target, operation) => {
    if (OrchestrationError.is(error)) return error
    if (typeof error !== 'object' || error === null) {
      return new OrchestrationError('DF_BACKEND_ERROR', `${prefix} ${operation} failed.`, {
        cause: error,
      })
    }
    const e = error as DriverErrorShape
    if (e.name === 'AbortError') return error
    if (rules.isConflict(e)) {
      return new OrchestrationError(
        'DF_CONFLICT',
        `${prefix} ${operation} failed: a row with the same key already exists.`,
        { cause: error },
      )
    }
    const reason = rules.unavailableReason(e)
    if (reason !== undefined) {
      return new OrchestrationError(
        'DF_BACKEND_UNAVAILABLE',
        `${prefix} Cannot connect to ${rules.product} at ${target} (${reason}).`,
        { cause: error },
      )
    }
    const code = rules.describeCode?.(e)
    // Server messages describe the statement ("relation … does not exist"), never credentials.
    const detail = typeof e.message === 'string' && e.message !== '' ? `: ${e.message}` : '.'
    return new OrchestrationError(
      'DF_BACKEND_ERROR',
      `${prefix} ${operation} failed${code === undefined ? '' : ` (${code})`}${detail}`,
      { cause: error },
    )
  }
}
