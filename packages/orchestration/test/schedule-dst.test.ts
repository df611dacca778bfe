/**
 * Cron in a timezone across DST changes, on the real scheduler with a manual clock (no real
 * waiting): Europe/Paris on 2026-03-29 (02:00 → 03:00) and 2026-10-25 (03:00 → 02:00), and
 * America/New_York on 2026-03-08 and 2026-11-01. A daily time that does not exist runs at the
 * first valid time after the gap; one that occurs twice runs once; an hourly schedule runs every
 * real hour (skipping the missing one, running both repeated ones). Each run's data interval is
 * the real time since the previous tick (23 or 25 hours on a DST day).
 */
import { describe, expect, it } from 'vitest'
import { createManualClock, createMemoryBackend } from '../src/index.js'
import { iso, manualScheduler, recordingPipeline, scheduledRuns } from './schedule-helpers.js'

async function fire(
  cron: string,
  timezone: string,
  from: string,
  to: string,
): Promise<Array<[start: string | undefined, end: string | undefined]>> {
  const clock = createManualClock(Date.parse(from))
  const backend = createMemoryBackend()
  const { pipeline } = recordingPipeline('dst', clock, backend)
  const { scheduler } = manualScheduler(backend, clock)
  const handle = scheduler.add(pipeline, { cron, timezone })
  await handle.ready
  await clock.advance(Date.parse(to) - Date.parse(from))
  await scheduler.stop()
  const runs = await scheduledRuns(backend, 'dst')
  for (const r of runs) {
    expect(r.trigger).toBe('schedule')
    expect(r.scheduleId).toBe('dst')
    expect(r.logicalDate).toBe(r.dataIntervalStart)
    expect(r.status).toBe('SUCCESS')
  }
  return runs.map((r) => [r.dataIntervalStart, r.dataIntervalEnd])
}

describe('cron across DST changes (manual clock)', () => {
  it('Europe/Paris spring forward: 02:00 daily runs at 03:00 CEST on 2026-03-29', async () => {
    expect(
      await fire('0 2 * * *', 'Europe/Paris', '2026-03-27T12:00:00Z', '2026-03-31T12:00:00Z'),
    ).toEqual([
      ['2026-03-27T01:00:00.000Z', '2026-03-28T01:00:00.000Z'],
      ['2026-03-28T01:00:00.000Z', '2026-03-29T01:00:00.000Z'],
      // 23 hours: the day lost an hour.
      ['2026-03-29T01:00:00.000Z', '2026-03-30T00:00:00.000Z'],
      ['2026-03-30T00:00:00.000Z', '2026-03-31T00:00:00.000Z'],
    ])
  })

  it('Europe/Paris fall back: 02:00 daily runs once on 2026-10-25 (the first 02:00)', async () => {
    expect(
      await fire('0 2 * * *', 'Europe/Paris', '2026-10-23T12:00:00Z', '2026-10-27T12:00:00Z'),
    ).toEqual([
      ['2026-10-23T00:00:00.000Z', '2026-10-24T00:00:00.000Z'],
      ['2026-10-24T00:00:00.000Z', '2026-10-25T00:00:00.000Z'],
      // 25 hours: the day gained an hour.
      ['2026-10-25T00:00:00.000Z', '2026-10-26T01:00:00.000Z'],
      ['2026-10-26T01:00:00.000Z', '2026-10-27T01:00:00.000Z'],
    ])
  })

  it('Europe/Paris hourly at :30 skips the missing 02:30 and runs both 02:30s in the fall', async () => {
    const spring = await fire(
      '30 * * * *',
      'Europe/Paris',
      '2026-03-29T00:00:00Z',
      '2026-03-29T03:00:00Z',
    )
    expect(spring.map(([, end]) => end)).toEqual([
      '2026-03-29T00:30:00.000Z', // 01:30 CET
      '2026-03-29T01:30:00.000Z', // 03:30 CEST (no 02:30 that day)
      '2026-03-29T02:30:00.000Z',
    ])
    const fall = await fire(
      '30 * * * *',
      'Europe/Paris',
      '2026-10-25T00:00:00Z',
      '2026-10-25T03:00:00Z',
    )
    expect(fall.map(([, end]) => end)).toEqual([
      '2026-10-25T00:30:00.000Z', // 02:30 CEST
      '2026-10-25T01:30:00.000Z', // 02:30 CET
      '2026-10-25T02:30:00.000Z',
    ])
    // Every interval is one real hour.
    for (const [start, end] of [...spring, ...fall].slice(1)) {
      expect(Date.parse(end as string) - Date.parse(start as string)).toBe(3_600_000)
    }
  })

  it('America/New_York: 02:30 on 2026-03-08 runs at 03:00 EDT; 01:30 on 2026-11-01 runs once', async () => {
    const spring = await fire(
      '30 2 * * *',
      'America/New_York',
      '2026-03-06T12:00:00Z',
      '2026-03-09T12:00:00Z',
    )
    expect(spring.map(([, end]) => end)).toEqual([
      '2026-03-07T07:30:00.000Z', // 02:30 EST
      '2026-03-08T07:00:00.000Z', // 03:00 EDT: 02:30 did not exist
      '2026-03-09T06:30:00.000Z', // 02:30 EDT
    ])
    const fall = await fire(
      '30 1 * * *',
      'America/New_York',
      '2026-10-31T00:00:00Z',
      '2026-11-02T12:00:00Z',
    )
    expect(fall.map(([, end]) => end)).toEqual([
      '2026-10-31T05:30:00.000Z', // 01:30 EDT
      '2026-11-01T05:30:00.000Z', // the first 01:30 (EDT); not again at 06:30Z (EST)
      '2026-11-02T06:30:00.000Z', // 01:30 EST
    ])
  })

  it('the same expression in UTC ignores DST', async () => {
    const runs = await fire('0 2 * * *', 'UTC', '2026-03-28T12:00:00Z', '2026-03-30T12:00:00Z')
    expect(runs).toEqual([
      ['2026-03-28T02:00:00.000Z', '2026-03-29T02:00:00.000Z'],
      ['2026-03-29T02:00:00.000Z', '2026-03-30T02:00:00.000Z'],
    ])
    expect(iso(Date.UTC(2026, 2, 29, 2))).toBe('2026-03-29T02:00:00.000Z')
  })
})
