/**
 * The MySQL/MariaDB `ScheduleStore`. A claim is an interactive READ COMMITTED transaction (the
 * due ids locked by the first statement, `SKIP LOCKED` where the server has it, feed the update),
 * so parallel schedulers never take one schedule twice; puts and updates are one-round-trip
 * transaction scripts that read the row back.
 */
import type {
  OperationOptions,
  ScheduleRecord,
  ScheduleStore,
  UpdateResult,
} from '@df/orchestration'
import { backendPaging, pageFromRows, rowToSchedule } from '@df/orchestration/backend-kit'
import type { PoolConnection } from 'mysql2/promise'
import type { Db } from '../mysql-backend.js'
import { inTransaction } from './leases.js'
import { affectedOf, rowsOf, runTransaction } from './script.js'

/** What the store needs from the backend: its operation runner and a pooled connection. */
export interface MysqlScheduleHost {
  run<T>(
    operation: string,
    options: OperationOptions | undefined,
    fn: (db: Db) => Promise<T>,
  ): Promise<T>
  withConnection<T>(db: Db, fn: (conn: PoolConnection) => Promise<T>): Promise<T>
  /** Whether claims may `SKIP LOCKED` (known after `init()`). */
  skipLocked(): boolean
}

const paging = backendPaging('@df/backend-mysql')

/** The seven `ScheduleStore` methods on `host`. */
export function createMysqlScheduleStore(host: MysqlScheduleHost): ScheduleStore {
  const get = (db: Db, id: string) =>
    db.pool.execute(db.sql.getSchedule, [id]).then(([rows]) => {
      const row = (rows as Record<string, unknown>[])[0]
      return row === undefined ? undefined : rowToSchedule(row)
    })
  return {
    putSchedule: (s, o) =>
      host.run('putSchedule', o, async (db) => {
        const [, read] = await host.withConnection(db, (conn) =>
          runTransaction(
            conn,
            [
              [
                db.sql.putSchedule,
                [
                  s.id,
                  s.pipelineId,
                  JSON.stringify(s.spec),
                  s.specHash,
                  s.paused ? 1 : 0,
                  s.lastTick,
                  s.nextDueAt ?? null,
                  s.updatedAt,
                ],
              ],
              [db.sql.getSchedule, [s.id]],
            ],
            db.multi,
          ),
        )
        return rowToSchedule(rowsOf(read)[0]!)
      }),

    getSchedule: (id, o) => host.run('getSchedule', o, (db) => get(db, id)),

    listSchedules: (q = {}, o) =>
      host.run('listSchedules', o, async (db) => {
        const limit = paging.pageLimit(q.limit)
        const after =
          q.cursor === undefined ? undefined : paging.decodeCursor(q.cursor, ['string'] as const)[0]
        const [rows] = await db.pool.query(
          db.sql.listSchedules(q.pipelineId !== undefined, after !== undefined, limit + 1),
          [
            ...(q.pipelineId !== undefined ? [q.pipelineId] : []),
            ...(after !== undefined ? [after] : []),
          ],
        )
        return pageFromRows((rows as Record<string, unknown>[]).map(rowToSchedule), limit, (s) => [
          s.id,
        ])
      }),

    claimSchedules: (claim, o) =>
      host.run('claimSchedules', o, async (db): Promise<ScheduleRecord[]> => {
        const ids = [...new Set(claim.ids)]
        if (claim.limit < 1 || ids.length === 0) return []
        return host.withConnection(db, (conn) =>
          inTransaction(conn, async () => {
            const [candidates] = await conn.query(
              db.sql.claimScheduleCandidates(
                ids.length,
                Math.floor(claim.limit),
                host.skipLocked(),
              ),
              [...ids, claim.now, claim.now],
            )
            // VARBINARY ids come back as Buffers.
            const due = (candidates as { id: unknown }[]).map((r) => String(r.id))
            if (due.length === 0) return []
            await conn.query(db.sql.setScheduleOwner(due.length), [
              claim.owner,
              claim.leaseExpiresAt,
              ...due,
            ])
            const [rows] = await conn.query(db.sql.schedulesByIds(due.length), due)
            return (rows as Record<string, unknown>[]).map(rowToSchedule)
          }),
        )
      }),

    updateSchedule: (update, o) =>
      host.run('updateSchedule', o, async (db): Promise<UpdateResult<ScheduleRecord>> => {
        const [write, read] = await host.withConnection(db, (conn) =>
          runTransaction(
            conn,
            [db.sql.updateSchedule(update), [db.sql.getSchedule, [update.id]]],
            db.multi,
          ),
        )
        const row = rowsOf(read)[0]
        if (row === undefined) return { ok: false, reason: 'not-found' }
        if (affectedOf(write) !== 1) return { ok: false, reason: 'conflict' }
        return { ok: true, value: rowToSchedule(row) }
      }),

    deleteSchedule: (id, o) =>
      host.run('deleteSchedule', o, async (db) => {
        const [result] = await db.pool.query(db.sql.deleteSchedule, [id])
        return affectedOf(result as never) > 0
      }),

    countActiveRuns: (q, o) =>
      host.run('countActiveRuns', o, async (db) => {
        const [rows] = await db.pool.execute(db.sql.countActiveRuns, [
          q.scheduleId ?? null,
          q.pipelineId,
        ])
        const row = (rows as { pipeline: unknown; schedule: unknown }[])[0]
        return { pipeline: Number(row?.pipeline ?? 0), schedule: Number(row?.schedule ?? 0) }
      }),
  }
}
