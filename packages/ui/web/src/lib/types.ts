/** The JSON shapes of the @df/ui server's API (see /api in the package README). */

export type Role = 'viewer' | 'operator' | 'admin'

export interface Session {
  user: string
  role: Role
  csrfToken: string
}

export interface ParamSpec {
  type: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array'
  description?: string
  default?: unknown
  required?: boolean
  enum?: unknown[]
  pattern?: string
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
}

export type ParamsSchema = Record<string, ParamSpec>

export interface ScheduleInfo {
  id: string
  cron?: string
  every?: string | number
  timezone?: string
  paused: boolean
  nextRunAt?: string | number | null
}

export interface RunBrief {
  runId: string
  status: string
  startedAt?: string | number | null
  finishedAt?: string | number | null
}

export interface PipelineInfo {
  pipelineId: string
  name: string
  definitionHash: string
  description?: string
  tasks: number
  canTrigger: boolean
  params?: ParamsSchema
  schedule?: ScheduleInfo
  /** Every schedule, when the pipeline has more than one (`schedule` is the first). */
  schedules?: ScheduleInfo[]
  /** This server holds the code: a trigger runs here at once (else a run request). */
  inProcess?: boolean
  /** Newest first, at most 20. */
  lastRuns: RunBrief[]
}

export type TaskCounts = Record<string, number>

export interface RunSummary {
  runId: string
  pipelineId: string
  status: string
  trigger: string
  logicalDate?: string | number | null
  startedAt?: string | number | null
  finishedAt?: string | number | null
  taskCounts?: TaskCounts
  rerunOf?: string
  leaseExpired?: boolean
  createdAt?: number
  scheduleId?: string
  /** Why it ended (or what it waits for). */
  message?: string
  /** A run request no process holding the code has adopted yet. */
  requested?: boolean
}

export interface RunDetail extends RunSummary {
  params: Record<string, unknown>
  definitionHash: string
  error?: { code?: string; message: string }
  cancelRequestedAt?: string | number | null
  dataIntervalStart?: string
  dataIntervalEnd?: string
}

export interface TaskDefinition {
  id: string
  type: string
  upstream: string[]
  triggerRule: string
  pool?: string
}

/** `GET /api/runs/{id}/tasks`: one array per column, epoch ms times. */
export interface TaskColumns {
  ids: string[]
  states: string[]
  attempts: number[]
  startedAt: (number | null)[]
  finishedAt: (number | null)[]
  /** Why a task was skipped, upstream-failed, cancelled or copied; present when any has one. */
  reasons?: (string | null)[]
}

export interface AttemptInfo {
  attempt: number
  status: string
  startedAt?: string | number | null
  finishedAt?: string | number | null
  worker?: string
  error?: { code?: string; name?: string; message: string; stack?: string }
  log: string[]
  meta?: { dremioJobId?: string; [key: string]: unknown }
}

export interface RunEvent {
  runId: string
  pipelineId: string
  status: string
  taskCounts?: TaskCounts
  finishedAt?: string | number | null
}

export interface TaskEvent {
  runId: string
  taskId: string
  state: string
  attempt: number
  startedAt?: number | string | null
  finishedAt?: number | string | null
}

export interface LogEvent {
  runId: string
  taskId: string
  attempt: number
  line: string
}
