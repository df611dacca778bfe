/**
 * The PostgreSQL `ScheduleStore`: one statement per call (postgres-sql.ts). Claims lock with
 * `FOR UPDATE SKIP LOCKED`, so parallel schedulers never take one schedule twice; updates are
 * compare-and-sets on `version`.
 */
import type {
  OperationOptions,
  ScheduleRecord,
  ScheduleStore,
  UpdateResult,
} from '@df/orchestration'
import {
  backendPaging,
  compareScheduleClaimOrder,
  pageFromRows,
  rowToSchedule,
} from '@df/orchestration/backend-kit'
import type { QueryResultRow } from 'pg'
import type { PostgresStatements } from '../postgres-sql.js'
import { putScheduleParams, updateScheduleParams } from './params.js'

/** Runs one named statement of the backend and returns its rows. */
export type PgQuery = <R extends QueryResultRow = Record<string, unknown>>(
  operation: string,
  options: OperationOptions | undefined,
  text: string,
  values: unknown[],
) => Promise<R[]>

const paging = backendPaging('@df/backend-postgres')

/** The seven `ScheduleStore` methods on `query`. */
export function createPgScheduleStore(query: PgQuery, sql: PostgresStatements): ScheduleStore {
  const get = async (id: string, o?: OperationOptions): Promise<ScheduleRecord | undefined> => {
    const [row] = await query('getSchedule', o, sql.getSchedule, [id])
    return row === undefined ? undefined : rowToSchedule(row)
  }
  return {
    async putSchedule(schedule, o) {
      const [row] = await query('putSchedule', o, sql.putSchedule, putScheduleParams(schedule))
      if (row !== undefined) return rowToSchedule(row)
      // Inserted by a concurrent put after this statement's snapshot: read it now.
      const stored = await get(schedule.id, o)
      if (stored === undefined) throw new Error(`schedule ${schedule.id} vanished during put`)
      return stored
    },

    getSchedule: get,

    async listSchedules(q = {}, o) {
      const limit = paging.pageLimit(q.limit)
      const after =
        q.cursor === undefined ? null : paging.decodeCursor(q.cursor, ['string'] as const)[0]
      const rows = await query('listSchedules', o, sql.listSchedules, [
        q.pipelineId ?? null,
        after,
        limit + 1,
      ])
      return pageFromRows(rows.map(rowToSchedule), limit, (s) => [s.id])
    },

    async claimSchedules(claim, o) {
      if (claim.limit < 1 || claim.ids.length === 0) {
        await query('getSchedule', o, sql.getSchedule, ['']) // still honours close/abort
        return []
      }
      const rows = await query('claimSchedules', o, sql.claimSchedules, [
        claim.owner,
        claim.now,
        claim.leaseExpiresAt,
        [...claim.ids],
        claim.limit,
      ])
      return rows.map(rowToSchedule).sort(compareScheduleClaimOrder)
    },

    async updateSchedule(update, o): Promise<UpdateResult<ScheduleRecord>> {
      const [row] = await query(
        'updateSchedule',
        o,
        sql.updateSchedule,
        updateScheduleParams(update),
      )
      if (row === undefined) return { ok: false, reason: 'not-found' }
      if (row.updated !== true) return { ok: false, reason: 'conflict' }
      return { ok: true, value: rowToSchedule(row) }
    },

    async deleteSchedule(id, o) {
      return (await query('deleteSchedule', o, sql.deleteSchedule, [id])).length > 0
    },

    async countActiveRuns(q, o) {
      const [row] = await query<{ pipeline: number; schedule: number }>(
        'countActiveRuns',
        o,
        sql.countActiveRuns,
        [q.pipelineId, q.scheduleId ?? null],
      )
      return { pipeline: Number(row?.pipeline ?? 0), schedule: Number(row?.schedule ?? 0) }
    },
  }
}
