/**
 * Turns a batch of `TaskUpdate`s into the column arrays of the `updateTasks` statement.
 *
 * One statement can update a row only once, so a batch that touches the same task twice (a
 * QUEUED → RUNNING pair, say) is split into chunks with unique keys that run in order.
 */
import type { TaskRecord, TaskUpdate, UpdateResult } from '@df/orchestration'
import { rowToTask } from '@df/orchestration/backend-kit'
import type { Pool, QueryConfig } from 'pg'

/** The 23 parameters of `updateTasks`, in statement order. */
export function taskBatchParams(updates: readonly TaskUpdate[]): unknown[][] {
  const cols: unknown[][] = Array.from({ length: 23 }, () => [])
  for (const u of updates) {
    let mask = 0
    if (u.nextAttemptAt !== undefined) mask |= 1
    if (u.result !== undefined) mask |= 2
    if (u.error !== undefined) mask |= 4
    if (u.reason !== undefined) mask |= 8
    const a = u.attemptRecord
    const row: unknown[] = [
      u.runId,
      u.taskId,
      u.expectedVersion,
      u.state ?? null,
      u.attempt ?? null,
      u.startedAt ?? null,
      u.endedAt ?? null,
      u.nextAttemptAt ?? null,
      u.result === undefined ? null : JSON.stringify(u.result),
      u.error == null ? null : JSON.stringify(u.error),
      u.reason ?? null,
      mask,
      a?.attempt ?? null,
      a?.state ?? null,
      a?.startedAt ?? null,
      a?.endedAt ?? null,
      a?.error?.message ?? null,
      a?.error?.name ?? null,
      a?.error?.code ?? null,
      a?.error?.stack ?? null,
      a?.meta === undefined ? null : JSON.stringify(a.meta),
      a?.log ?? null,
      a?.worker ?? null,
    ]
    for (const [i, value] of row.entries()) cols[i]?.push(value)
  }
  return cols
}

/** Splits `updates` into runs of consecutive updates with distinct `(runId, taskId)` keys. */
export function chunkByUniqueTask(updates: readonly TaskUpdate[]): TaskUpdate[][] {
  const chunks: TaskUpdate[][] = []
  let current: TaskUpdate[] = []
  let keys = new Set<string>()
  for (const u of updates) {
    const key = JSON.stringify([u.runId, u.taskId])
    if (keys.has(key)) {
      chunks.push(current)
      current = []
      keys = new Set()
    }
    keys.add(key)
    current.push(u)
  }
  if (current.length > 0) chunks.push(current)
  return chunks
}

async function applyChunk(
  db: Pick<Pool, 'query'>,
  statement: QueryConfig,
  updates: readonly TaskUpdate[],
): Promise<UpdateResult<TaskRecord>[]> {
  const result = await db.query({ ...statement, values: taskBatchParams(updates) })
  return result.rows.map((row): UpdateResult<TaskRecord> => {
    if (row.ord !== null) return { ok: true, value: rowToTask(row) }
    return { ok: false, reason: row.found === true ? 'conflict' : 'not-found' }
  })
}

/**
 * Applies a batch with the `updateTasks` statement: one statement (its own transaction) when
 * every task appears once; otherwise the chunks in order inside one transaction.
 */
export async function applyTaskBatch(
  pool: Pool,
  statement: QueryConfig,
  updates: readonly TaskUpdate[],
): Promise<UpdateResult<TaskRecord>[]> {
  if (updates.length === 0) return []
  const chunks = chunkByUniqueTask(updates)
  if (chunks.length === 1) return applyChunk(pool, statement, updates)
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    const results: UpdateResult<TaskRecord>[] = []
    for (const chunk of chunks) results.push(...(await applyChunk(client, statement, chunk)))
    await client.query('COMMIT')
    return results
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  } finally {
    client.release()
  }
}
