/**
 * `ScheduleHandle` (what `schedulePipeline` and `scheduler.add` return) and the helpers the CLI
 * shares with it: pausing and resuming a stored schedule, and its next fire times.
 */
import type { Backend, RunRecord } from './backend.js'
import { requireBackendFeature } from './backend-features.js'
import { OrchestrationError } from './errors.js'
import { newRunId } from './internal/run-ids.js'
import { dataInterval, fireTime, ticksOf } from './internal/schedule-ticks.js'
import type { ScheduleEventListener } from './schedule-events.js'
import {
  type ResolvedSchedule,
  resolveScheduleOptions,
  type ScheduleOptions,
} from './schedule-options.js'
import type { ScheduleRecord } from './schedule-store.js'
import type { ScheduleEntry, Scheduler } from './scheduler.js'

/** A running schedule. */
export interface ScheduleHandle {
  readonly id: string
  readonly pipelineId: string
  readonly schedule: ResolvedSchedule
  /** Settles once the schedule is stored and armed; rejects when the store refused it. */
  readonly ready: Promise<void>
  /** Stops firing it in this process (the stored schedule stays, for other processes). */
  stop(): Promise<void>
  /** Pauses it in the store: no process fires it; ticks until `resume()` are skipped. */
  pause(): Promise<ScheduleRecord>
  /** Resumes it from now: ticks that came due while it was paused do not run. */
  resume(): Promise<ScheduleRecord>
  /** The next `n` fire times (tick + jitter) after `after` (default: now). */
  nextRuns(n?: number, after?: Date): Date[]
  /**
   * Runs the pipeline now, outside the tick sequence (trigger 'schedule', this schedule's id and
   * params, the data interval that ended at the latest tick); resolves once the run is stored.
   * Overlap and `maxActiveRuns` checks do not apply.
   */
  triggerNow(): Promise<RunRecord>
  /** The stored state. */
  state(): Promise<ScheduleRecord | undefined>
  /** Subscribes to this schedule's events; returns the unsubscribe function. */
  on(listener: ScheduleEventListener): () => void
}

/** The handle of `entry` in `scheduler` (see `Scheduler.add`). */
export function createScheduleHandle(scheduler: Scheduler, entry: ScheduleEntry): ScheduleHandle {
  const s = entry.schedule
  const registered = async (): Promise<void> => {
    for (;;) {
      if (entry.known !== undefined) return
      if (entry.registered === undefined) throw entry.failure ?? notStored(s.id)
      await entry.registered
    }
  }
  const setPaused = async (paused: boolean) => {
    await registered()
    const record = await setSchedulePaused(scheduler.store, s.id, paused, scheduler.clock.now())
    entry.known = record
    scheduler.wake(entry, record.nextDueAt)
    return record
  }
  return {
    id: s.id,
    pipelineId: s.pipelineId,
    schedule: s,
    get ready() {
      return registered()
    },
    stop: () => scheduler.remove(entry),
    pause: () => setPaused(true),
    resume: () => setPaused(false),
    nextRuns(n = 5, after) {
      const from = after?.getTime() ?? scheduler.clock.now()
      return nextFireTimes(s, n, from, entry.known?.lastTick ?? Number.NEGATIVE_INFINITY)
    },
    async triggerNow() {
      await registered()
      const now = scheduler.clock.now()
      const [tick] = ticksOf(s).latest(Number.NEGATIVE_INFINITY, now, 1).ticks
      const interval = tick === undefined ? { start: now, end: now } : dataInterval(s, tick)
      const start = new Date(interval.start).toISOString()
      const { created, done } = entry.launch({
        runId: newRunId(now),
        scheduleId: s.id,
        params: s.params,
        logicalDate: start,
        dataIntervalStart: start,
        dataIntervalEnd: new Date(interval.end).toISOString(),
      })
      done.catch(() => {})
      const run = await created
      scheduler.track(done.catch(() => undefined))
      return run
    },
    state: () => scheduler.store.getSchedule(s.id),
    on(listener) {
      entry.listeners.add(listener)
      return () => entry.listeners.delete(listener)
    },
  }
}

/**
 * Pauses or resumes the stored schedule `id` (a compare-and-set, retried on a lost race).
 * Pausing stops every process from firing it; resuming restarts it from `now`: ticks that came
 * due while it was paused are not run (its waiting ticks are kept).
 *
 * @throws OrchestrationError `DF_NOT_FOUND` when no such schedule is stored,
 *   `DF_BACKEND_UNSUPPORTED` without a `ScheduleStore`.
 */
export async function setSchedulePaused(
  backend: Backend,
  id: string,
  paused: boolean,
  now: number = Date.now(),
): Promise<ScheduleRecord> {
  const store = requireBackendFeature(backend, 'ScheduleStore', paused ? 'pausing' : 'resuming')
  for (;;) {
    const current = await store.getSchedule(id)
    if (current === undefined) throw notStored(id)
    if (current.paused === paused) return current
    const result = await store.updateSchedule({
      id,
      expectedVersion: current.version,
      paused,
      ...(paused
        ? { nextDueAt: null }
        : { lastTick: Math.max(current.lastTick, now), nextDueAt: now }),
      updatedAt: now,
    })
    if (result.ok) return result.value
    if (result.reason === 'not-found') throw notStored(id)
  }
}

/**
 * The next `n` fire times of a stored schedule (from its `spec`), after `now` and its last
 * handled tick; `[]` when it has ended. Paused schedules still list theirs.
 */
export function nextScheduleRuns(record: ScheduleRecord, n: number, now: number): Date[] {
  const s = resolveScheduleOptions(record.pipelineId, {
    ...(record.spec as ScheduleOptions),
    id: record.id,
  })
  return nextFireTimes(s, n, now, record.lastTick)
}

/** Fire times after `after` of the ticks after `lastTick` (those before it are handled). */
function nextFireTimes(s: ResolvedSchedule, n: number, after: number, lastTick: number): Date[] {
  const src = ticksOf(s)
  const out: Date[] = []
  let t = src.next(Math.max(after - s.jitterMs, lastTick))
  while (t !== undefined && out.length < n) {
    const at = fireTime(s, t)
    if (at > after) out.push(new Date(at))
    t = src.next(t)
  }
  return out
}

function notStored(id: string): OrchestrationError {
  return new OrchestrationError(
    'DF_NOT_FOUND',
    `[@df/orchestration] No schedule '${id}' is stored in this backend.`,
  )
}
