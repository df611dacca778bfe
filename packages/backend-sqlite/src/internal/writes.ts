/**
 * The multi-statement writes, each one `BEGIN IMMEDIATE` transaction created once per
 * connection (better-sqlite3 builds a wrapper per `db.transaction` call; the hot path must not).
 * IMMEDIATE takes the write lock up front, so a transaction never has to upgrade a read lock,
 * the case where SQLite reports "database is locked" without waiting.
 */
import {
  type NewRun,
  OrchestrationError,
  type RunClaim,
  type TaskRecord,
  type TaskUpdate,
  type UpdateResult,
} from '@df/orchestration'
import { compareClaimOrder, type Row, rowToRun, rowToTask } from '@df/orchestration/backend-kit'
import type { Database } from 'better-sqlite3'
import type { Statements } from './connection.js'
import { attemptParams, runParams, taskUpdateParams } from './params.js'

export const CONFLICT = Object.freeze({ ok: false, reason: 'conflict' }) as UpdateResult<never>
export const NOT_FOUND = Object.freeze({ ok: false, reason: 'not-found' }) as UpdateResult<never>

/** Immediate-transaction writes bound to one connection. */
export interface Writes {
  createRun(run: NewRun): Row
  /** Several callers' batches in one transaction (group commit); results per batch. */
  updateTaskGroups(groups: readonly (readonly TaskUpdate[])[]): UpdateResult<TaskRecord>[][]
  deleteRuns(query: { before: number; pipelineId?: string }): number
  claimRuns(claim: RunClaim): Row[]
}

export function createWrites(db: Database, sql: Statements): Writes {
  const createRun = db.transaction((run: NewRun): Row => {
    if (sql.runExists.get(run.id)) {
      throw new OrchestrationError(
        'DF_CONFLICT',
        `[@df/backend-sqlite] Run ${run.id} already exists.`,
      )
    }
    const row = sql.insertRun.get(runParams(run)) as Row
    for (let position = 0; position < run.tasks.length; position++) {
      const task = run.tasks[position]!
      sql.insertTask.run(run.id, task.taskId, position, task.state ?? 'PENDING')
    }
    return row
  })

  const applyTaskUpdates = (updates: readonly TaskUpdate[]): UpdateResult<TaskRecord>[] => {
    const results: UpdateResult<TaskRecord>[] = new Array(updates.length)
    for (let i = 0; i < updates.length; i++) {
      const u = updates[i]!
      const row = sql.updateTask.get(taskUpdateParams(u)) as Row | undefined
      if (row) {
        // Only after the compare-and-set won: a lost race writes no attempt.
        if (u.attemptRecord) sql.upsertAttempt.run(attemptParams(u.attemptRecord))
        results[i] = { ok: true, value: rowToTask(row) }
      } else {
        results[i] = sql.taskExists.get(u.runId, u.taskId) ? CONFLICT : NOT_FOUND
      }
    }
    return results
  }
  const updateTaskGroups = db.transaction((groups: readonly (readonly TaskUpdate[])[]) =>
    groups.map(applyTaskUpdates),
  )

  const deleteRuns = db.transaction((query: { before: number; pipelineId?: string }): number => {
    if (query.pipelineId === undefined) {
      const p = { before: query.before }
      sql.deleteAttemptsBefore.run(p)
      sql.deleteTasksBefore.run(p)
      return sql.deleteRunsBefore.run(p).changes
    }
    const p = { before: query.before, pipelineId: query.pipelineId }
    sql.deleteAttemptsOfPipelineBefore.run(p)
    sql.deleteTasksOfPipelineBefore.run(p)
    return sql.deleteRunsOfPipelineBefore.run(p).changes
  })

  const claimRuns = db.transaction(
    (claim: RunClaim): Row[] =>
      sql.claimRuns.all({
        owner: claim.owner,
        leaseExpiresAt: claim.leaseExpiresAt,
        now: claim.now,
        allPipelines: claim.pipelineIds === undefined ? 1 : 0,
        pipelineIds: JSON.stringify(claim.pipelineIds ?? []),
        limit: claim.limit,
      }) as Row[],
  )

  return {
    createRun: (run) => createRun.immediate(run),
    updateTaskGroups: (groups) => updateTaskGroups.immediate(groups),
    deleteRuns: (query) => deleteRuns.immediate(query),
    claimRuns: (claim) => claimRuns.immediate(claim),
  }
}

/** Converts claimed rows into records in the claim order (RETURNING has no order). */
export function claimedRuns(rows: readonly Row[]) {
  return rows.map(rowToRun).sort(compareClaimOrder)
}
