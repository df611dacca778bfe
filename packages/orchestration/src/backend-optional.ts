/**
 * The optional interfaces of the `Backend` contract (backend.ts): `RunHistory` (lists,
 * attempts, deletion), `RunControl` (cross-process cancel requests) and `WatermarkStore`, plus
 * `FullBackend`, a backend with all of them and `ScheduleStore` (schedule-store.ts). The CLI, the
 * UI, the scheduler and `@df/incremental` detect them (`hasRunHistory`, …, backend-features.ts)
 * and ask for them with a clear error when a backend lacks them.
 */
import type {
  AttemptRecord,
  Backend,
  CancelRequest,
  OperationOptions,
  Page,
  PageQuery,
  PipelineRecord,
  RunQuery,
  RunRecord,
  UpdateResult,
} from './backend.js'
import type { ScheduleStore } from './schedule-store.js'

/** A stored watermark (`@df/incremental`'s `WatermarkStore` is a structural subset). */
export interface Watermark {
  /** The value as text: an ISO timestamp, a decimal number or a string. */
  readonly value: string
  readonly type: 'timestamp' | 'number' | 'string'
  readonly updatedAt: number
}

/**
 * The read side of run history, for the CLI (`pipeline list/show`), the UI and retention.
 * Optional: detect it with `hasRunHistory(backend)`.
 */
export interface RunHistory {
  getPipeline(id: string, options?: OperationOptions): Promise<PipelineRecord | undefined>
  /** Pipelines ordered by id. */
  listPipelines(query?: PageQuery, options?: OperationOptions): Promise<Page<PipelineRecord>>
  /** Newest first; fast on a million runs with a status filter (indexed). */
  listRuns(query: RunQuery, options?: OperationOptions): Promise<Page<RunRecord>>
  /** The attempts of a run (ordered by task creation order, then attempt), or of one task. */
  listAttempts(runId: string, taskId?: string, options?: OperationOptions): Promise<AttemptRecord[]>
  /** Deletes runs (with their tasks and attempts) created before `before`; returns how many. */
  deleteRuns(
    query: { before: number; pipelineId?: string },
    options?: OperationOptions,
  ): Promise<number>
}

/**
 * Cancel requests that reach a run whichever process drives it. Optional: detect it with
 * `hasRunControl(backend)`.
 */
export interface RunControl {
  /**
   * Stores a cancel request on an unfinished run without changing its `version`; the owner sees
   * it in its next `renewLeases` answer and cancels. A run with no owner (QUEUED, never
   * claimed) is ended CANCELLED at once (`version` + 1). Returns the run as stored, `not-found`,
   * or `conflict` when the run already ended.
   */
  requestCancel(
    request: CancelRequest,
    options?: OperationOptions,
  ): Promise<UpdateResult<RunRecord>>
}

/**
 * Watermarks for incremental loads (`@df/incremental`'s `WatermarkStore` is a structural
 * subset). Optional: detect it with `hasWatermarkStore(backend)`.
 */
export interface WatermarkStore {
  getWatermark(key: string, options?: OperationOptions): Promise<Watermark | undefined>
  /** Compare-and-set on the whole previous value (`undefined`: the key must not exist). */
  setWatermark(
    key: string,
    next: Watermark,
    expected: Watermark | undefined,
    options?: OperationOptions,
  ): Promise<UpdateResult<Watermark>>
}

/** A backend with every optional interface: what the bundled backends implement. */
export interface FullBackend
  extends Backend,
    RunHistory,
    RunControl,
    WatermarkStore,
    ScheduleStore {}
