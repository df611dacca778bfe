/**
 * Paging for SQL backends: the contract's page-size rule and keyset cursors with the backend's
 * name in their messages, and turning `limit + 1` fetched rows into a `Page`.
 */
import type { Page, RunQuery } from '../backend.js'
import { decodeCursor, encodeCursor, pageLimit } from '../backend-paging.js'
import type { RunState } from '../states.js'

/** The paging helpers of one backend package. */
export interface BackendPaging {
  /** Default 50, at most 1000; anything else is `DF_OPTION_INVALID`. */
  pageLimit(limit: number | undefined): number
  /** Decodes a cursor this backend returned, with the given key shape; else `DF_OPTION_INVALID`. */
  decodeCursor<T extends readonly ('string' | 'number')[]>(
    cursor: string,
    shape: T,
  ): { [K in keyof T]: T[K] extends 'number' ? number : string }
  /** Encodes a sort key (e.g. `[createdAt, id]`) as an opaque cursor. */
  encodeCursor(key: readonly (string | number)[]): string
}

/** The paging helpers with `packageName` (e.g. `'@df/backend-postgres'`) in their messages. */
export function backendPaging(packageName: string): BackendPaging {
  return {
    pageLimit: (limit) => pageLimit(limit, packageName),
    decodeCursor: (cursor, shape) => decodeCursor(cursor, shape, packageName),
    encodeCursor,
  }
}

/**
 * A page from rows fetched with `LIMIT limit + 1`: the first `limit` items, and a cursor made
 * from the last item's key when more rows exist.
 */
export function pageFromRows<T>(
  items: readonly T[],
  limit: number,
  keyOf: (item: T) => readonly (string | number)[],
): Page<T> {
  if (items.length <= limit) return { items }
  const page = items.slice(0, limit)
  return { items: page, nextCursor: encodeCursor(keyOf(page[page.length - 1]!)) }
}

/** The statuses a `RunQuery` filters on, as a list (`undefined`: no filter; `[]`: nothing matches). */
export function runQueryStatuses(query: RunQuery): RunState[] | undefined {
  if (query.status === undefined) return undefined
  return typeof query.status === 'string' ? [query.status] : [...query.status]
}

/** A validated `listRuns` query, with only the filters present (for building the SQL). */
export interface RunListFilter {
  readonly pipelineId?: string
  readonly statuses?: readonly RunState[]
  readonly createdAfter?: number
  readonly createdBefore?: number
  /** The keyset cursor: `[createdAt, id]` of the last run of the previous page. */
  readonly after?: readonly [number, string]
  /** Rows to fetch: the page size plus one (a next page exists when it comes back full). */
  readonly limit: number
}

/**
 * Validates a `RunQuery` (page size, cursor) into a {@link RunListFilter}; `undefined` when it
 * can match nothing (an empty status list). `page` is the page size to return.
 */
export function runListFilter(
  query: RunQuery,
  paging: BackendPaging,
): { filter: RunListFilter; page: number } | undefined {
  const page = paging.pageLimit(query.limit)
  const statuses = runQueryStatuses(query)
  if (statuses?.length === 0) return undefined
  const after =
    query.cursor === undefined
      ? undefined
      : paging.decodeCursor(query.cursor, ['number', 'string'] as const)
  const filter: RunListFilter = {
    limit: page + 1,
    ...(query.pipelineId !== undefined && { pipelineId: query.pipelineId }),
    ...(statuses !== undefined && { statuses }),
    ...(query.createdAfter !== undefined && { createdAfter: query.createdAfter }),
    ...(query.createdBefore !== undefined && { createdBefore: query.createdBefore }),
    ...(after !== undefined && { after }),
  }
  return { filter, page }
}
