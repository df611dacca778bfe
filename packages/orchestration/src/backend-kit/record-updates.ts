/**
 * Applying `RunUpdate` / `TaskUpdate` to a record: shared by the memory backend (and usable by
 * any backend that keeps records as objects). Returns a new record; never mutates.
 */
import type { RunRecord, RunUpdate, TaskRecord, TaskUpdate } from '../backend.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** The run after `update` (version + 1). `null` owner/lease clear the field. */
export function applyRunUpdate(run: RunRecord, u: RunUpdate): RunRecord {
  const next: Mutable<RunRecord> = { ...run, version: run.version + 1 }
  if (u.status !== undefined) next.status = u.status
  if (u.startedAt !== undefined) next.startedAt = u.startedAt
  if (u.endedAt !== undefined) next.endedAt = u.endedAt
  if (u.message !== undefined) next.message = u.message
  if (u.owner === null) {
    // No owner means nobody holds a lease (contract: `null` clears the owner and the lease).
    delete next.owner
    delete next.leaseExpiresAt
  } else if (u.owner !== undefined) next.owner = u.owner
  if (u.leaseExpiresAt === null) delete next.leaseExpiresAt
  else if (u.leaseExpiresAt !== undefined) next.leaseExpiresAt = u.leaseExpiresAt
  if (u.taskCounts !== undefined) next.taskCounts = u.taskCounts
  return next
}

/**
 * The task after `update` (version + 1). `null` clears nextAttemptAt, error and reason.
 * Built field by field in a fixed order (no spread, no `delete`): this runs three times per task,
 * and records of one shape stay fast in V8.
 */
export function applyTaskUpdate(task: TaskRecord, u: TaskUpdate): TaskRecord {
  const next: Mutable<TaskRecord> = {
    runId: task.runId,
    taskId: task.taskId,
    state: u.state ?? task.state,
    attempt: u.attempt ?? task.attempt,
    version: task.version + 1,
  }
  const startedAt = u.startedAt ?? task.startedAt
  if (startedAt !== undefined) next.startedAt = startedAt
  const endedAt = u.endedAt ?? task.endedAt
  if (endedAt !== undefined) next.endedAt = endedAt
  const nextAttemptAt =
    u.nextAttemptAt === null ? undefined : (u.nextAttemptAt ?? task.nextAttemptAt)
  if (nextAttemptAt !== undefined) next.nextAttemptAt = nextAttemptAt
  const result = u.result !== undefined ? u.result : task.result
  if (result !== undefined) next.result = result
  const error = u.error === null ? undefined : (u.error ?? task.error)
  if (error !== undefined) next.error = error
  const reason = u.reason === null ? undefined : (u.reason ?? task.reason)
  if (reason !== undefined) next.reason = reason
  return next
}
