/**
 * The `Backend` contract: durable state for pipelines, runs, task instances and attempts, split
 * by who calls it. `Backend` is what the engine needs to drive runs (ten methods); `RunHistory`
 * (lists, attempts, deletion), `RunControl` (cross-process cancel requests), `WatermarkStore`
 * (backend-optional.ts) and `ScheduleStore` (schedule-store.ts: durable schedules) are optional interfaces that the
 * CLI, the UI, the scheduler and `@df/incremental` detect and ask for with a clear error when a
 * backend lacks them. Implement `Backend` (and whichever optional interfaces you want) and make
 * `describeBackend` from `@df/conformance` pass; that is the whole guide for a third-party
 * backend (docs/contracts.md).
 *
 * Design (why it looks like this):
 * - The engine drives a run; the backend only stores. A backend owns its connections; the engine
 *   never sees a connection, a transaction or SQL.
 * - Several engine processes may share one store. Every mutation of a run or a task is a
 *   compare-and-set on a `version`, so a lost race is a value (`{ ok: false, reason: 'conflict' }`),
 *   never a silent overwrite. **The version rule**: `createRun` stores version 1 (and every task at
 *   version 1); an applied `updateRun`/`updateTasks` update sets `version = expectedVersion + 1`;
 *   `claimRuns` increments the version of each run it takes over (that is the fence: the old
 *   owner's next compare-and-set fails). Nothing else changes a version: `renewLeases` and
 *   `requestCancel` write their fields without touching it, so the engine never re-reads a run
 *   it owns just because its lease was renewed.
 * - A run is driven by exactly one engine at a time: the engine holds a lease on the run
 *   (`owner`, `leaseExpiresAt`) and renews it with `renewLeases` while it works. When an engine
 *   dies, its leases expire and another engine takes the run over with `claimRuns`, which is the
 *   contract's atomic claim: parallel claims never hand the same run to two engines.
 * - Task updates come in batches (`updateTasks`): a layer of a DAG that becomes ready at once is
 *   one round trip and one transaction for a SQL backend, which is what makes "every state change
 *   durable before a downstream task starts" fast.
 * - Times are epoch milliseconds chosen by the engine's clock. A backend never reads `Date.now()`
 *   for a lease decision; it compares against the `now` it is given.
 */
import type { JsonObject, JsonValue } from './json.js'
import type { RunState, TaskState } from './states.js'

export type {
  FullBackend,
  RunControl,
  RunHistory,
  Watermark,
  WatermarkStore,
} from './backend-optional.js'

/** Options every backend operation accepts. */
export interface OperationOptions {
  /** Aborts the operation where the driver allows it (rejects with the signal's reason). */
  readonly signal?: AbortSignal
}

/** The outcome of a compare-and-set: a lost race or a missing row is a value, not an exception. */
export type UpdateResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: 'conflict' | 'not-found' }

/** Declared differences between backends; conformance tests each one both ways. */
export interface BackendCapabilities {
  /** `claimRuns` uses row locks (`FOR UPDATE SKIP LOCKED`) rather than optimistic retry. */
  readonly supportsLockingClaims: boolean
  /** Several processes may share this store (false for the memory backend). */
  readonly supportsMultipleProcesses: boolean
}

// ==== Pipelines ===================================================================================

/** One task of a stored pipeline definition: enough to draw the DAG and rerun by type. */
export interface TaskDefinition {
  /** Unique within the pipeline. */
  readonly name: string
  /** The task type (`'function'`, `'dremio.query'`, `'http'`, …); serialisable tasks run by type. */
  readonly type: string
  /** Names of the direct upstream tasks. */
  readonly upstream: readonly string[]
  readonly triggerRule: string
  readonly retries: number
  readonly timeoutMs?: number
  readonly pool?: string
  /** The task's serialisable options (never secrets: a client is referenced, not embedded). */
  readonly options?: JsonObject
}

/** A pipeline as stored: its definition, so a UI can draw it without the user's code. */
export interface PipelineRecord {
  /** The pipeline's name; unique per store. */
  readonly id: string
  readonly description?: string
  readonly tasks: readonly TaskDefinition[]
  /** Pipeline options (maxWorkers, maxActiveRuns, …) as given. */
  readonly options: JsonObject
  /** A hash of `tasks` + `options`; a changed definition has a new hash. */
  readonly definitionHash: string
  readonly updatedAt: number
}

/** A page of results, newest first; pass `nextCursor` back as `cursor` for the next page. */
export interface Page<T> {
  readonly items: readonly T[]
  /** Absent on the last page. Opaque: its format is the backend's own. */
  readonly nextCursor?: string
}

/** Paging for lists. */
export interface PageQuery {
  /** @default 50. At most 1000. */
  readonly limit?: number
  readonly cursor?: string
}

// ==== Runs ========================================================================================

/** How a run was started. */
export type RunTrigger = 'manual' | 'cli' | 'schedule' | 'rerun' | 'api' | 'ui'

/** A run as stored. */
export interface RunRecord {
  /** Unique id (a sortable random id chosen by the engine). */
  readonly id: string
  readonly pipelineId: string
  readonly status: RunState
  readonly params: JsonObject
  /** ISO 8601 UTC instant the run is "for" (templated as `{{ ds }}`, `{{ ts }}`). */
  readonly logicalDate: string
  readonly trigger: RunTrigger
  /** The run this one reran, for `trigger: 'rerun'`. */
  readonly rerunOf?: string
  /** The schedule that created the run (`trigger: 'schedule'`). */
  readonly scheduleId?: string
  /**
   * The data interval a scheduled run covers (ISO 8601 UTC; `{{ data_interval_start }}`,
   * `{{ data_interval_end }}`): from the schedule's previous tick to the tick that fired it.
   * Its start is the run's `logicalDate`.
   */
  readonly dataIntervalStart?: string
  readonly dataIntervalEnd?: string
  /** The `definitionHash` of the pipeline the run was created from. */
  readonly definitionHash: string
  readonly createdAt: number
  readonly startedAt?: number
  readonly endedAt?: number
  /** Why the run ended the way it did, in one sentence (e.g. "2 tasks failed: load, check"). */
  readonly message?: string
  /** The engine instance driving the run; absent when nobody is. */
  readonly owner?: string
  /** When `owner`'s lease ends unless renewed. */
  readonly leaseExpiresAt?: number
  /**
   * How many tasks ended in each state, set when the run ends. A SUCCESS run whose handled
   * failures Airflow's leaf rule forgave still says `FAILED: 1` here (shown as
   * `SUCCESS (1 task failed)`).
   */
  readonly taskCounts?: TaskCounts
  /** When a cancel was requested (`RunControl.requestCancel`); the owner honours it. */
  readonly cancelRequestedAt?: number
  /** The reason given with the cancel request. */
  readonly cancelReason?: string
  /** The compare-and-set token (see "the version rule" above). */
  readonly version: number
}

/** Tasks per state at the end of a run (states with no task are left out). */
export type TaskCounts = Readonly<Partial<Record<TaskState, number>>>

/** What the engine passes to `createRun`. The backend sets `version` to 1. */
export interface NewRun
  extends Omit<RunRecord, 'version' | 'taskCounts' | 'cancelRequestedAt' | 'cancelReason'> {
  /** One PENDING task instance per task of the pipeline, created in the same transaction. */
  readonly tasks: readonly NewTask[]
}

/** A compare-and-set on a run. Fields left out are kept. */
export interface RunUpdate {
  readonly id: string
  readonly expectedVersion: number
  readonly status?: RunState
  readonly startedAt?: number
  readonly endedAt?: number
  readonly message?: string
  /** `null` clears the owner and the lease. */
  readonly owner?: string | null
  readonly leaseExpiresAt?: number | null
  readonly taskCounts?: TaskCounts
}

/** Filters for `listRuns`; newest first (`createdAt` descending, then `id` descending). */
export interface RunQuery extends PageQuery {
  readonly pipelineId?: string
  readonly status?: RunState | readonly RunState[]
  /** Only runs created at or after this instant. */
  readonly createdAfter?: number
  /** Only runs created before this instant. */
  readonly createdBefore?: number
}

/**
 * An atomic take-over of runs whose lease expired or that have no owner (crash recovery, and
 * run requests: a QUEUED run created without an owner, e.g. by a UI that does not hold the
 * pipeline's code, is adopted by a process that does).
 */
export interface RunClaim {
  /** The claiming engine instance. */
  readonly owner: string
  /** The engine's clock: a lease with `leaseExpiresAt <= now` has expired. */
  readonly now: number
  /** The new lease end for each claimed run. */
  readonly leaseExpiresAt: number
  /** Only runs of these pipelines; all when absent. */
  readonly pipelineIds?: readonly string[]
  /** Claim at most this many. */
  readonly limit: number
}

/** Extends the leases an engine holds. */
export interface LeaseRenewal {
  readonly owner: string
  /** The runs to renew; all runs `owner` holds when absent. */
  readonly runIds?: readonly string[]
  readonly leaseExpiresAt: number
}

/** What `renewLeases` answers. */
export interface LeaseRenewalResult {
  /** The ids of the runs whose lease was extended (a lost lease is left out). */
  readonly renewed: readonly string[]
  /**
   * Renewed runs that carry a cancel request (`RunControl.requestCancel`): the owner cancels
   * them. Backends without `RunControl` leave it out.
   */
  readonly cancelRequested?: readonly { readonly runId: string; readonly reason: string }[]
}

/** A request to cancel a run, stored on the run and honoured by its owner (`RunControl`). */
export interface CancelRequest {
  readonly runId: string
  /** One sentence, shown on the run (e.g. "cancelled by alice in the UI"). */
  readonly reason: string
  /** The requester's clock (epoch ms). */
  readonly at: number
}

// ==== Tasks and attempts ==========================================================================

/** A structured error as stored: what a user needs to understand a failure. */
export interface ErrorRecord {
  readonly message: string
  /** The error's `name` (e.g. `'DremioJobFailedError'`). */
  readonly name?: string
  /** `DF_*` code when the error had one. */
  readonly code?: string
  readonly stack?: string
}

/** A task instance: one task within one run. */
export interface TaskRecord {
  readonly runId: string
  readonly taskId: string
  readonly state: TaskState
  /** The number of the current (or last) attempt; 0 before the first. */
  readonly attempt: number
  /** The first attempt's start (sensor timeouts count from it). */
  readonly startedAt?: number
  readonly endedAt?: number
  /** When the next attempt is due (UP_FOR_RETRY, UP_FOR_RESCHEDULE). */
  readonly nextAttemptAt?: number
  /** The task's JSON result (on SUCCESS). */
  readonly result?: JsonValue
  /** The last error (on FAILED, UP_FOR_RETRY). */
  readonly error?: ErrorRecord
  /** Why a task was skipped, failed upstream or cancelled, in one sentence. */
  readonly reason?: string
  readonly version: number
}

/** What `createRun` creates for each task: PENDING, attempt 0. */
export interface NewTask {
  readonly taskId: string
  /** @default 'PENDING' */
  readonly state?: TaskState
}

/** One attempt of a task. Upserted by `(runId, taskId, attempt)`. */
export interface AttemptRecord {
  readonly runId: string
  readonly taskId: string
  /** 1-based. */
  readonly attempt: number
  readonly state: TaskState
  readonly startedAt: number
  readonly endedAt?: number
  readonly error?: ErrorRecord
  /**
   * What the task recorded about external work (`ctx.setMeta`), e.g. `{ dremioJobId: '…' }`
   * from the Dremio tasks: ids to look the work up elsewhere. Small JSON; never secrets.
   */
  readonly meta?: JsonObject
  /** The attempt's log excerpt (size-bounded by the engine). */
  readonly log?: string
  /** The executor worker that ran it (host:pid or a BullMQ worker id). */
  readonly worker?: string
}

/** A compare-and-set on a task instance, with an optional attempt upsert in the same write. */
export interface TaskUpdate {
  readonly runId: string
  readonly taskId: string
  readonly expectedVersion: number
  readonly state?: TaskState
  readonly attempt?: number
  readonly startedAt?: number
  readonly endedAt?: number
  /** `null` clears the field. */
  readonly nextAttemptAt?: number | null
  readonly result?: JsonValue
  readonly error?: ErrorRecord | null
  readonly reason?: string | null
  /** Upserted with the task update, atomically. */
  readonly attemptRecord?: AttemptRecord
}

// ==== The contracts ===============================================================================

/**
 * What the engine needs to drive runs: durable runs, task instances and attempts, leases.
 *
 * A backend owns its connections; the engine never sees a connection, a transaction or SQL.
 * Every method must be safe to call concurrently, from one process and (where
 * `supportsMultipleProcesses`) from several. Methods reject with `OrchestrationError`:
 * `DF_BACKEND_CLOSED` after `close()`, `DF_BACKEND_UNAVAILABLE` when the store cannot be reached,
 * `DF_CONFLICT` for a duplicate run id, `DF_BACKEND_ERROR` otherwise (the driver's error as
 * `cause`). Expected outcomes (not found, a lost compare-and-set) are values, never rejections.
 * Messages never hold secrets.
 */
export interface Backend {
  /** Stable id used in errors and logs, e.g. `'postgres'`. */
  readonly name: string
  readonly capabilities: BackendCapabilities

  /** Connects and applies pending migrations. Idempotent; safe when two processes start at once. */
  init(options?: OperationOptions): Promise<void>
  /** Releases every resource. Idempotent; later calls reject with `DF_BACKEND_CLOSED`. */
  close(): Promise<void>

  /** Inserts or replaces a pipeline definition (what a UI draws and a worker checks). */
  putPipeline(pipeline: PipelineRecord, options?: OperationOptions): Promise<void>

  /**
   * Creates a run and its task instances in one transaction. Rejects with `DF_CONFLICT` when the
   * id exists (two schedulers firing one tick collide here). Returns the stored run (version 1).
   */
  createRun(run: NewRun, options?: OperationOptions): Promise<RunRecord>
  getRun(id: string, options?: OperationOptions): Promise<RunRecord | undefined>
  /** Compare-and-set on `expectedVersion`; an applied update sets `version = expectedVersion + 1`. */
  updateRun(update: RunUpdate, options?: OperationOptions): Promise<UpdateResult<RunRecord>>

  /** Every task instance of a run (in creation order), or `[]` when the run does not exist. */
  getTasks(runId: string, options?: OperationOptions): Promise<TaskRecord[]>
  /**
   * Applies a batch of compare-and-sets in order, each independently (one result per update,
   * same order), in one transaction where the store has them. An applied update sets the
   * task's `version = expectedVersion + 1` and upserts its `attemptRecord` atomically with it
   * (a backend without `RunHistory` may drop attempt records).
   */
  updateTasks(
    updates: readonly TaskUpdate[],
    options?: OperationOptions,
  ): Promise<UpdateResult<TaskRecord>[]>

  /**
   * Atomically takes over QUEUED and RUNNING runs whose lease expired (`leaseExpiresAt <= now`)
   * or that have no owner, setting `owner` and `leaseExpiresAt` and incrementing `version`.
   * Claim order: RUNNING runs (in-flight work to recover) before QUEUED ones, each oldest first
   * (`createdAt`, then `id`); the answer is in that order. Parallel claims never return the same
   * run twice. Status is left as it was.
   */
  claimRuns(claim: RunClaim, options?: OperationOptions): Promise<RunRecord[]>
  /**
   * Extends the leases `owner` still holds, without changing `version`. Runs held by another
   * owner (or gone) are left out of `renewed`.
   */
  renewLeases(renewal: LeaseRenewal, options?: OperationOptions): Promise<LeaseRenewalResult>
}

/** A backend factory: `create<Tech>Backend(options)`. It connects lazily (in `init`). */
export type BackendFactory<Options, B extends Backend = Backend> = (options: Options) => B
