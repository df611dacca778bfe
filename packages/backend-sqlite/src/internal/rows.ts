/**
 * Row mapping between SQLite rows and the contract's records. SQL NULL means "absent": optional
 * fields are left out of records (never `null`), and JSON values are stored as text, so a JSON
 * `null` result is the text `'null'`, distinct from a NULL column (no result).
 */
import type {
  AttemptRecord,
  ErrorRecord,
  JsonValue,
  PipelineRecord,
  RunRecord,
  RunState,
  RunTrigger,
  TaskRecord,
  TaskState,
  Watermark,
} from '@df/orchestration'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

export interface PipelineRow {
  id: string
  description: string | null
  tasks: string
  options: string
  definition_hash: string
  updated_at: number
}

export interface RunRow {
  id: string
  pipeline_id: string
  status: string
  params: string
  logical_date: string
  trigger: string
  rerun_of: string | null
  definition_hash: string
  created_at: number
  started_at: number | null
  ended_at: number | null
  message: string | null
  owner: string | null
  lease_expires_at: number | null
  version: number
}

export interface TaskRow {
  run_id: string
  task_id: string
  state: string
  attempt: number
  started_at: number | null
  ended_at: number | null
  next_attempt_at: number | null
  result: string | null
  error: string | null
  reason: string | null
  version: number
}

export interface AttemptRow {
  run_id: string
  task_id: string
  attempt: number
  state: string
  started_at: number
  ended_at: number | null
  error_message: string | null
  error_name: string | null
  error_code: string | null
  error_stack: string | null
  dremio_job_id: string | null
  log: string | null
  worker: string | null
}

export interface WatermarkRow {
  value: string
  type: string
  updated_at: number
}

export function toPipeline(row: PipelineRow): PipelineRecord {
  const pipeline: Mutable<PipelineRecord> = {
    id: row.id,
    tasks: JSON.parse(row.tasks),
    options: JSON.parse(row.options),
    definitionHash: row.definition_hash,
    updatedAt: row.updated_at,
  }
  if (row.description !== null) pipeline.description = row.description
  return pipeline
}

export function toRun(row: RunRow): RunRecord {
  const run: Mutable<RunRecord> = {
    id: row.id,
    pipelineId: row.pipeline_id,
    status: row.status as RunState,
    params: JSON.parse(row.params),
    logicalDate: row.logical_date,
    trigger: row.trigger as RunTrigger,
    definitionHash: row.definition_hash,
    createdAt: row.created_at,
    version: row.version,
  }
  if (row.rerun_of !== null) run.rerunOf = row.rerun_of
  if (row.started_at !== null) run.startedAt = row.started_at
  if (row.ended_at !== null) run.endedAt = row.ended_at
  if (row.message !== null) run.message = row.message
  if (row.owner !== null) run.owner = row.owner
  if (row.lease_expires_at !== null) run.leaseExpiresAt = row.lease_expires_at
  return run
}

export function toTask(row: TaskRow): TaskRecord {
  const task: Mutable<TaskRecord> = {
    runId: row.run_id,
    taskId: row.task_id,
    state: row.state as TaskState,
    attempt: row.attempt,
    version: row.version,
  }
  if (row.started_at !== null) task.startedAt = row.started_at
  if (row.ended_at !== null) task.endedAt = row.ended_at
  if (row.next_attempt_at !== null) task.nextAttemptAt = row.next_attempt_at
  if (row.result !== null) task.result = JSON.parse(row.result) as JsonValue
  if (row.error !== null) task.error = JSON.parse(row.error) as ErrorRecord
  if (row.reason !== null) task.reason = row.reason
  return task
}

export function toAttempt(row: AttemptRow): AttemptRecord {
  const attempt: Mutable<AttemptRecord> = {
    runId: row.run_id,
    taskId: row.task_id,
    attempt: row.attempt,
    state: row.state as TaskState,
    startedAt: row.started_at,
  }
  if (row.ended_at !== null) attempt.endedAt = row.ended_at
  if (row.error_message !== null) {
    const error: Mutable<ErrorRecord> = { message: row.error_message }
    if (row.error_name !== null) error.name = row.error_name
    if (row.error_code !== null) error.code = row.error_code
    if (row.error_stack !== null) error.stack = row.error_stack
    attempt.error = error
  }
  if (row.dremio_job_id !== null) attempt.dremioJobId = row.dremio_job_id
  if (row.log !== null) attempt.log = row.log
  if (row.worker !== null) attempt.worker = row.worker
  return attempt
}

export function toWatermark(row: WatermarkRow): Watermark {
  return { value: row.value, type: row.type as Watermark['type'], updatedAt: row.updated_at }
}

/** An `ErrorRecord` as stored in a task row: only the fields it has, as JSON. */
export function errorJson(error: ErrorRecord): string {
  const stored: Mutable<ErrorRecord> = { message: error.message }
  if (error.name !== undefined) stored.name = error.name
  if (error.code !== undefined) stored.code = error.code
  if (error.stack !== undefined) stored.stack = error.stack
  return JSON.stringify(stored)
}
