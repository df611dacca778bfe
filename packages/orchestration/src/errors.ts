/**
 * The error root of `@df/orchestration`, also thrown by backends, executors, the UI and the CLI.
 *
 * Brand-checked (`OrchestrationError.is`) rather than `instanceof`, so it survives duplicate
 * package copies. Messages are sentences with the package in front and never contain secrets.
 */
// Same brand protocol as `brandError`/`isBranded` in @df/client (shared by the client, the
// emulator and the CLI); kept as a local copy because @df/orchestration has zero runtime deps.
const BRAND: unique symbol = Symbol.for('@df/error') as never

/** Every code an {@link OrchestrationError} can carry. */
export type OrchestrationErrorCode =
  /** A pipeline definition is invalid (cycle, unknown edge, duplicate name, bad option). */
  | 'DF_PIPELINE_INVALID'
  /** A task's options are invalid (retry, timeout, trigger rule, template). */
  | 'DF_TASK_INVALID'
  /**
   * A schedule definition is invalid (cron expression, timezone, `every`, an unknown option):
   * thrown when the schedule is defined, never when it would fire.
   */
  | 'DF_SCHEDULE_INVALID'
  /** A template placeholder could not be rendered (unknown name). */
  | 'DF_TEMPLATE_INVALID'
  /** A task attempt failed. */
  | 'DF_TASK_FAILED'
  /** A task attempt ran past its `timeoutMs`. */
  | 'DF_TASK_TIMEOUT'
  /** A task result is not JSON-serialisable or is larger than the cap. */
  | 'DF_RESULT_INVALID'
  /** A run or task was cancelled. */
  | 'DF_CANCELLED'
  /** A compare-and-set lost its race (thrown only by `…OrThrow` variants). */
  | 'DF_CONFLICT'
  /** A run, task or pipeline does not exist (thrown only by `…OrThrow` variants). */
  | 'DF_NOT_FOUND'
  /** The backend was used after `close()`. */
  | 'DF_BACKEND_CLOSED'
  /** The backend's store cannot be reached (connection refused, auth, missing file). */
  | 'DF_BACKEND_UNAVAILABLE'
  /** The backend failed in a way not covered above (the driver error is the `cause`). */
  | 'DF_BACKEND_ERROR'
  /** The executor was used after `close()` or before `start()`. */
  | 'DF_EXECUTOR_CLOSED'
  /** An option passed to a public function is unknown or out of range. */
  | 'DF_OPTION_INVALID'
  /** An optional dependency is not installed; the message says how to install it. */
  | 'DF_DEPENDENCY_MISSING'
  /** The backend lacks an optional interface (`RunHistory`, `RunControl`, …) a feature needs. */
  | 'DF_BACKEND_UNSUPPORTED'
  /**
   * This engine's lease on a run expired and another engine took the run over: this one stopped
   * driving it. Also the error of attempts that were running in an engine that lost its lease
   * (recovery fails them and retries where retries remain).
   */
  | 'DF_LEASE_EXPIRED'
  /** The executor refused an attempt (`dispatch` rejected); the attempt is retried. */
  | 'DF_EXECUTOR_REFUSED'
  /**
   * A distributed executor cannot reach its transport (e.g. Redis) within its timeout: `start`
   * rejects with it, and attempts in flight when the connection stayed down fail with it.
   */
  | 'DF_EXECUTOR_UNAVAILABLE'
  /** No engine in this process drives the run an attempt belongs to. */
  | 'DF_ENGINE_NOT_FOUND'
  /**
   * The task is unknown where the attempt runs, or the pipeline definition there differs from
   * the engine's (definition hash mismatch on a remote worker). Not retried.
   */
  | 'DF_DEFINITION_MISMATCH'

export class OrchestrationError extends Error {
  override readonly name: string = 'OrchestrationError'
  readonly code: OrchestrationErrorCode

  constructor(code: OrchestrationErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }

  /** Brand check that works across duplicate copies of this package. */
  static is(value: unknown): value is OrchestrationError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === 'orchestration'
    )
  }
}
Object.defineProperty(OrchestrationError.prototype, BRAND, { value: 'orchestration' })

/**
 * Thrown by a task to fail at once, without using its remaining retries
 * (BullMQ's `UnrecoverableError`, Airflow's `AirflowFailException`).
 */
export class NonRetryableError extends Error {
  override readonly name: string = 'NonRetryableError'
  readonly retryable = false as const
}

/** Thrown by a task to end itself as SKIPPED (Airflow's `AirflowSkipException`). */
export class SkipTaskError extends Error {
  override readonly name: string = 'SkipTaskError'
}

/**
 * Thrown by a task (a sensor in reschedule mode) to end this attempt without failing: the task
 * frees its worker slot, waits in UP_FOR_RESCHEDULE and runs again at `at` (epoch ms, the
 * engine clock). Rescheduled attempts do not use up the task's retries.
 */
export class RescheduleTaskError extends Error {
  override readonly name: string = 'RescheduleTaskError'
  /** When to run again (epoch ms). */
  readonly at: number

  constructor(at: number, message = 'Rescheduled.') {
    super(message)
    this.at = at
  }
}
