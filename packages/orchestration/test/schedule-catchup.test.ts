/**
 * Catch-up after downtime and restarts, with a manual clock: an hourly schedule runs, its
 * scheduler stops (the process died), three days pass, a new scheduler starts on the same store.
 * `latest` runs only the newest missed tick, `none` none, `all` the newest `maxCatchupRuns`, one
 * after another. A restart never fires a tick twice, and a crash between creating a tick's run
 * and advancing the schedule neither re-fires nor skips it.
 */
import { describe, expect, it } from 'vitest'
import {
  type Backend,
  type CatchupPolicy,
  createManualClock,
  createMemoryBackend,
  OrchestrationError,
  type OverlapPolicy,
} from '../src/index.js'
import { firedTicks, iso, manualScheduler, recordingPipeline } from './schedule-helpers.js'

const T0 = Date.parse('2026-03-01T00:30:00Z')
const HOUR = 3_600_000
const DAY = 24 * HOUR

/** Runs an hourly schedule for 2 h, stops it, waits `downtime`, restarts it for `after`. */
async function downtime(
  catchup: CatchupPolicy,
  downtimeMs: number,
  o: { overlap?: OverlapPolicy; maxCatchupRuns?: number; after?: number } = {},
) {
  const clock = createManualClock(T0)
  const backend = createMemoryBackend()
  const schedule = {
    every: '1h',
    catchup,
    ...(o.overlap ? { overlap: o.overlap } : {}),
    ...(o.maxCatchupRuns ? { maxCatchupRuns: o.maxCatchupRuns } : {}),
  }
  const first = manualScheduler(backend, clock, 'process-1')
  await first.scheduler.add(recordingPipeline('hourly', clock, backend).pipeline, schedule).ready
  await clock.advance(2 * HOUR) // ticks 01:00 and 02:00
  await first.scheduler.stop()
  await clock.advance(downtimeMs)
  const restartedAt = clock.now()
  const second = manualScheduler(backend, clock, 'process-2')
  const { pipeline, seen } = recordingPipeline('hourly', clock, backend)
  await second.scheduler.add(pipeline, schedule).ready
  await clock.advance(o.after ?? 60_000)
  await second.scheduler.stop()
  return {
    backend,
    restartedAt,
    events: second.events,
    seen,
    ticks: await firedTicks(backend, 'hourly'),
  }
}

const BEFORE = ['2026-03-01T01:00:00.000Z', '2026-03-01T02:00:00.000Z']

describe('catch-up after a 3-day downtime', () => {
  it("'latest' (the default) runs only the newest missed tick", async () => {
    const r = await downtime('latest', 3 * DAY)
    expect(r.ticks).toEqual([...BEFORE, '2026-03-04T02:00:00.000Z'])
    const dropped = r.events.filter((e) => e.type === 'dropped')
    expect(dropped).toMatchObject([{ count: 71, before: Date.parse('2026-03-04T02:00:00Z') }])
    // The run covers the hour before its tick; {{ ds }} is that hour's day.
    expect(r.seen).toMatchObject([
      {
        logicalDate: '2026-03-04T01:00:00.000Z',
        dataIntervalStart: '2026-03-04T01:00:00.000Z',
        dataIntervalEnd: '2026-03-04T02:00:00.000Z',
      },
    ])
  })

  it("'latest' with cron counts the missed ticks it did not run", async () => {
    const clock = createManualClock(T0)
    const backend = createMemoryBackend()
    const first = manualScheduler(backend, clock, 'process-1')
    const cron = { cron: '0 * * * *' }
    await first.scheduler.add(recordingPipeline('hourly', clock, backend).pipeline, cron).ready
    await clock.advance(2 * HOUR)
    await first.scheduler.stop()
    await clock.advance(3 * DAY)
    const second = manualScheduler(backend, clock, 'process-2')
    await second.scheduler.add(recordingPipeline('hourly', clock, backend).pipeline, cron).ready
    await clock.advance(60_000)
    await second.scheduler.stop()
    expect(await firedTicks(backend, 'hourly')).toEqual([...BEFORE, '2026-03-04T02:00:00.000Z'])
    expect(second.events.filter((e) => e.type === 'dropped')).toMatchObject([{ count: 71 }])
  })

  it("'none' runs no missed tick; the next one fires on time", async () => {
    const r = await downtime('none', 3 * DAY, { after: HOUR })
    expect(r.ticks).toEqual([...BEFORE, '2026-03-04T03:00:00.000Z'])
    expect(r.events.find((e) => e.type === 'dropped')).toMatchObject({ count: 72 })
  })

  it("'none' still runs a tick seen within misfireGrace of its time", async () => {
    // Down from 02:30 to 03:00:30: the 03:00 tick is 30 s late, within the 60 s grace.
    const r = await downtime('none', 30 * 60_000 + 30_000)
    expect(r.ticks).toEqual([...BEFORE, '2026-03-01T03:00:00.000Z'])
  })

  it("'all' runs the newest maxCatchupRuns missed ticks, oldest first, one after another", async () => {
    const r = await downtime('all', 3 * DAY, { maxCatchupRuns: 10 })
    const missed = Array.from({ length: 10 }, (_, i) =>
      iso(Date.parse('2026-03-03T17:00:00Z') + i * HOUR),
    )
    expect(r.ticks).toEqual([...BEFORE, ...missed])
    expect(r.events.find((e) => e.type === 'dropped')).toMatchObject({ count: 62 })
    // overlap defaults to 'queue' with catchup 'all': each started after the previous ended.
    expect(r.seen.map((s) => s.dataIntervalEnd)).toEqual(missed)
    expect(r.events.filter((e) => e.type === 'queued')).toHaveLength(9)
  })

  it("'all' with overlap 'allow' starts them at once", async () => {
    const r = await downtime('all', 3 * DAY, { maxCatchupRuns: 5, overlap: 'allow', after: 1 })
    expect(r.ticks).toHaveLength(2 + 5)
    expect(new Set(r.seen.map((s) => s.at))).toEqual(new Set([r.restartedAt]))
  })
})

describe('restarts', () => {
  it('a restart between ticks neither re-fires nor drops a tick, whatever the policy', async () => {
    for (const catchup of ['latest', 'none', 'all'] as const) {
      const r = await downtime(catchup, 10 * 60_000, { after: 2 * HOUR })
      expect(r.ticks, catchup).toEqual([
        ...BEFORE,
        '2026-03-01T03:00:00.000Z',
        '2026-03-01T04:00:00.000Z',
      ])
    }
  })

  it('two schedulers on one store (a rolling restart) fire each tick once', async () => {
    const clock = createManualClock(T0)
    const backend = createMemoryBackend()
    const a = manualScheduler(backend, clock, 'process-1')
    const b = manualScheduler(backend, clock, 'process-2')
    await a.scheduler.add(recordingPipeline('hourly', clock, backend).pipeline, { every: '1h' })
      .ready
    await b.scheduler.add(recordingPipeline('hourly', clock, backend).pipeline, { every: '1h' })
      .ready
    await clock.advance(5 * HOUR)
    await Promise.all([a.scheduler.stop(), b.scheduler.stop()])
    const ticks = await firedTicks(backend, 'hourly')
    expect(ticks).toEqual(
      Array.from({ length: 5 }, (_, i) => iso(Date.parse('2026-03-01T01:00:00Z') + i * HOUR)),
    )
    const fired = [...a.events, ...b.events].filter((e) => e.type === 'fired' && !e.existing)
    expect(fired).toHaveLength(5)
  })

  it('a crash between creating the run and advancing the schedule: the tick is neither re-fired nor skipped', async () => {
    const clock = createManualClock(T0)
    const memory = createMemoryBackend()
    let crash = false
    // The process "dies" at the second write of the 02:00 pass: the run exists, the state is old.
    const backend = new Proxy(memory, {
      get(target, key, receiver) {
        if (key === 'updateSchedule' && crash) {
          return async () => {
            crash = false
            throw new OrchestrationError('DF_BACKEND_UNAVAILABLE', 'process died')
          }
        }
        return Reflect.get(target, key, receiver)
      },
    }) as Backend
    const a = manualScheduler(backend, clock, 'process-1')
    await a.scheduler.add(recordingPipeline('hourly', clock, backend).pipeline, { every: '1h' })
      .ready
    await clock.advance(HOUR) // 01:00 fires normally
    crash = true
    await clock.advance(HOUR) // 02:00: run created, state update fails
    await a.scheduler.stop()
    const stuck = await memory.getSchedule('hourly')
    expect(stuck).toMatchObject({
      lastTick: Date.parse('2026-03-01T01:00:00Z'),
      owner: 'process-1',
    })
    expect(await firedTicks(memory, 'hourly')).toEqual(BEFORE)

    await clock.advance(20_000) // the dead process's 10 s schedule lease has expired
    const b = manualScheduler(backend, clock, 'process-2')
    await b.scheduler.add(recordingPipeline('hourly', clock, backend).pipeline, { every: '1h' })
      .ready
    await clock.advance(2 * HOUR)
    await b.scheduler.stop()
    expect(await firedTicks(memory, 'hourly')).toEqual([
      ...BEFORE,
      '2026-03-01T03:00:00.000Z',
      '2026-03-01T04:00:00.000Z',
    ])
    expect(b.events.find((e) => e.type === 'fired')).toMatchObject({
      tick: Date.parse('2026-03-01T02:00:00Z'),
      existing: true,
    })
    expect(await memory.getSchedule('hourly')).toMatchObject({
      lastTick: Date.parse('2026-03-01T04:00:00Z'),
      nextDueAt: Date.parse('2026-03-01T05:00:00Z'),
      pending: [],
    })
    expect((await memory.getSchedule('hourly'))?.owner).toBeUndefined()
  })
})
