/**
 * Public job types of the emulator: Dremio's job states, the latency option that drives the state
 * machine, and the read-only job view tests use.
 */
import type { JobState } from '@df/client'

/** Every job state Dremio defines (reference §5.2): the client's wire type, one definition for both. */
export type { JobState }

/** One step a job shows before it executes: `state` for `ms` milliseconds. */
export interface JobStep {
  state: JobState
  ms: number
}

/**
 * How long a job takes before it runs its SQL, and which states it shows meanwhile.
 * - a number `n`: the job is `RUNNING` for `n` ms, then executes (0: executes at once);
 * - an array of steps: e.g. `[{ state: 'PLANNING', ms: 50 }, { state: 'QUEUED', ms: 50 }]`.
 * The job is `RUNNING` while DuckDB executes. Cancelling during a step never runs the SQL.
 * @default 0
 */
export type JobLatency = number | readonly JobStep[]

/** A snapshot of one job, for tests (`emulator.jobs`). */
export interface JobInfo {
  id: string
  sql: string
  context: readonly string[] | undefined
  state: JobState
  /** Result rows (0 until COMPLETED). */
  rowCount: number
  errorMessage: string
  cancellationReason: string
  /** The user that submitted the job. */
  user: string
  startedAt: Date
  endedAt: Date | undefined
}

/** Read-only access to the emulator's jobs. */
export interface JobsView {
  /** A snapshot of a job, or undefined for an unknown id. */
  get(id: string): JobInfo | undefined
  /** Snapshots of all jobs still held, oldest first. */
  list(): JobInfo[]
  /**
   * Resolves with the job's snapshot once it is COMPLETED, FAILED or CANCELED.
   * @throws EmulatorError `DF_EMULATOR_JOB_NOT_FOUND` for an unknown id.
   */
  settled(id: string): Promise<JobInfo>
}
