/** Task-instance states, uppercase as in the seed; Airflow's lifecycle (reference §2.1). */
export type TaskState =
  /** Created with the run; its trigger rule has not been met yet. */
  | 'PENDING'
  /** Handed to the executor (or waiting for a worker, pool or run slot). */
  | 'QUEUED'
  /** An attempt is running. */
  | 'RUNNING'
  | 'SUCCESS'
  | 'FAILED'
  /** Ended without running: its trigger rule said so, or it skipped itself. */
  | 'SKIPPED'
  /** Ended without running because an upstream failed. */
  | 'UPSTREAM_FAILED'
  /** An attempt failed and another is due at `nextAttemptAt`. */
  | 'UP_FOR_RETRY'
  /** A sensor in reschedule mode freed its slot; it pokes again at `nextAttemptAt`. */
  | 'UP_FOR_RESCHEDULE'
  | 'CANCELLED'
  /** The task no longer exists in the pipeline's definition (rerun of an edited pipeline). */
  | 'REMOVED'

/** Run states. `QUEUED` waits for a `maxActiveRuns` slot. */
export type RunState = 'QUEUED' | 'RUNNING' | 'SUCCESS' | 'FAILED' | 'CANCELLED'

export const TASK_STATES: readonly TaskState[] = [
  'PENDING',
  'QUEUED',
  'RUNNING',
  'SUCCESS',
  'FAILED',
  'SKIPPED',
  'UPSTREAM_FAILED',
  'UP_FOR_RETRY',
  'UP_FOR_RESCHEDULE',
  'CANCELLED',
  'REMOVED',
]
export const RUN_STATES: readonly RunState[] = [
  'QUEUED',
  'RUNNING',
  'SUCCESS',
  'FAILED',
  'CANCELLED',
]

/** States from which a task never moves again within the same run (Airflow's "finished"). */
export const FINISHED_TASK_STATES: ReadonlySet<TaskState> = new Set<TaskState>([
  'SUCCESS',
  'FAILED',
  'SKIPPED',
  'UPSTREAM_FAILED',
  'CANCELLED',
  'REMOVED',
])

/** Run states that are final. */
export const FINISHED_RUN_STATES: ReadonlySet<RunState> = new Set<RunState>([
  'SUCCESS',
  'FAILED',
  'CANCELLED',
])
