/**
 * `ScheduleStore`: the optional backend interface that keeps schedules durable and makes one
 * tick fire once across processes. Detect it with `hasScheduleStore(backend)`.
 *
 * A schedule is its definition (`spec`, written by the code that declares it) and its state
 * (written by schedulers: the last tick handled, ticks waiting behind a running run, paused, when
 * it is next due). Schedulers take due schedules with `claimSchedules`, an atomic claim with a
 * short lease like `claimRuns`; the scheduler that holds one creates the tick's run (its id is
 * derived from the schedule and the tick, so a second creation is `DF_CONFLICT`) and then
 * advances the state with a compare-and-set on `version`. A crash between the two writes leaves
 * the state as it was: the next holder computes the same tick, collides on the run id and
 * advances. Nothing here needs more than what the database gives (row locks, unique keys).
 *
 * The version rule: `putSchedule` stores version 1 and increments it only when the definition
 * changed; `claimSchedules` increments it (the fence against a stale holder); an applied
 * `updateSchedule` sets `version = expectedVersion + 1`.
 */
import type { OperationOptions, Page, PageQuery, UpdateResult } from './backend.js'
import type { JsonObject } from './json.js'

/** A schedule as stored. */
export interface ScheduleRecord {
  /** Unique per store (`ScheduleOptions.id`, by default the pipeline's name). */
  readonly id: string
  readonly pipelineId: string
  /** The definition (`ResolvedSchedule.spec`): cron or every, timezone, policies, params. */
  readonly spec: JsonObject
  /** A hash of `spec`. */
  readonly specHash: string
  /** A paused schedule fires nothing; its ticks are skipped until it is resumed. */
  readonly paused: boolean
  /**
   * Every tick at or before this instant has been handled (fired, skipped or dropped by the
   * catch-up policy). A new schedule starts at its creation time (or just before `startAt`).
   */
  readonly lastTick: number
  /** When a scheduler should next look at it (a tick plus jitter); absent once it ended. */
  readonly nextDueAt?: number
  /** Ticks accepted but not fired yet (overlap 'queue', or `maxActiveRuns` reached), oldest first. */
  readonly pending: readonly number[]
  /** The last run the schedule created. */
  readonly lastRunId?: string
  /** The scheduler holding the schedule for a pass, and until when. */
  readonly owner?: string
  readonly leaseExpiresAt?: number
  readonly updatedAt: number
  readonly version: number
}

/** What `putSchedule` writes. */
export interface NewSchedule {
  readonly id: string
  readonly pipelineId: string
  readonly spec: JsonObject
  readonly specHash: string
  /** Stored when the schedule is created; kept afterwards (pause/resume change it). */
  readonly paused: boolean
  /** Stored when the schedule is created; kept afterwards. */
  readonly lastTick: number
  /** Stored when the schedule is created or its definition changed; kept otherwise. */
  readonly nextDueAt?: number
  readonly updatedAt: number
}

/** An atomic take-over of due schedules for one pass. */
export interface ScheduleClaim {
  /** The claiming scheduler. */
  readonly owner: string
  /** A schedule is due when `nextDueAt <= now` and nobody holds an unexpired lease on it. */
  readonly now: number
  readonly leaseExpiresAt: number
  /** Only these schedules (the ones the claimer has the definitions of). */
  readonly ids: readonly string[]
  readonly limit: number
}

/** A compare-and-set on a schedule's state. Fields left out are kept. */
export interface ScheduleUpdate {
  readonly id: string
  readonly expectedVersion: number
  readonly paused?: boolean
  readonly lastTick?: number
  /** `null`: the schedule has ended (no tick left before `endAt`). */
  readonly nextDueAt?: number | null
  readonly pending?: readonly number[]
  readonly lastRunId?: string
  /** `null` clears the owner and the lease. */
  readonly owner?: string | null
  readonly leaseExpiresAt?: number | null
  readonly updatedAt: number
}

/** Filters of `listSchedules`, ordered by id. */
export interface ScheduleQuery extends PageQuery {
  readonly pipelineId?: string
}

/** QUEUED and RUNNING runs, for `maxActiveRuns` and the overlap policy across processes. */
export interface ActiveRunCount {
  /** Of the pipeline. */
  readonly pipeline: number
  /** Of the pipeline's runs created by `scheduleId` (0 when no schedule was asked about). */
  readonly schedule: number
}

/** Durable schedules (see the module comment). Optional: detect it with `hasScheduleStore`. */
export interface ScheduleStore {
  /**
   * Creates the schedule, or updates its definition when `specHash` differs (then `spec`,
   * `specHash`, `pipelineId`, `nextDueAt` and `updatedAt` change and `version` + 1; the state is
   * kept). The same definition changes nothing. Returns the stored record.
   */
  putSchedule(schedule: NewSchedule, options?: OperationOptions): Promise<ScheduleRecord>
  getSchedule(id: string, options?: OperationOptions): Promise<ScheduleRecord | undefined>
  listSchedules(query?: ScheduleQuery, options?: OperationOptions): Promise<Page<ScheduleRecord>>
  /**
   * Atomically takes up to `limit` of `ids` that are due (`nextDueAt <= now`) and not held by
   * an unexpired lease: sets `owner`, `leaseExpiresAt`, increments `version`. Earliest due
   * first. Parallel claims never return the same schedule twice.
   */
  claimSchedules(claim: ScheduleClaim, options?: OperationOptions): Promise<ScheduleRecord[]>
  /** Compare-and-set on `expectedVersion`; an applied update sets `version = expectedVersion + 1`. */
  updateSchedule(
    update: ScheduleUpdate,
    options?: OperationOptions,
  ): Promise<UpdateResult<ScheduleRecord>>
  /** Deletes a schedule (its runs stay); false when it did not exist. */
  deleteSchedule(id: string, options?: OperationOptions): Promise<boolean>
  /** QUEUED and RUNNING runs of a pipeline, and of those the ones `scheduleId` created. */
  countActiveRuns(
    query: { readonly pipelineId: string; readonly scheduleId?: string },
    options?: OperationOptions,
  ): Promise<ActiveRunCount>
}
