/**
 * The SQLite `ScheduleStore`: statements from sqlite-sql.ts; claims and compare-and-sets are
 * single statements inside `BEGIN IMMEDIATE` (the write lock up front, as every write here), so
 * parallel claimers serialise on the lock and never take one schedule twice.
 */
import type {
  OperationOptions,
  ScheduleRecord,
  ScheduleStore,
  UpdateResult,
} from '@df/orchestration'
import {
  compareScheduleClaimOrder,
  pageFromRows,
  type Row,
  rowToSchedule,
} from '@df/orchestration/backend-kit'
import type { Transaction } from 'better-sqlite3'
import type { Connection } from './connection.js'
import { paging } from './paging.js'
import { newScheduleParams, scheduleUpdateParams } from './params.js'
import { CONFLICT, NOT_FOUND } from './writes.js'

/** The backend's `run` helper: one operation on the open connection, errors translated. */
export type Runner = <T>(
  action: string,
  options: OperationOptions | undefined,
  work: (c: Connection) => T,
) => Promise<T>

interface ScheduleWrites {
  readonly put: Transaction<(params: Record<string, unknown>) => Row>
  readonly claim: Transaction<(params: Record<string, unknown>) => Row[]>
  readonly update: Transaction<(params: Record<string, unknown>) => Row | undefined>
}

const writesByConnection = new WeakMap<Connection, ScheduleWrites>()

/** Immediate transactions of `c`, made once per connection. */
function writesOf(c: Connection): ScheduleWrites {
  let writes = writesByConnection.get(c)
  if (!writes) {
    writes = {
      put: c.db.transaction((params: Record<string, unknown>) => {
        c.sql.putSchedule.run(params)
        return c.sql.getSchedule.get(params.id) as Row
      }),
      claim: c.db.transaction(
        (params: Record<string, unknown>) => c.sql.claimSchedules.all(params) as Row[],
      ),
      update: c.db.transaction(
        (params: Record<string, unknown>) => c.sql.updateSchedule.get(params) as Row | undefined,
      ),
    }
    writesByConnection.set(c, writes)
  }
  return writes
}

/** The seven `ScheduleStore` methods on `run`. */
export function createScheduleMethods(run: Runner): ScheduleStore {
  return {
    putSchedule: (schedule, o) =>
      run('store a schedule', o, (c) =>
        rowToSchedule(writesOf(c).put.immediate(newScheduleParams(schedule))),
      ),

    getSchedule: (id, o) =>
      run('read a schedule', o, (c) => {
        const row = c.sql.getSchedule.get(id) as Row | undefined
        return row && rowToSchedule(row)
      }),

    listSchedules: async (query = {}, o) => {
      const limit = paging.pageLimit(query.limit)
      const after =
        query.cursor === undefined
          ? null
          : paging.decodeCursor(query.cursor, ['string'] as const)[0]
      return run('list schedules', o, (c) => {
        const rows = c.sql.listSchedules.all({
          pipelineId: query.pipelineId ?? null,
          after,
          limit: limit + 1,
        }) as Row[]
        return pageFromRows(rows.map(rowToSchedule), limit, (s) => [s.id])
      })
    },

    claimSchedules: (claim, o) =>
      run('claim schedules', o, (c): ScheduleRecord[] => {
        if (claim.limit <= 0 || claim.ids.length === 0) return []
        const rows = writesOf(c).claim.immediate({
          owner: claim.owner,
          leaseExpiresAt: claim.leaseExpiresAt,
          now: claim.now,
          ids: JSON.stringify(claim.ids),
          limit: claim.limit,
        })
        return rows.map(rowToSchedule).sort(compareScheduleClaimOrder)
      }),

    updateSchedule: (update, o) =>
      run('update a schedule', o, (c): UpdateResult<ScheduleRecord> => {
        const row = writesOf(c).update.immediate(scheduleUpdateParams(update))
        if (row) return { ok: true, value: rowToSchedule(row) }
        return c.sql.scheduleExists.get(update.id) ? CONFLICT : NOT_FOUND
      }),

    deleteSchedule: (id, o) =>
      run('delete a schedule', o, (c) => c.sql.deleteSchedule.run(id).changes > 0),

    countActiveRuns: (query, o) =>
      run('count active runs', o, (c) => {
        const row = c.sql.countActiveRuns.get({
          pipelineId: query.pipelineId,
          scheduleId: query.scheduleId ?? null,
        }) as { pipeline: number; schedule: number }
        return { pipeline: Number(row.pipeline), schedule: Number(row.schedule) }
      }),
  }
}
