/**
 * Claims, lease renewals and cancel requests: interactive READ COMMITTED transactions (the ids
 * locked by the first statement feed the next), so no gap locks block concurrent `createRun`
 * inserts.
 */
import type {
  CancelRequest,
  LeaseRenewal,
  LeaseRenewalResult,
  RunClaim,
  RunRecord,
  UpdateResult,
} from '@df/orchestration'
import { rowToRun } from '@df/orchestration/backend-kit'
import type { PoolConnection } from 'mysql2/promise'
import type { MysqlStatements } from '../mysql-sql.js'
import { rollback } from './script.js'

export async function inTransaction<T>(conn: PoolConnection, fn: () => Promise<T>): Promise<T> {
  try {
    await conn.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED')
    await conn.query('START TRANSACTION')
    const result = await fn()
    await conn.query('COMMIT')
    return result
  } catch (error) {
    await rollback(conn)
    throw error
  }
}

/** Locks up to `limit` claimable runs (skipping locked ones where supported) and takes them. */
export function claimRuns(
  conn: PoolConnection,
  sql: MysqlStatements,
  claim: RunClaim,
  skipLocked: boolean,
): Promise<RunRecord[]> {
  const pipelines = claim.pipelineIds ?? []
  return inTransaction(conn, async () => {
    const ids: string[] = []
    // One status at a time: with `status = ?` the (status, created_at, id) index gives the order,
    // so InnoDB locks only the rows it returns. An `IN` of both needs a filesort that locks every
    // candidate, and parallel claimers (SKIP LOCKED) would then come back empty.
    for (const status of ['RUNNING', 'QUEUED']) {
      const limit = Math.floor(claim.limit) - ids.length
      if (limit <= 0) break
      const [candidates] = await conn.query(
        sql.claimCandidates(pipelines.length, limit, skipLocked),
        [status, claim.now, ...pipelines],
      )
      // VARBINARY ids come back as Buffers.
      for (const r of candidates as { id: unknown }[]) ids.push(String(r.id))
    }
    if (ids.length === 0) return []
    await conn.query(sql.setOwner(ids.length), [claim.owner, claim.leaseExpiresAt, ...ids])
    const [rows] = await conn.query(sql.runsByIdsInClaimOrder(ids.length), ids)
    return (rows as Record<string, unknown>[]).map(rowToRun)
  })
}

/** Extends the leases `owner` still holds (version unchanged); cancel requests ride along. */
export function renewLeases(
  conn: PoolConnection,
  sql: MysqlStatements,
  renewal: LeaseRenewal,
): Promise<LeaseRenewalResult> {
  const only = renewal.runIds === undefined ? undefined : [...renewal.runIds]
  return inTransaction(conn, async () => {
    const [held] = await conn.query(sql.renewCandidates(only?.length), [
      renewal.owner,
      ...(only ?? []),
    ])
    const rows = held as { id: unknown; cancel_requested_at: unknown; cancel_reason: unknown }[]
    // VARBINARY ids come back as Buffers.
    const renewed = rows.map((r) => String(r.id))
    if (renewed.length > 0) {
      await conn.query(sql.setLease(renewed.length), [
        renewal.leaseExpiresAt,
        renewal.owner,
        ...renewed,
      ])
    }
    const cancelRequested = rows
      .filter((r) => r.cancel_requested_at !== null)
      .map((r) => ({
        runId: String(r.id),
        reason: r.cancel_reason === null ? 'cancel requested' : String(r.cancel_reason),
      }))
    return cancelRequested.length > 0 ? { renewed, cancelRequested } : { renewed }
  })
}

/** Stores a cancel request on an owned run, or ends a run nobody owns (RunControl). */
export function requestCancel(
  conn: PoolConnection,
  sql: MysqlStatements,
  request: CancelRequest,
): Promise<UpdateResult<RunRecord>> {
  return inTransaction(conn, async (): Promise<UpdateResult<RunRecord>> => {
    const [locked] = await conn.query(sql.lockRun, [request.runId])
    const current = (locked as Record<string, unknown>[])[0]
    if (current === undefined) return { ok: false, reason: 'not-found' }
    if (current.status !== 'QUEUED' && current.status !== 'RUNNING') {
      return { ok: false, reason: 'conflict' }
    }
    if (current.owner === null) {
      await conn.query(sql.cancelNow, [
        request.at,
        `Cancelled while queued: ${request.reason}`,
        request.runId,
      ])
    } else {
      await conn.query(sql.storeCancel, [request.at, request.reason, request.runId])
    }
    const [rows] = await conn.query(sql.getRun, [request.runId])
    return { ok: true, value: rowToRun((rows as Record<string, unknown>[])[0]!) }
  })
}
