/**
 * Paging helpers for `Backend` implementations: the contract's page-size rule and opaque keyset
 * cursors (base64url JSON of the last item's sort key). Every in-box backend uses them, so a
 * limit or a cursor is judged the same way everywhere; third-party backends may too.
 */
import type { Page } from './backend.js'
import { OrchestrationError } from './errors.js'

/** The page size when a query gives none. */
export const DEFAULT_PAGE_LIMIT = 50
/** The largest page a list method returns. */
export const MAX_PAGE_LIMIT = 1000

/**
 * The contract's page size rule: `undefined` is {@link DEFAULT_PAGE_LIMIT}; a whole number from 1
 * to {@link MAX_PAGE_LIMIT} is kept; anything else is `DF_OPTION_INVALID` (no silent clamping: a
 * clamped page hides a caller's bug).
 * @param packageName named in the message, e.g. `'@df/backend-postgres'`.
 */
export function pageLimit(limit: number | undefined, packageName: string): number {
  if (limit === undefined) return DEFAULT_PAGE_LIMIT
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new OrchestrationError(
      'DF_OPTION_INVALID',
      `[${packageName}] limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}, got ${String(limit)}.`,
    )
  }
  return limit
}

/** Encodes a sort key (e.g. `[createdAt, id]`) as an opaque cursor. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url')
}

/**
 * Decodes a cursor made by {@link encodeCursor} whose key has the given shape (`['number',
 * 'string']` for `[createdAt, id]`); anything else is `DF_OPTION_INVALID`.
 */
export function decodeCursor<T extends readonly ('string' | 'number')[]>(
  cursor: string,
  shape: T,
  packageName: string,
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
      `[${packageName}] The cursor is not one this backend returned.`,
    )
  }
  return key as never
}

/**
 * Every item of a paged list, page after page (`nextCursor` until the last page), for callers
 * that need the whole list (a UI's pipelines page, a CLI listing schedules).
 * @example await allPages((page) => backend.listPipelines({ limit: 1000, ...page }))
 */
export async function allPages<T>(
  fetchPage: (page: { readonly cursor?: string }) => Promise<Page<T>>,
): Promise<T[]> {
  const out: T[] = []
  let cursor: string | undefined
  do {
    const page = await fetchPage(cursor === undefined ? {} : { cursor })
    out.push(...page.items)
    cursor = page.nextCursor
  } while (cursor !== undefined)
  return out
}
