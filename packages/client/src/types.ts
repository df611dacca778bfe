/**
 * Wire types of the Dremio REST API as this client reads them (reference §5, §6).
 */

/** Every job state Dremio reports (reference §5.2). */
export type JobState =
  | 'NOT_SUBMITTED'
  | 'STARTING'
  | 'RUNNING'
  | 'COMPLETED'
  | 'CANCELED'
  | 'FAILED'
  | 'CANCELLATION_REQUESTED'
  | 'ENQUEUED'
  | 'PLANNING'
  | 'PENDING'
  | 'METADATA_RETRIEVAL'
  | 'QUEUED'
  | 'ENGINE_START'
  | 'EXECUTION_PLANNING'
  | 'INVALID_STATE'

/** States after which a job never changes (INVALID_STATE counted as Dremio's JS SDK does). */
export const TERMINAL_JOB_STATES: ReadonlySet<JobState> = new Set<JobState>([
  'COMPLETED',
  'CANCELED',
  'FAILED',
  'INVALID_STATE',
])

/** Body of `GET /job/{id}`; absent fields are omitted by Dremio, not null. */
export interface JobStatus {
  /** Current state. */
  jobState: JobState
  /** Number of result rows (output records), not rows affected by DML. */
  rowCount: number
  /** Failure text; `""` unless FAILED. */
  errorMessage: string
  /** ISO-8601 start time. */
  startedAt?: string
  /** ISO-8601 end time, only once finished. */
  endedAt?: string
  /** `"REST"` for jobs submitted via `/sql`. */
  queryType?: string
  /** `""` unless CANCELED. */
  cancellationReason: string
  /** Workload-management queue name. */
  queueName?: string
  /** Reflection usage, when COMPLETED with reflection details. */
  acceleration?: unknown
}

/** A column type in a results schema or a dataset's `fields`. */
export interface DremioType {
  /** Type name: BIGINT, VARCHAR, DECIMAL, STRUCT, LIST… */
  name: string
  /** DECIMAL precision. */
  precision?: number
  /** DECIMAL scale. */
  scale?: number
  /** Children of STRUCT (named), LIST/MAP/UNION (unnamed). */
  subSchema?: DremioField[]
}

/** One column of a results schema. */
export interface DremioField {
  /** Column name (absent for LIST/MAP children). */
  name?: string
  /** Column type. */
  type: DremioType
}

/** A result row keyed by column name, values as Dremio encodes them in JSON (reference §6.4). */
export type Row = Record<string, unknown>

/** One page of `GET /job/{id}/results`. */
export interface ResultPage {
  /** Total rows of the job (not of the page). */
  rowCount: number
  /** Column schema. */
  schema: DremioField[]
  /** The rows of this page. */
  rows: Row[]
}

/** Options for `client.submit()`. */
export interface SubmitOptions {
  /** Default schema path for unqualified names, e.g. `['lake', 'sales']`. */
  context?: readonly string[]
  /** Versioned-source references, `{ lake: { type: 'BRANCH', value: 'main' } }`. */
  references?: Record<string, { type: 'BRANCH' | 'TAG' | 'COMMIT'; value: string }>
}

/** Options for `job.wait()`. */
export interface WaitOptions {
  /**
   * Aborts with `DF_DREMIO_ABORTED`. `job.wait()` stops waiting only; `client.query()`,
   * `queryArrow()` and `execute()` also cancel the job (see `QueryOptions.cancelOnAbort`).
   */
  signal?: AbortSignal
  /** Gives up with `DF_DREMIO_TIMEOUT` after this long (the job keeps running). */
  timeoutMs?: number
}

/** Options for reading results. */
export interface ReadOptions {
  /** Rows per page, 1-500. @default 500 */
  pageSize?: number
  /** Pages fetched at once; defaults to the client's `maxConcurrentPages`. */
  concurrency?: number
  /** Aborts the read. */
  signal?: AbortSignal
}
