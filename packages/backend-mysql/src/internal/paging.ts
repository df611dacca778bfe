/**
 * Opaque keyset cursors and limit checks for list methods.
 *
 * A cursor is base64url JSON of the last item's sort key; it is opaque to callers (the contract's
 * `Page.nextCursor`) and validated on the way back in.
 */
import { OrchestrationError } from '@df/orchestration'

const PKG = '[@df/backend-mysql]'

/**
 * The contract's page size rule: default 50, larger values capped at 1000 (as the memory
 * backend does); a non-integer or a value below 1 is `DF_OPTION_INVALID`.
 */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return 50
  if (!Number.isInteger(limit) || limit < 1) {
    throw new OrchestrationError('DF_OPTION_INVALID', `${PKG} "limit" must be an integer >= 1.`)
  }
  return Math.min(limit, 1000)
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
