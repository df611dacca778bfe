/**
 * Claims and lease renewals: interactive READ COMMITTED transactions (the ids locked by the
 * first statement feed the next), so no gap locks block concurrent `createRun` inserts.
 */
import type { LeaseRenewal, RunClaim, RunRecord } from '@df/orchestration'
import type { PoolConnection } from 'mysql2/promise'
import type { MysqlStatements } from '../mysql-sql.js'
import { toRun } from './rows.js'
import { rollback } from './script.js'

async function inTransaction<T>(conn: PoolConnection, fn: () => Promise<T>): Promise<T> {
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
    const [candidates] = await conn.query(
      sql.claimCandidates(pipelines.length, Math.floor(claim.limit), skipLocked),
      [claim.now, ...pipelines],
    )
    // VARBINARY ids come back as Buffers.
    const ids = (candidates as { id: unknown }[]).map((r) => String(r.id))
    if (ids.length === 0) return []
    await conn.query(sql.setOwner(ids.length), [claim.owner, claim.leaseExpiresAt, ...ids])
    const [rows] = await conn.query(sql.runsByIds(ids.length), ids)
    return (rows as Record<string, unknown>[]).map(toRun)
  })
}

/** Extends the leases `owner` still holds; returns the ids renewed. */
export function renewLeases(
  conn: PoolConnection,
  sql: MysqlStatements,
  renewal: LeaseRenewal,
): Promise<string[]> {
  const only = renewal.runIds === undefined ? undefined : [...renewal.runIds]
  return inTransaction(conn, async () => {
    const [held] = await conn.query(sql.renewCandidates(only?.length), [
      renewal.owner,
      ...(only ?? []),
    ])
    const ids = (held as { id: unknown }[]).map((r) => String(r.id))
    if (ids.length > 0) {
      await conn.query(sql.setLease(ids.length), [renewal.leaseExpiresAt, renewal.owner, ...ids])
    }
    return ids
  })
}
