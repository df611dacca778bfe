/** Statement parameters for runs, in the order of the statements in postgres-sql.ts. */
import type { NewRun, NewSchedule, RunUpdate, ScheduleUpdate } from '@df/orchestration'
import { newRunValues } from '@df/orchestration/backend-kit'

/** `createRun`: the run's columns, then its task ids and states as two arrays. */
export function createRunParams(run: NewRun): unknown[] {
  return [
    ...newRunValues(run),
    run.tasks.map((t) => t.taskId),
    run.tasks.map((t) => t.state ?? 'PENDING'),
    run.scheduleId ?? null,
    run.dataIntervalStart ?? null,
    run.dataIntervalEnd ?? null,
  ]
}

/** `putSchedule`: the schedule's columns (state columns only matter on insert). */
export function putScheduleParams(s: NewSchedule): unknown[] {
  return [
    s.id,
    s.pipelineId,
    JSON.stringify(s.spec),
    s.specHash,
    s.paused,
    s.lastTick,
    s.nextDueAt ?? null,
    s.updatedAt,
  ]
}

/**
 * `updateSchedule`: values plus a mask of which nullable fields are present (1 next_due_at,
 * 2 owner, 4 lease), so `null` can clear while an absent field keeps its value.
 */
export function updateScheduleParams(u: ScheduleUpdate): unknown[] {
  const mask =
    (u.nextDueAt !== undefined ? 1 : 0) |
    (u.owner !== undefined ? 2 : 0) |
    (u.leaseExpiresAt !== undefined ? 4 : 0)
  return [
    u.id,
    u.expectedVersion,
    u.paused ?? null,
    u.lastTick ?? null,
    u.nextDueAt ?? null,
    u.pending === undefined ? null : JSON.stringify(u.pending),
    u.lastRunId ?? null,
    u.owner ?? null,
    u.leaseExpiresAt ?? null,
    u.updatedAt,
    mask,
  ]
}

/**
 * `updateRun`: values plus a mask of which nullable fields are present (1 message, 2 owner,
 * 4 lease), so `null` can clear while an absent field keeps its value.
 */
export function updateRunParams(update: RunUpdate): unknown[] {
  const mask =
    (update.message !== undefined ? 1 : 0) |
    (update.owner !== undefined ? 2 : 0) |
    (update.leaseExpiresAt !== undefined ? 4 : 0)
  return [
    update.id,
    update.expectedVersion,
    update.status ?? null,
    update.startedAt ?? null,
    update.endedAt ?? null,
    update.message ?? null,
    update.owner ?? null,
    update.leaseExpiresAt ?? null,
    mask,
    update.taskCounts === undefined ? null : JSON.stringify(update.taskCounts),
  ]
}
