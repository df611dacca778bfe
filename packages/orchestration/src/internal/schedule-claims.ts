/**
 * One round of a scheduler: claim the due schedules it holds (100 per claim), run a pass for
 * each claimed one (schedule-pass.ts) and work out when each is next due here. A schedule the
 * store did not hand out is held by another scheduler or not due yet: this process estimates
 * its next fire time from the ticks and looks again then (or at the next poll).
 */
import type { ScheduleRecord } from '../schedule-store.js'
import type { ScheduleEntry, Scheduler } from '../scheduler.js'
import { runPass } from './schedule-pass.js'
import { fireTime, ticksOf } from './schedule-ticks.js'

const BATCH = 100

/** What a round needs from its scheduler. */
export interface ClaimHost {
  readonly scheduler: Scheduler
  entry(id: string): ScheduleEntry | undefined
}

/** Claims `ids` (due at `now`, as far as this process knows) and fires what it got. */
export async function claimAndFire(
  host: ClaimHost,
  ids: readonly string[],
  now: number,
): Promise<void> {
  const sc = host.scheduler
  for (let i = 0; i < ids.length; i += BATCH) {
    const batch = ids.slice(i, i + BATCH)
    let claimed: ScheduleRecord[]
    try {
      claimed = await sc.store.claimSchedules({
        owner: sc.owner,
        now,
        leaseExpiresAt: now + sc.leaseMs,
        ids: batch,
        limit: batch.length,
      })
    } catch (error) {
      sc.emit({ type: 'error', at: sc.clock.now(), error })
      for (const id of batch) estimateDue(host.entry(id), now + sc.pollMs)
      continue
    }
    const got = new Set(claimed.map((r) => r.id))
    for (const id of batch) if (!got.has(id)) estimateDue(host.entry(id), now)
    await Promise.all(claimed.map((record) => fire(host, record)))
  }
}

async function fire(host: ClaimHost, record: ScheduleRecord): Promise<void> {
  const sc = host.scheduler
  const entry = host.entry(record.id)
  if (entry === undefined || entry.stopped) {
    // Removed meanwhile: hand the claim back untouched.
    await sc.store
      .updateSchedule({
        id: record.id,
        expectedVersion: record.version,
        owner: null,
        updatedAt: sc.clock.now(),
      })
      .catch(() => undefined)
    return
  }
  const s = entry.schedule
  try {
    const after = await runPass(
      {
        store: sc.store,
        now: () => sc.clock.now(),
        emit: (e) => sc.emit(e),
        track: (done) => sc.track(done, s.pipelineId),
      },
      entry,
      record,
    )
    if (after === undefined) {
      estimateDue(entry, sc.clock.now())
      return
    }
    entry.known = after
    entry.due = after.nextDueAt
    if (after.pending.length > 0) {
      // Waiting ticks: re-check soon (or when a run of the pipeline ends, see Scheduler.track),
      // and never later than the next tick.
      const next = ticksOf(s).next(after.lastTick)
      const retry = sc.clock.now() + sc.pendingRetryMs
      entry.due = next === undefined ? retry : Math.min(fireTime(s, next), retry)
    }
  } catch (error) {
    sc.emit({
      type: 'error',
      scheduleId: s.id,
      pipelineId: s.pipelineId,
      at: sc.clock.now(),
      error,
    })
    estimateDue(entry, sc.clock.now() + sc.pendingRetryMs)
  }
}

/** When the schedule is next due as far as this process can tell (another one holds it). */
export function estimateDue(entry: ScheduleEntry | undefined, after: number): void {
  if (entry === undefined) return
  const s = entry.schedule
  const src = ticksOf(s)
  let t = src.next(after - s.jitterMs)
  while (t !== undefined && fireTime(s, t) <= after) t = src.next(t)
  entry.due = t === undefined ? undefined : fireTime(s, t)
}
