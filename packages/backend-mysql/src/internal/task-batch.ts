/**
 * One `updateTasks` batch as a transaction script: per update the compare-and-set, the attempt
 * upsert (guarded by `ROW_COUNT()`, so only a winning update writes its attempt) and the row
 * after; then the per-update results read back from the script's results.
 */
import type { TaskRecord, TaskUpdate, UpdateResult } from '@df/orchestration'
import type { MysqlStatements, Statement } from '../mysql-sql.js'
import { toTask } from './rows.js'
import { affectedOf, rowsOf, type StatementResult } from './script.js'

/** Where each update's results sit in the script. */
export interface TaskBatchSlot {
  readonly write: number
  readonly read: number
}

/** Builds the script's statements for `updates`, in order. */
export function taskBatchStatements(
  sql: MysqlStatements,
  updates: readonly TaskUpdate[],
): { statements: Statement[]; slots: TaskBatchSlot[] } {
  const statements: Statement[] = []
  const slots: TaskBatchSlot[] = []
  for (const u of updates) {
    const write = statements.push(sql.updateTask(u)) - 1
    const a = u.attemptRecord
    if (a !== undefined) {
      statements.push([
        sql.upsertAttempt,
        [
          u.runId,
          u.taskId,
          a.attempt,
          a.state,
          a.startedAt,
          a.endedAt ?? null,
          a.error?.message ?? null,
          a.error?.name ?? null,
          a.error?.code ?? null,
          a.error?.stack ?? null,
          a.dremioJobId ?? null,
          a.log ?? null,
          a.worker ?? null,
        ],
      ])
    }
    const read = statements.push([sql.getTask, [u.runId, u.taskId]]) - 1
    slots.push({ write, read })
  }
  return { statements, slots }
}

/** One result per update: no row is "not-found", a row without a write is "conflict". */
export function taskBatchResults(
  results: readonly StatementResult[],
  slots: readonly TaskBatchSlot[],
): UpdateResult<TaskRecord>[] {
  return slots.map(({ write, read }): UpdateResult<TaskRecord> => {
    const row = rowsOf(results[read])[0]
    if (row === undefined) return { ok: false, reason: 'not-found' }
    if (affectedOf(results[write]) !== 1) return { ok: false, reason: 'conflict' }
    return { ok: true, value: toTask(row) }
  })
}
