/**
 * One scheduler pass over one claimed schedule: which ticks are due, the catch-up policy, the
 * overlap policy and `maxActiveRuns` (counted in the backend, so across processes), creating
 * each tick's run (id derived from the schedule and the tick) and then advancing the stored
 * state with one compare-and-set. The run is created first: a crash between the two writes
 * leaves the state as it was, and the next pass finds the run (`DF_CONFLICT`) instead of making
 * a second one.
 */
import type { Backend, RunRecord } from '../backend.js'
import { OrchestrationError } from '../errors.js'
import type { Pipeline } from '../pipeline.js'
import type { ScheduleEvent } from '../schedule-events.js'
import type { ResolvedSchedule } from '../schedule-options.js'
import type { ActiveRunCount, ScheduleRecord, ScheduleStore } from '../schedule-store.js'
import { scheduledRunId } from './run-ids.js'
import { dataInterval, fireTime, type TickSource, ticksOf } from './schedule-ticks.js'
import type { ScheduledLaunch } from './scheduled-launch.js'

/** What a pass needs from its scheduler. */
export interface PassContext {
  readonly store: Backend & ScheduleStore
  readonly now: () => number
  readonly emit: (event: ScheduleEvent) => void
  /** Keeps track of a run the pass started (its end), for draining. */
  readonly track: (done: Promise<unknown>) => void
}

/** The schedule a pass fires. */
export interface PassTarget {
  readonly schedule: ResolvedSchedule
  readonly pipeline: Pipeline
  readonly launch: ScheduledLaunch
}

/** The due ticks after `lastTick` at `now`, after the catch-up policy. */
export function dueTicks(
  s: ResolvedSchedule,
  src: TickSource,
  lastTick: number,
  now: number,
): { run: number[]; newest?: number; dropped?: { before: number; count?: number } } {
  const want = s.catchup === 'all' ? s.maxCatchupRuns : 1
  // One more than wanted: with jitter the newest tick may not be due yet.
  const found = src.latest(lastTick, now, want + 1)
  const due = found.ticks.filter((t) => fireTime(s, t) <= now)
  const newest = due[due.length - 1]
  if (newest === undefined) return { run: [] }
  let run: number[]
  if (s.catchup === 'all') run = due.slice(-want)
  else if (s.catchup === 'latest' || now - fireTime(s, newest) <= s.misfireGraceMs) run = [newest]
  else run = []
  const left = due.length - run.length
  if (left === 0 && !found.more) return { run, newest }
  const count =
    found.total === undefined
      ? undefined
      : found.total - (found.ticks.length - due.length) - run.length
  return {
    run,
    newest,
    dropped: { before: run[0] ?? newest + 1, ...(count !== undefined ? { count } : {}) },
  }
}

/**
 * Runs one pass for `record` (claimed by this scheduler) and returns the stored state after it,
 * or undefined when the compare-and-set lost (another scheduler, or a pause, came between).
 */
export async function runPass(
  ctx: PassContext,
  target: PassTarget,
  record: ScheduleRecord,
): Promise<ScheduleRecord | undefined> {
  const s = target.schedule
  const src = ticksOf(s)
  const now = ctx.now()
  const base = { scheduleId: s.id, pipelineId: s.pipelineId }
  const due = dueTicks(s, src, record.lastTick, now)
  if (due.dropped) {
    ctx.emit({ type: 'dropped', ...base, at: now, after: record.lastTick, ...due.dropped })
  }
  const lastTick = due.newest ?? record.lastTick
  let pending = [...record.pending]
  let lastRunId = record.lastRunId
  if (record.paused) {
    for (const tick of due.run)
      ctx.emit({ type: 'skipped', ...base, at: now, tick, reason: 'paused' })
  } else {
    const queue = [...pending, ...due.run]
    const wasPending = new Set(pending)
    pending = []
    let counts: { pipeline: number; schedule: number } | undefined
    for (let i = 0; i < queue.length; i++) {
      const tick = queue[i] as number
      const runId = scheduledRunId(s.id, tick)
      counts ??= { ...(await countActive(ctx.store, s)) }
      const bySchedule = s.overlap !== 'allow' && counts.schedule > 0
      const byPipeline = counts.pipeline >= target.pipeline.settings.maxActiveRuns
      if (bySchedule || byPipeline) {
        // The active run may be this very tick's (made by a pass that died before its update).
        if (await ctx.store.getRun(runId)) {
          ctx.emit({ type: 'fired', ...base, at: now, tick, runId, lateMs: 0, existing: true })
          lastRunId = runId
          continue
        }
        if (s.overlap === 'skip' && bySchedule) {
          ctx.emit({ type: 'skipped', ...base, at: now, tick, reason: 'overlap' })
          continue
        }
        pending = queue.slice(i)
        for (const t of pending) {
          if (wasPending.has(t)) continue
          const reason = bySchedule ? 'overlap' : 'max-active-runs'
          ctx.emit({ type: 'queued', ...base, at: now, tick: t, reason })
        }
        break
      }
      const fired = await fire(ctx, target, tick, runId)
      if (fired === 'failed') {
        pending = queue.slice(i)
        break
      }
      lastRunId = runId
      counts.pipeline++
      counts.schedule++
    }
    if (pending.length > s.maxCatchupRuns) {
      for (const tick of pending.slice(s.maxCatchupRuns)) {
        ctx.emit({ type: 'skipped', ...base, at: now, tick, reason: 'queue-full' })
      }
      pending = pending.slice(0, s.maxCatchupRuns)
    }
  }
  const nextTick = src.next(lastTick)
  let nextDueAt: number | null =
    record.paused || nextTick === undefined ? null : fireTime(s, nextTick)
  // Waiting ticks make the schedule due now in the store, so any scheduler may retry them; the
  // one here re-checks after pendingRetryMs, or at once when one of the pipeline's runs ends.
  if (pending.length > 0 && !record.paused) nextDueAt = Math.min(nextDueAt ?? now, now)
  const result = await ctx.store.updateSchedule({
    id: s.id,
    expectedVersion: record.version,
    lastTick,
    pending,
    nextDueAt,
    ...(lastRunId !== undefined ? { lastRunId } : {}),
    owner: null,
    updatedAt: ctx.now(),
  })
  return result.ok ? result.value : undefined
}

function countActive(store: ScheduleStore, s: ResolvedSchedule): Promise<ActiveRunCount> {
  return store.countActiveRuns({ pipelineId: s.pipelineId, scheduleId: s.id })
}

/** Creates and starts the run of `tick`; 'failed' leaves the tick (and later ones) waiting. */
async function fire(
  ctx: PassContext,
  target: PassTarget,
  tick: number,
  runId: string,
): Promise<'created' | 'existing' | 'failed'> {
  const s = target.schedule
  const interval = dataInterval(s, tick)
  const start = new Date(interval.start).toISOString()
  const { created, done } = target.launch({
    runId,
    scheduleId: s.id,
    params: s.params,
    logicalDate: start,
    dataIntervalStart: start,
    dataIntervalEnd: new Date(interval.end).toISOString(),
  })
  done.catch(() => {}) // observed below, once we know whether the run was created
  const base = { scheduleId: s.id, pipelineId: s.pipelineId, tick, runId }
  let run: RunRecord
  try {
    run = await created
  } catch (error) {
    const at = ctx.now()
    if (OrchestrationError.is(error) && error.code === 'DF_CONFLICT') {
      ctx.emit({ type: 'fired', ...base, at, lateMs: at - fireTime(s, tick), existing: true })
      return 'existing'
    }
    ctx.emit({ type: 'error', scheduleId: s.id, pipelineId: s.pipelineId, at, error })
    return 'failed'
  }
  const at = ctx.now()
  ctx.emit({ type: 'fired', ...base, runId: run.id, at, lateMs: at - fireTime(s, tick) })
  ctx.track(
    done.catch((error: unknown) => {
      ctx.emit({ type: 'error', scheduleId: s.id, pipelineId: s.pipelineId, at: ctx.now(), error })
    }),
  )
  return 'created'
}
