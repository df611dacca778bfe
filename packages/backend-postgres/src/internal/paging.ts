/**
 * Opaque keyset cursors and limit checks for list methods.
 *
 * A cursor is base64url JSON of the last item's sort key; it is opaque to callers (the contract's
 * `Page.nextCursor`) and validated on the way back in.
 */
import { OrchestrationError } from '@df/orchestration'

const PKG = '[@df/backend-postgres]'

/**
 * The contract's page size rule: default 50, at most 1000. Anything else is `DF_OPTION_INVALID`
 * (the conformance suite's strict reading: a silently clamped page hides a caller's bug).
 */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return 50
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new OrchestrationError(
      'DF_OPTION_INVALID',
      `${PKG} "limit" must be an integer from 1 to 1000.`,
    )
  }
  return limit
}

/** Encodes a sort key as an opaque cursor. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url')
}

/** Decodes a cursor made by {@link encodeCursor} with the given shape; `DF_OPTION_INVALID` otherwise. */
export function decodeCursor<T extends readonly ('string' | 'number')[]>(
  cursor: string,
  shape: T,
): { [K in keyof T]: T[K] extends 'number' ? number : string } {
  let key: unknown
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    key = undefined
  }
  const ok =
    Array.isArray(key) &&
    key.length === shape.length &&
    shape.every(
      (type, i) => typeof key[i] === type && (type !== 'number' || Number.isFinite(key[i])),
    )
  if (!ok) {
    throw new OrchestrationError(
      'DF_OPTION_INVALID',
      `${PKG} The cursor is not one this backend made.`,
    )
  }
  return key as never
}
