/**
 * The `Executor` contract: where task attempts run. Implement it and make `describeExecutor`
 * from `@df/conformance` pass (docs/contracts.md).
 *
 * An executor knows nothing about storage. The engine dispatches an attempt; the executor runs it
 * (in this process, or on a worker that has the same pipeline code or the task type registered)
 * through the engine's `run` hook, and hands the outcome back through `onOutcome`. Only the engine
 * writes to the `Backend`: Executor → Engine → Backend.
 */
import type { ErrorRecord, OperationOptions } from './backend.js'
import type { JsonObject, JsonValue } from './json.js'

/** One attempt of one task, as handed to an executor. Plain JSON: it may cross a process. */
export interface TaskDispatch {
  readonly runId: string
  readonly pipelineId: string
  readonly taskId: string
  /** 1-based attempt number. */
  readonly attempt: number
  /** The task's type; a remote worker resolves serialisable tasks by it. */
  readonly type: string
  /** `${runId}/${taskId}/${attempt}`: a redelivered attempt has the same key (at-least-once). */
  readonly idempotencyKey: string
  /**
   * The engine instance that dispatched the attempt (the run's lease owner). Outcomes are routed
   * back to it, so two engines in one process that both touched a run never mix attempts.
   */
  readonly engineId?: string
  /** Per-attempt timeout; the executor aborts the attempt's signal when it passes. */
  readonly timeoutMs?: number
  /** The task's serialisable options, for task types that run by type. */
  readonly options?: JsonObject
  // The fields below are filled only for a remote executor (`Executor.remote`): what a worker in
  // another process needs to build the attempt's `ctx`. The in-process path leaves them out.
  /** The run's logical date (ISO 8601 UTC). Remote executors only. */
  readonly logicalDate?: string
  /** A scheduled run's data interval (ISO 8601 UTC). Remote executors only. */
  readonly dataIntervalStart?: string
  readonly dataIntervalEnd?: string
  /** The run's params. Remote executors only. */
  readonly params?: JsonObject
  /**
   * The `definitionHash` of the engine's pipeline: a worker whose loaded pipeline hashes
   * differently fails the attempt (`DF_DEFINITION_MISMATCH`, not retried). Remote executors only.
   */
  readonly definitionHash?: string
  /** When the task's first attempt of this run started (epoch ms). Remote executors only. */
  readonly taskStartedAt?: number
  /**
   * The JSON results of the task's direct upstream tasks, by task name (tasks that returned
   * nothing are left out): what `ctx.get` serves on a worker. Remote executors only.
   */
  readonly inputs?: JsonObject
}

/** Which attempts `Executor.cancel` aborts. */
export interface CancelScope {
  /** Only attempts dispatched by this engine instance (`TaskDispatch.engineId`). */
  readonly engineId?: string
  /**
   * The engine lost the run to another engine: an executor stops tracking these attempts and
   * reports nothing for them. A remote executor leaves them running, so the new owner can adopt
   * their outcomes; the in-process executor aborts them.
   */
  readonly lost?: boolean
}

/** What one attempt ended with. */
export type TaskOutcome =
  | {
      readonly status: 'success'
      readonly result?: JsonValue
      readonly log?: string
      readonly meta?: JsonObject
    }
  | {
      readonly status: 'failed'
      readonly error: ErrorRecord
      /** `false` for `NonRetryableError`: fail at once whatever retries remain. */
      readonly retryable: boolean
      /** The attempt hit its timeout. */
      readonly timedOut?: boolean
      /**
       * A JSON result the failing task carried on its error (`error.result`, e.g. a
       * data-quality report); stored as the task's result when the task ends FAILED.
       */
      readonly result?: JsonValue
      readonly log?: string
      readonly meta?: JsonObject
    }
  | { readonly status: 'skipped'; readonly reason: string; readonly log?: string }
  /** A sensor in reschedule mode: free the slot and try again at `at` (epoch ms). */
  | { readonly status: 'reschedule'; readonly at: number; readonly log?: string }
  | {
      readonly status: 'cancelled'
      readonly reason: string
      readonly log?: string
      readonly meta?: JsonObject
    }

/**
 * The abort side of one attempt, handed to the handler by the executor.
 *
 * `signal` is created on first read: an `AbortSignal` costs several microseconds to create and
 * collect on Node 20, which is most of an in-process attempt's budget, and most tasks never
 * read it. `aborted` answers without creating it.
 */
export interface AttemptControl {
  /** Aborted when the attempt times out, is cancelled, or its engine loses the run. */
  readonly signal: AbortSignal
  /** True once the attempt was aborted (reading it never creates the signal). */
  readonly aborted: boolean
  /** The abort reason (`OrchestrationError` with `DF_TASK_TIMEOUT` or `DF_CANCELLED`). */
  readonly reason: unknown
  /**
   * What the attempt recorded through `ctx.setMeta` (e.g. `{ dremioJobId }`), so an outcome the
   * executor reports itself on timeout or cancel still carries it. Optional for executors.
   */
  meta?: JsonObject
}

/**
 * Runs exactly one attempt. Must settle (never reject): failures are `{ status: 'failed' }`.
 * When the executor aborts an attempt (timeout, cancel) it reports the outcome itself at once
 * (`failed` with `timedOut`, or `cancelled`) and ignores the handler's later result, so a task
 * that ignores its signal never holds a slot past its timeout.
 */
export type TaskHandler = (task: TaskDispatch, control: AttemptControl) => Promise<TaskOutcome>

/** What the engine gives the executor at `start`. */
export interface ExecutorHooks {
  /** Runs one attempt (the engine's task runner). */
  readonly run: TaskHandler
  /** Receives each attempt's outcome, once per dispatch, in the engine's process. */
  readonly onOutcome: (task: TaskDispatch, outcome: TaskOutcome) => void
  /** Told when an attempt actually starts on a worker (QUEUED → RUNNING). Optional. */
  readonly onStart?: (task: TaskDispatch, worker: string) => void
}

/** Runs task attempts. */
export interface Executor {
  /** Stable id used in errors and logs, e.g. `'in-process'`, `'bullmq'`. */
  readonly name: string
  /**
   * True for an executor whose attempts may run in another process: the engine then fills the
   * context fields of `TaskDispatch` (`logicalDate`, `params`, `definitionHash`, `inputs`, …).
   */
  readonly remote?: boolean
  /**
   * True when re-dispatching an attempt with an `idempotencyKey` the executor already ran or
   * runs re-attaches to it (its outcome is reported, it is not run twice). On recovery the
   * engine then re-dispatches a RUNNING attempt of a dead engine under the same attempt number
   * instead of failing it with "engine lease expired", so work still running on a worker is
   * adopted. An attempt no worker runs any more must be reported failed (retryable).
   */
  readonly resumesAttempts?: boolean
  /** Starts consuming dispatched tasks. Idempotent for the same hooks. */
  start(hooks: ExecutorHooks, options?: OperationOptions): Promise<void>
  /**
   * Accepts a ready attempt. Resolves when accepted, not when finished. Rejects with
   * `DF_EXECUTOR_CLOSED` after `close()` or before `start()`.
   */
  dispatch(task: TaskDispatch, options?: OperationOptions): Promise<void>
  /**
   * Aborts running attempts of a run (or of one task of it) and reports them cancelled; queued
   * attempts are dropped and reported through `onOutcome` as `{ status: 'cancelled' }`. With a
   * `scope`, only the attempts of one engine (see {@link CancelScope}).
   */
  cancel(runId: string, taskId?: string, scope?: CancelScope): Promise<void>
  /** Stops accepting work; with `drain`, waits for in-flight attempts. Idempotent. */
  close(options?: { drain?: boolean }): Promise<void>
}
