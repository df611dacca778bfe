/**
 * One `updateTasks` batch as a transaction script: per update the compare-and-set, the attempt
 * upsert (guarded by `ROW_COUNT()`, so only a winning update writes its attempt) and the row
 * after; then the per-update results read back from the script's results.
 */
import type { TaskRecord, TaskUpdate, UpdateResult } from '@df/orchestration'
import { rowToTask } from '@df/orchestration/backend-kit'
import type { MysqlStatements, Statement } from '../mysql-sql.js'
import { affectedOf, rowsOf, type StatementResult } from './script.js'

/** Where each update's results sit in the script: its write, and its row in a read result. */
export interface TaskBatchSlot {
  readonly write: number
  readonly read: number
  readonly key: string
}

const keyOf = (runId: unknown, taskId: unknown): string => JSON.stringify([runId, taskId])

/**
 * Builds the script's statements for `updates`, in order. When the updates touch different tasks
 * of one run (the engine's batches), the rows after are read by one SELECT at the end instead of
 * one per update (a third of the statements); otherwise each row is read right after its update.
 */
export function taskBatchStatements(
  sql: MysqlStatements,
  updates: readonly TaskUpdate[],
): { statements: Statement[]; slots: TaskBatchSlot[] } {
  const statements: Statement[] = []
  const slots: TaskBatchSlot[] = []
  const runId = updates[0]?.runId
  const taskIds = new Set(updates.map((u) => u.taskId))
  const readAtEnd = taskIds.size === updates.length && updates.every((u) => u.runId === runId)
  const pending: { write: number; key: string }[] = []
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
          a.meta === undefined ? null : JSON.stringify(a.meta),
          a.log ?? null,
          a.worker ?? null,
        ],
      ])
    }
    const key = keyOf(u.runId, u.taskId)
    if (readAtEnd) pending.push({ write, key })
    else slots.push({ write, read: statements.push([sql.getTask, [u.runId, u.taskId]]) - 1, key })
  }
  if (readAtEnd) {
    const read = statements.push(sql.getTaskList(runId!, [...taskIds])) - 1
    for (const p of pending) slots.push({ ...p, read })
  }
  return { statements, slots }
}

/** One result per update: no row is "not-found", a row without a write is "conflict". */
export function taskBatchResults(
  results: readonly StatementResult[],
  slots: readonly TaskBatchSlot[],
): UpdateResult<TaskRecord>[] {
  const byRead = new Map<number, Map<string, Record<string, unknown>>>()
  const rowFor = (read: number, key: string) => {
    let rows = byRead.get(read)
    if (rows === undefined) {
      rows = new Map(
        rowsOf(results[read]).map((r) => [keyOf(String(r.run_id), String(r.task_id)), r]),
      )
      byRead.set(read, rows)
    }
    return rows.get(key)
  }
  return slots.map(({ write, read, key }): UpdateResult<TaskRecord> => {
    const row = rowFor(read, key)
    if (row === undefined) return { ok: false, reason: 'not-found' }
    if (affectedOf(results[write]) !== 1) return { ok: false, reason: 'conflict' }
    return { ok: true, value: rowToTask(row) }
  })
}
