/** Page limits and opaque keyset cursors: the shared rule and cursors of `@df/orchestration`. */
import { decodeCursor, encodeCursor, pageLimit as limitOf } from '@df/orchestration'

const PKG = '@df/backend-sqlite'

export { encodeCursor }

/** A whole number in 1..1000, or `DF_OPTION_INVALID` (no silent clamping). */
export function pageLimit(limit: number | undefined): number {
  return limitOf(limit, PKG)
}

/** A run cursor: `[createdAt, id]`. */
export function decodeRunCursor(cursor: string): { createdAt: number; id: string } {
  const [createdAt, id] = decodeCursor(cursor, ['number', 'string'] as const, PKG)
  return { createdAt, id }
}

/** A pipeline cursor: `[id]`. */
export function decodePipelineCursor(cursor: string): string {
  return decodeCursor(cursor, ['string'] as const, PKG)[0]
}
