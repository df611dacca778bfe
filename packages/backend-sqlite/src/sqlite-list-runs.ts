/**
 * `listRuns` on SQLite: newest first by keyset (`(created_at, id) < cursor`), one indexed range
 * scan per status. Several statuses are read as one bounded scan each and merged, because an
 * `IN (...)` over the status index would have to sort every matching run to find the newest 50.
 */
import type { Page, RunQuery, RunRecord, RunState } from '@df/orchestration'
import { pageFromRows, rowToRun } from '@df/orchestration/backend-kit'
import type { Connection } from './internal/connection.js'

/** The listing columns the merge sorts on. */
interface RunRow {
  readonly id: string
  readonly created_at: number
}

/** Newest first: `createdAt` descending, then `id` descending. */
function newestFirst(a: RunRow, b: RunRow): number {
  if (a.created_at !== b.created_at) return b.created_at - a.created_at
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0
}

/** One page of runs; `limit` is validated, `cursor` decoded by the caller. */
export function listRuns(
  c: Connection,
  query: RunQuery,
  limit: number,
  cursor: readonly [createdAt: number, id: string] | undefined,
): Page<RunRecord> {
  const statuses: readonly (RunState | undefined)[] =
    query.status === undefined
      ? [undefined]
      : typeof query.status === 'string'
        ? [query.status]
        : [...new Set(query.status)]
  if (statuses.length === 0) return { items: [] }
  const shape = {
    pipeline: query.pipelineId !== undefined,
    status: query.status !== undefined,
    after: query.createdAfter !== undefined,
    before: query.createdBefore !== undefined,
    cursor: cursor !== undefined,
  }
  const statement = c.runList(shape)
  // One row past the page tells whether a next page exists, without an empty last page.
  const params: Record<string, unknown> = { limit: limit + 1 }
  if (shape.pipeline) params.pipelineId = query.pipelineId
  if (shape.after) params.createdAfter = query.createdAfter
  if (shape.before) params.createdBefore = query.createdBefore
  if (cursor) {
    params.cursorCreatedAt = cursor[0]
    params.cursorId = cursor[1]
  }
  let rows: RunRow[] = []
  for (const status of statuses) {
    if (status !== undefined) params.status = status
    rows.push(...(statement.all(params) as RunRow[]))
  }
  if (statuses.length > 1) rows = rows.sort(newestFirst).slice(0, limit + 1)
  return pageFromRows(
    rows.map((r) => rowToRun(r as unknown as Record<string, unknown>)),
    limit,
    (r) => [r.createdAt, r.id],
  )
}
