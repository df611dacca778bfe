/**
 * How `pg` errors are classified for the backend kit's translator (house style §9.6: wrap,
 * never lose). Messages name the server as `host:port` and never the password or the
 * connection string.
 */
import {
  createErrorTranslator,
  type DriverErrorShape,
  NETWORK_ERROR_CODES,
} from '@df/orchestration/backend-kit'

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

function unavailableReason(e: DriverErrorShape): string | undefined {
  const code = typeof e.code === 'string' ? e.code : undefined
  const message = typeof e.message === 'string' ? e.message : ''
  const unavailable =
    (code !== undefined && (NETWORK_ERROR_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code))) ||
    // pg's own pool/client errors carry no code.
    /timeout exceeded when trying to connect|Connection terminated|connection timeout/i.test(
      message,
    )
  if (!unavailable) return undefined
  if (code === '28P01' || code === '28000') return 'authentication failed'
  if (code === '3D000') return 'the database does not exist'
  if (code !== undefined && NETWORK_ERROR_CODES.has(code)) return code
  if (/timeout/i.test(message)) return 'connection timed out'
  if (/terminated/i.test(message)) return 'connection terminated'
  return code ?? 'connection failed'
}

/**
 * Maps a `pg` error to an `OrchestrationError`: unique violation → `DF_CONFLICT`, connection
 * problems → `DF_BACKEND_UNAVAILABLE` (naming `target`, i.e. `host:port`), anything else →
 * `DF_BACKEND_ERROR` with its SQLSTATE.
 */
export const translateError = createErrorTranslator({
  packageName: '@df/backend-postgres',
  product: 'PostgreSQL',
  isConflict: (e) => e.code === '23505',
  unavailableReason,
  describeCode: (e) => (typeof e.code === 'string' ? `SQLSTATE ${e.code}` : undefined),
})
