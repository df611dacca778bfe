/**
 * What a scheduler reports while it works (`scheduler.on`, `handle.on`): every tick fired,
 * skipped, queued or dropped by the catch-up policy, and errors it recovered from. Times are
 * epoch ms on the scheduler's clock.
 */

interface ScheduleEventBase {
  readonly scheduleId: string
  readonly pipelineId: string
  /** When the scheduler saw it. */
  readonly at: number
}

/** A tick's run exists: created now, or found (another scheduler, or a crash after creating it). */
export interface ScheduleFiredEvent extends ScheduleEventBase {
  readonly type: 'fired'
  readonly tick: number
  readonly runId: string
  /** From the tick's fire time (tick + jitter) to the run being stored. */
  readonly lateMs: number
  /** True when the run already existed (no second run was made). */
  readonly existing?: true
}

/** A tick that will not run. */
export interface ScheduleSkippedEvent extends ScheduleEventBase {
  readonly type: 'skipped'
  readonly tick: number
  /** `overlap`: the previous run was still active; `queue-full`: `maxCatchupRuns` ticks already wait. */
  readonly reason: 'overlap' | 'paused' | 'queue-full'
}

/** A tick that waits: behind the schedule's active run (overlap 'queue') or `maxActiveRuns`. */
export interface ScheduleQueuedEvent extends ScheduleEventBase {
  readonly type: 'queued'
  readonly tick: number
  readonly reason: 'overlap' | 'max-active-runs'
}

/** Missed ticks in `(after, before)` the catch-up policy did not run. */
export interface ScheduleDroppedEvent extends ScheduleEventBase {
  readonly type: 'dropped'
  readonly after: number
  readonly before: number
  /** How many, when known without enumerating them (interval schedules). */
  readonly count?: number
}

/** Something failed; the scheduler retries on its next pass. */
export interface ScheduleErrorEvent {
  readonly type: 'error'
  readonly scheduleId?: string
  readonly pipelineId?: string
  readonly at: number
  readonly error: unknown
}

/** Any scheduler event. */
export type ScheduleEvent =
  | ScheduleFiredEvent
  | ScheduleSkippedEvent
  | ScheduleQueuedEvent
  | ScheduleDroppedEvent
  | ScheduleErrorEvent

/** Receives scheduler events; must not throw (errors are ignored). */
export type ScheduleEventListener = (event: ScheduleEvent) => void
