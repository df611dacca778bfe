/**
 * Overlap policies with a run longer than the interval (every 10 min, runs of 25 min), and
 * `maxActiveRuns` counted in the backend across schedulers (two "processes" sharing a store),
 * with a manual clock.
 */
import { describe, expect, it } from 'vitest'
import {
  createManualClock,
  createMemoryBackend,
  type OverlapPolicy,
  type ScheduleEvent,
} from '../src/index.js'
import { iso, manualScheduler, recordingPipeline, scheduledRuns } from './schedule-helpers.js'

const T0 = Date.parse('2026-03-02T00:00:00Z')
const MIN = 60_000
const at = (hhmm: string) => Date.parse(`2026-03-02T${hhmm}:00Z`)

async function overlap(policy: OverlapPolicy, until: string) {
  const clock = createManualClock(T0)
  const backend = createMemoryBackend()
  const { pipeline, seen } = recordingPipeline('long', clock, backend, { durationMs: 25 * MIN })
  const { scheduler, events } = manualScheduler(backend, clock)
  await scheduler.add(pipeline, { every: '10m', overlap: policy }).ready
  await clock.advance(at(until) - T0)
  await scheduler.stop()
  return { seen, events, runs: await scheduledRuns(backend, 'long') }
}

const ticksOf = (events: ScheduleEvent[], type: string) =>
  events.flatMap((e) => (e.type === type && 'tick' in e ? [iso(e.tick)] : []))

describe('overlap with a run longer than the interval', () => {
  it("'skip' (the default) skips ticks while the previous run is active", async () => {
    const { seen, events } = await overlap('skip', '01:00')
    expect(seen.map((s) => [s.dataIntervalEnd, iso(s.at)])).toEqual([
      [iso(at('00:10')), iso(at('00:10'))],
      [iso(at('00:40')), iso(at('00:40'))],
    ])
    expect(ticksOf(events, 'skipped')).toEqual(
      ['00:20', '00:30', '00:50', '01:00'].map((t) => iso(at(t))),
    )
  })

  it("'queue' runs every tick, one after another, in tick order", async () => {
    const { seen, events, runs } = await overlap('queue', '01:30')
    expect(seen.map((s) => s.dataIntervalEnd)).toEqual(
      ['00:10', '00:20', '00:30', '00:40'].map((t) => iso(at(t))),
    )
    for (let i = 1; i < seen.length; i++) {
      const previousEnd = (seen[i - 1]?.at ?? 0) + 25 * MIN
      const start = seen[i]?.at ?? 0
      expect(start).toBeGreaterThanOrEqual(previousEnd)
      // Started within the 1 s re-check of the previous run's end.
      expect(start - previousEnd).toBeLessThanOrEqual(1_000)
    }
    expect(ticksOf(events, 'skipped')).toEqual([])
    expect(ticksOf(events, 'queued')).toEqual(
      ['00:20', '00:30', '00:40', '00:50', '01:00', '01:10', '01:20', '01:30'].map((t) =>
        iso(at(t)),
      ),
    )
    expect(runs.filter((r) => r.status === 'RUNNING')).toHaveLength(1)
  })

  it("'allow' starts every tick on time, runs overlapping", async () => {
    const { seen } = await overlap('allow', '01:00')
    expect(seen.map((s) => [s.dataIntervalEnd, s.at])).toEqual(
      ['00:10', '00:20', '00:30', '00:40', '00:50', '01:00'].map((t) => [iso(at(t)), at(t)]),
    )
  })
})

describe('maxActiveRuns across processes', () => {
  it('two schedulers with their own engines never run more than maxActiveRuns of a pipeline', async () => {
    const clock = createManualClock(T0)
    const backend = createMemoryBackend()
    // Two "processes": each its own Pipeline instance (engine, slots) and scheduler.
    const one = recordingPipeline('shared', clock, backend, {
      durationMs: 15 * MIN,
      maxActiveRuns: 1,
    })
    const two = recordingPipeline('shared', clock, backend, {
      durationMs: 15 * MIN,
      maxActiveRuns: 1,
    })
    const a = manualScheduler(backend, clock, 'process-1')
    const b = manualScheduler(backend, clock, 'process-2')
    await a.scheduler.add(one.pipeline, { id: 'a', every: '10m', overlap: 'allow' }).ready
    await b.scheduler.add(two.pipeline, { id: 'b', every: '10m', overlap: 'allow', jitter: '1m' })
      .ready
    await clock.advance(at('01:00') - T0)
    await Promise.all([a.scheduler.stop(), b.scheduler.stop()])
    const starts = [...one.seen, ...two.seen].map((s) => s.at).sort((x, y) => x - y)
    expect(starts.length).toBeGreaterThanOrEqual(3)
    for (let i = 1; i < starts.length; i++) {
      expect((starts[i] as number) - (starts[i - 1] as number)).toBeGreaterThanOrEqual(15 * MIN)
    }
    const queued = [...a.events, ...b.events].filter(
      (e) => e.type === 'queued' && e.reason === 'max-active-runs',
    )
    expect(queued.length).toBeGreaterThan(0)
    // No run was made past the cap: none was QUEUED in an engine waiting for a local slot.
    const runs = await scheduledRuns(backend, 'shared')
    expect(runs.length).toBe(starts.length + runs.filter((r) => r.status === 'QUEUED').length)
    expect(runs.filter((r) => r.status === 'QUEUED')).toEqual([])
  })
})
