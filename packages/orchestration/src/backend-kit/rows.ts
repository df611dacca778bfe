/**
 * Row decoders for SQL backends that use the shared column layout (snake_case columns named
 * after the record fields: `pipeline_id`, `lease_expires_at`, `error_message`, …). SQL NULL means
 * "absent": optional fields are left out of records, never set to `null` or `undefined`. JSON
 * columns may come as text, as a Buffer, or already parsed (PostgreSQL `jsonb`); integers as
 * numbers or as strings (`pg` returns BIGINT as text; ours are epoch milliseconds, far below
 * 2^53). Written field by field, no spreads: listing a page of runs decodes thousands of rows.
 */
import type {
  AttemptRecord,
  ErrorRecord,
  NewRun,
  PipelineRecord,
  RunRecord,
  RunTrigger,
  TaskCounts,
  TaskDefinition,
  TaskRecord,
  Watermark,
} from '../backend.js'
import type { JsonObject, JsonValue } from '../json.js'
import type { ScheduleRecord } from '../schedule-store.js'
import type { RunState, TaskState } from '../states.js'

/** A row as the driver returns it. */
export type Row = Readonly<Record<string, unknown>>
type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** A JSON column's value: text or a Buffer is parsed, anything else is already parsed. */
export function jsonColumn<T = JsonValue>(value: unknown): T | undefined {
  if (value === null || value === undefined) return undefined
  if (typeof value === 'string') return JSON.parse(value) as T
  if (Buffer.isBuffer(value)) return JSON.parse(value.toString('utf8')) as T
  return value as T
}

/** A pipeline row: `definition` (JSON `{ tasks, options }`) or separate `tasks`/`options` columns. */
export function rowToPipeline(row: Row): PipelineRecord {
  const definition = jsonColumn<{ tasks: TaskDefinition[]; options: JsonObject }>(row.definition)
  const pipeline: Mutable<PipelineRecord> = {
    id: String(row.id),
    tasks: definition?.tasks ?? jsonColumn<TaskDefinition[]>(row.tasks)!,
    options: definition?.options ?? jsonColumn<JsonObject>(row.options)!,
    definitionHash: String(row.definition_hash),
    updatedAt: Number(row.updated_at),
  }
  if (row.description != null) pipeline.description = String(row.description)
  return pipeline
}

/** A run row. */
export function rowToRun(row: Row): RunRecord {
  const run: Mutable<RunRecord> = {
    id: String(row.id),
    pipelineId: String(row.pipeline_id),
    status: row.status as RunState,
    params: jsonColumn<JsonObject>(row.params)!,
    logicalDate: String(row.logical_date),
    trigger: row.trigger as RunTrigger,
    definitionHash: String(row.definition_hash),
    createdAt: Number(row.created_at),
    version: Number(row.version),
  }
  if (row.rerun_of != null) run.rerunOf = String(row.rerun_of)
  if (row.schedule_id != null) run.scheduleId = String(row.schedule_id)
  if (row.data_interval_start != null) run.dataIntervalStart = String(row.data_interval_start)
  if (row.data_interval_end != null) run.dataIntervalEnd = String(row.data_interval_end)
  if (row.started_at != null) run.startedAt = Number(row.started_at)
  if (row.ended_at != null) run.endedAt = Number(row.ended_at)
  if (row.message != null) run.message = String(row.message)
  if (row.owner != null) run.owner = String(row.owner)
  if (row.lease_expires_at != null) run.leaseExpiresAt = Number(row.lease_expires_at)
  if (row.task_counts != null) run.taskCounts = jsonColumn<TaskCounts>(row.task_counts)!
  if (row.cancel_requested_at != null) run.cancelRequestedAt = Number(row.cancel_requested_at)
  if (row.cancel_reason != null) run.cancelReason = String(row.cancel_reason)
  return run
}

/**
 * A task-instance row. `result` must be selected as text where the driver would parse JSON:
 * the text `'null'` is a JSON null result, SQL NULL is "no result".
 */
export function rowToTask(row: Row): TaskRecord {
  const task: Mutable<TaskRecord> = {
    runId: String(row.run_id),
    taskId: String(row.task_id),
    state: row.state as TaskState,
    attempt: Number(row.attempt),
    version: Number(row.version),
  }
  if (row.started_at != null) task.startedAt = Number(row.started_at)
  if (row.ended_at != null) task.endedAt = Number(row.ended_at)
  if (row.next_attempt_at != null) task.nextAttemptAt = Number(row.next_attempt_at)
  if (row.result != null) task.result = jsonColumn<JsonValue>(row.result) as JsonValue
  if (row.error != null) task.error = jsonColumn<ErrorRecord>(row.error)!
  if (row.reason != null) task.reason = String(row.reason)
  return task
}

/** An attempt row (the error in `error_message`/`error_name`/`error_code`/`error_stack`). */
export function rowToAttempt(row: Row): AttemptRecord {
  const attempt: Mutable<AttemptRecord> = {
    runId: String(row.run_id),
    taskId: String(row.task_id),
    attempt: Number(row.attempt),
    state: row.state as TaskState,
    startedAt: Number(row.started_at),
  }
  if (row.ended_at != null) attempt.endedAt = Number(row.ended_at)
  if (row.error_message != null) {
    const error: Mutable<ErrorRecord> = { message: String(row.error_message) }
    if (row.error_name != null) error.name = String(row.error_name)
    if (row.error_code != null) error.code = String(row.error_code)
    if (row.error_stack != null) error.stack = String(row.error_stack)
    attempt.error = error
  }
  if (row.meta != null) attempt.meta = jsonColumn<JsonObject>(row.meta)!
  if (row.log != null) attempt.log = String(row.log)
  if (row.worker != null) attempt.worker = String(row.worker)
  return attempt
}

/** A watermark row. */
export function rowToWatermark(row: Row): Watermark {
  return {
    value: String(row.value),
    type: row.type as Watermark['type'],
    updatedAt: Number(row.updated_at),
  }
}

/**
 * A schedule row: `spec` and `pending` are JSON columns, `paused` a boolean or 0/1, times
 * epoch ms.
 */
export function rowToSchedule(row: Row): ScheduleRecord {
  const schedule: Mutable<ScheduleRecord> = {
    id: String(row.id),
    pipelineId: String(row.pipeline_id),
    spec: jsonColumn<JsonObject>(row.spec)!,
    specHash: String(row.spec_hash),
    paused: row.paused === true || Number(row.paused) === 1,
    lastTick: Number(row.last_tick),
    pending: (jsonColumn<number[]>(row.pending) ?? []).map(Number),
    updatedAt: Number(row.updated_at),
    version: Number(row.version),
  }
  if (row.next_due_at != null) schedule.nextDueAt = Number(row.next_due_at)
  if (row.last_run_id != null) schedule.lastRunId = String(row.last_run_id)
  if (row.owner != null) schedule.owner = String(row.owner)
  if (row.lease_expires_at != null) schedule.leaseExpiresAt = Number(row.lease_expires_at)
  return schedule
}

/** Schedules in claim order: earliest due first, then by id (a claim's RETURNING has no order). */
export function compareScheduleClaimOrder(a: ScheduleRecord, b: ScheduleRecord): number {
  return (a.nextDueAt ?? 0) - (b.nextDueAt ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/** The record `createRun` stored, built from its input (no extra round trip): version 1. */
export function newRunRecord(run: NewRun): RunRecord {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(run)) {
    const value = (run as unknown as Record<string, unknown>)[key]
    if (key !== 'tasks' && value !== undefined) out[key] = value
  }
  out.params = structuredClone(run.params)
  out.version = 1
  return out as unknown as RunRecord
}

/**
 * The contract's claim order: RUNNING runs (in-flight work to recover) before QUEUED ones, each
 * oldest first (`createdAt`, then `id`).
 */
export function compareClaimOrder(a: RunRecord, b: RunRecord): number {
  const queued = (a.status === 'QUEUED' ? 1 : 0) - (b.status === 'QUEUED' ? 1 : 0)
  if (queued !== 0) return queued
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/**
 * The values of a new run's row in the shared column order: `id, pipeline_id, status, params
 * (JSON text), logical_date, trigger, rerun_of, definition_hash, created_at, started_at,
 * ended_at, message, owner, lease_expires_at`; absent fields are `null`.
 */
export function newRunValues(run: NewRun): unknown[] {
  return [
    run.id,
    run.pipelineId,
    run.status,
    JSON.stringify(run.params),
    run.logicalDate,
    run.trigger,
    run.rerunOf ?? null,
    run.definitionHash,
    run.createdAt,
    run.startedAt ?? null,
    run.endedAt ?? null,
    run.message ?? null,
    run.owner ?? null,
    run.leaseExpiresAt ?? null,
  ]
}

/** An `ErrorRecord` as stored in a JSON column: only the fields it has. */
export function errorToJson(error: ErrorRecord): string {
  const stored: Mutable<ErrorRecord> = { message: error.message }
  if (error.name !== undefined) stored.name = error.name
  if (error.code !== undefined) stored.code = error.code
  if (error.stack !== undefined) stored.stack = error.stack
  return JSON.stringify(stored)
}
