/**
 * This backend's paging: the shared rule and cursors of `@df/orchestration`, with this package's
 * name in their messages.
 */
import { decodeCursor as decode, encodeCursor, pageLimit as limitOf } from '@df/orchestration'

const PKG = '@df/backend-postgres'

export { encodeCursor }

/** Default 50, at most 1000; anything else is `DF_OPTION_INVALID`. */
export function pageLimit(limit: number | undefined): number {
  return limitOf(limit, PKG)
}

/** Decodes a cursor this backend returned, with the given key shape; `DF_OPTION_INVALID` otherwise. */
export function decodeCursor<T extends readonly ('string' | 'number')[]>(
  cursor: string,
  shape: T,
): { [K in keyof T]: T[K] extends 'number' ? number : string } {
  return decode(cursor, shape, PKG)
}
