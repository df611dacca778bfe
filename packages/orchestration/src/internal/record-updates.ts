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
  return next
}

/** The task after `update` (version + 1). `null` clears nextAttemptAt, error and reason. */
export function applyTaskUpdate(task: TaskRecord, u: TaskUpdate): TaskRecord {
  const next: Mutable<TaskRecord> = { ...task, version: task.version + 1 }
  if (u.state !== undefined) next.state = u.state
  if (u.attempt !== undefined) next.attempt = u.attempt
  if (u.startedAt !== undefined) next.startedAt = u.startedAt
  if (u.endedAt !== undefined) next.endedAt = u.endedAt
  if (u.result !== undefined) next.result = u.result
  if (u.nextAttemptAt === null) delete next.nextAttemptAt
  else if (u.nextAttemptAt !== undefined) next.nextAttemptAt = u.nextAttemptAt
  if (u.error === null) delete next.error
  else if (u.error !== undefined) next.error = u.error
  if (u.reason === null) delete next.reason
  else if (u.reason !== undefined) next.reason = u.reason
  return next
}
