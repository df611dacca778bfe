/** Page limits and opaque keyset cursors (base64url JSON of the last row's sort key). */
import { invalidOption } from './errors.js'

export const DEFAULT_PAGE_LIMIT = 50
export const MAX_PAGE_LIMIT = 1000

/** A whole number in 1..1000, or `DF_OPTION_INVALID` (no silent clamping). */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_LIMIT
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw invalidOption(
      `limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}, got ${String(limit)}.`,
    )
  }
  return limit
}

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url')
}

function decode(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
}

/** A run cursor: `[createdAt, id]`. */
export function decodeRunCursor(cursor: string): { createdAt: number; id: string } {
  const key = decode(cursor)
  if (
    Array.isArray(key) &&
    key.length === 2 &&
    typeof key[0] === 'number' &&
    Number.isFinite(key[0]) &&
    typeof key[1] === 'string'
  ) {
    return { createdAt: key[0], id: key[1] }
  }
  throw invalidOption('cursor is not a cursor returned by listRuns.')
}

/** A pipeline cursor: `[id]`. */
export function decodePipelineCursor(cursor: string): string {
  const key = decode(cursor)
  if (Array.isArray(key) && key.length === 1 && typeof key[0] === 'string') return key[0]
  throw invalidOption('cursor is not a cursor returned by listPipelines.')
}
