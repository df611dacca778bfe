/**
 * Bind parameters for the statements in `sqlite-sql.ts`. better-sqlite3 rejects `undefined` and
 * booleans, so absent values become NULL and flags become 0/1.
 */
import type {
  AttemptRecord,
  NewRun,
  NewSchedule,
  PipelineRecord,
  RunUpdate,
  ScheduleUpdate,
  TaskUpdate,
} from '@df/orchestration'
import { errorToJson } from '@df/orchestration/backend-kit'

const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value)

export function pipelineParams(p: PipelineRecord): Record<string, unknown> {
  return {
    id: p.id,
    description: orNull(p.description),
    tasks: JSON.stringify(p.tasks),
    options: JSON.stringify(p.options),
    definitionHash: p.definitionHash,
    updatedAt: p.updatedAt,
  }
}

export function runParams(run: NewRun): Record<string, unknown> {
  return {
    id: run.id,
    pipelineId: run.pipelineId,
    status: run.status,
    params: JSON.stringify(run.params),
    logicalDate: run.logicalDate,
    trigger: run.trigger,
    rerunOf: orNull(run.rerunOf),
    definitionHash: run.definitionHash,
    createdAt: run.createdAt,
    startedAt: orNull(run.startedAt),
    endedAt: orNull(run.endedAt),
    message: orNull(run.message),
    owner: orNull(run.owner),
    leaseExpiresAt: orNull(run.leaseExpiresAt),
    scheduleId: orNull(run.scheduleId),
    dataIntervalStart: orNull(run.dataIntervalStart),
    dataIntervalEnd: orNull(run.dataIntervalEnd),
  }
}

export function newScheduleParams(s: NewSchedule): Record<string, unknown> {
  return {
    id: s.id,
    pipelineId: s.pipelineId,
    spec: JSON.stringify(s.spec),
    specHash: s.specHash,
    paused: s.paused ? 1 : 0,
    lastTick: s.lastTick,
    nextDueAt: orNull(s.nextDueAt),
    updatedAt: s.updatedAt,
  }
}

export function scheduleUpdateParams(u: ScheduleUpdate): Record<string, unknown> {
  return {
    id: u.id,
    expectedVersion: u.expectedVersion,
    paused: u.paused === undefined ? null : u.paused ? 1 : 0,
    lastTick: orNull(u.lastTick),
    nextSet: u.nextDueAt === undefined ? 0 : 1,
    nextDueAt: orNull(u.nextDueAt),
    pending: u.pending === undefined ? null : JSON.stringify(u.pending),
    lastRunId: orNull(u.lastRunId),
    ownerSet: u.owner === undefined ? 0 : 1,
    owner: orNull(u.owner),
    leaseSet: u.leaseExpiresAt === undefined ? 0 : 1,
    leaseExpiresAt: orNull(u.leaseExpiresAt),
    updatedAt: u.updatedAt,
  }
}

export function runUpdateParams(u: RunUpdate): Record<string, unknown> {
  return {
    id: u.id,
    expectedVersion: u.expectedVersion,
    status: orNull(u.status),
    startedAt: orNull(u.startedAt),
    endedAt: orNull(u.endedAt),
    message: orNull(u.message),
    ownerSet: u.owner === undefined ? 0 : 1,
    owner: orNull(u.owner),
    leaseSet: u.leaseExpiresAt === undefined ? 0 : 1,
    leaseExpiresAt: orNull(u.leaseExpiresAt),
    taskCounts: u.taskCounts === undefined ? null : JSON.stringify(u.taskCounts),
  }
}

export function taskUpdateParams(u: TaskUpdate): Record<string, unknown> {
  return {
    runId: u.runId,
    taskId: u.taskId,
    expectedVersion: u.expectedVersion,
    state: orNull(u.state),
    attempt: orNull(u.attempt),
    startedAt: orNull(u.startedAt),
    endedAt: orNull(u.endedAt),
    nextSet: u.nextAttemptAt === undefined ? 0 : 1,
    nextAttemptAt: orNull(u.nextAttemptAt),
    // A JSON `null` result is the text 'null'; only `undefined` keeps the stored result.
    result: u.result === undefined ? null : JSON.stringify(u.result),
    errorSet: u.error === undefined ? 0 : 1,
    error: u.error == null ? null : errorToJson(u.error),
    reasonSet: u.reason === undefined ? 0 : 1,
    reason: orNull(u.reason),
  }
}

export function attemptParams(a: AttemptRecord): Record<string, unknown> {
  return {
    runId: a.runId,
    taskId: a.taskId,
    attempt: a.attempt,
    state: a.state,
    startedAt: a.startedAt,
    endedAt: orNull(a.endedAt),
    errorMessage: a.error === undefined ? null : a.error.message,
    errorName: orNull(a.error?.name),
    errorCode: orNull(a.error?.code),
    errorStack: orNull(a.error?.stack),
    meta: a.meta === undefined ? null : JSON.stringify(a.meta),
    log: orNull(a.log),
    worker: orNull(a.worker),
  }
}
