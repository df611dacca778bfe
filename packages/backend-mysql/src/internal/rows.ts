/**
 * Row mapping between MySQL/MariaDB rows and the contract's records.
 *
 * JSON columns are LONGTEXT (see mysql-migrations.ts) and parsed here, so MariaDB and MySQL 8
 * read identically. BIGINTs (epoch ms) go through `Number`. NULL optional fields are left out.
 */
import type {
  AttemptRecord,
  ErrorRecord,
  JsonObject,
  JsonValue,
  NewRun,
  PipelineRecord,
  RunRecord,
  RunState,
  RunTrigger,
  TaskDefinition,
  TaskRecord,
  TaskState,
  Watermark,
} from '@df/orchestration'

type Row = Record<string, unknown>

function num(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : Number(value)
}

function str(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value)
}

function json<T>(value: unknown): T | undefined {
  if (value === null || value === undefined) return undefined
  return JSON.parse(Buffer.isBuffer(value) ? value.toString('utf8') : String(value)) as T
}

/** Copies the defined entries of `fields` onto `base` (so absent values stay absent). */
function withOptional<T extends object>(base: T, fields: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) }
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) out[key] = value
  }
  return out as T
}

/** Maps a `pipelines` row. */
export function toPipeline(row: Row): PipelineRecord {
  const definition = json<{ tasks: TaskDefinition[]; options: JsonObject }>(row.definition)!
  return withOptional(
    {
      id: String(row.id),
      tasks: definition.tasks,
      options: definition.options,
      definitionHash: String(row.definition_hash),
      updatedAt: Number(row.updated_at),
    },
    { description: str(row.description) },
  )
}

/** Maps a `runs` row. */
export function toRun(row: Row): RunRecord {
  return withOptional(
    {
      id: String(row.id),
      pipelineId: String(row.pipeline_id),
      status: row.status as RunState,
      params: json<JsonObject>(row.params)!,
      logicalDate: String(row.logical_date),
      trigger: row.trigger as RunTrigger,
      definitionHash: String(row.definition_hash),
      createdAt: Number(row.created_at),
      version: Number(row.version),
    },
    {
      rerunOf: str(row.rerun_of),
      startedAt: num(row.started_at),
      endedAt: num(row.ended_at),
      message: str(row.message),
      owner: str(row.owner),
      leaseExpiresAt: num(row.lease_expires_at),
    },
  )
}

/** The record `createRun` stored, built from its input and stored params (no extra round trip). */
export function newRunRecord(run: NewRun, paramsJson: string): RunRecord {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(run)) {
    if (key !== 'tasks' && value !== undefined) out[key] = value
  }
  out.params = JSON.parse(paramsJson)
  out.version = 1
  return out as unknown as RunRecord
}

/** Maps a `task_instances` row. */
export function toTask(row: Row): TaskRecord {
  return withOptional(
    {
      runId: String(row.run_id),
      taskId: String(row.task_id),
      state: row.state as TaskState,
      attempt: Number(row.attempt),
      version: Number(row.version),
    },
    {
      startedAt: num(row.started_at),
      endedAt: num(row.ended_at),
      nextAttemptAt: num(row.next_attempt_at),
      // SQL NULL is "no result"; the text 'null' is a JSON null result.
      result: json<JsonValue>(row.result),
      error: json<ErrorRecord>(row.error),
      reason: str(row.reason),
    },
  )
}

/** Maps an `attempts` row. */
export function toAttempt(row: Row): AttemptRecord {
  const error =
    row.error_message === null
      ? undefined
      : withOptional<ErrorRecord>(
          { message: String(row.error_message) },
          { name: str(row.error_name), code: str(row.error_code), stack: str(row.error_stack) },
        )
  return withOptional(
    {
      runId: String(row.run_id),
      taskId: String(row.task_id),
      attempt: Number(row.attempt),
      state: row.state as TaskState,
      startedAt: Number(row.started_at),
    },
    {
      endedAt: num(row.ended_at),
      error,
      dremioJobId: str(row.dremio_job_id),
      log: str(row.log),
      worker: str(row.worker),
    },
  )
}

/** Maps a `watermarks` row. */
export function toWatermark(row: Row): Watermark {
  return {
    value: String(row.value),
    type: row.type as Watermark['type'],
    updatedAt: Number(row.updated_at),
  }
}
