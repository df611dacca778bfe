/**
 * The schedule handle and the per-schedule options, with a manual clock: pause/resume (stored,
 * so every process obeys), nextRuns, triggerNow, deterministic jitter, startAt/endAt, params,
 * the `{{ data_interval_* }}` templates, and `schedulePipeline` for a declared schedule.
 */
import { describe, expect, it } from 'vitest'
import {
  createManualClock,
  createMemoryBackend,
  nextScheduleRuns,
  Pipeline,
  renderTemplate,
  schedulePipeline,
  setSchedulePaused,
  Task,
} from '../src/index.js'
import { firedTicks, iso, manualScheduler, recordingPipeline } from './schedule-helpers.js'

const T0 = Date.parse('2026-03-02T00:00:00Z')
const MIN = 60_000

describe('schedule handle', () => {
  it('pause stops every process from firing; resume restarts from now (paused ticks never run)', async () => {
    const clock = createManualClock(T0)
    const backend = createMemoryBackend()
    const { scheduler, events } = manualScheduler(backend, clock)
    const handle = scheduler.add(recordingPipeline('p', clock, backend).pipeline, { every: '10m' })
    await handle.ready
    await clock.advance(25 * MIN) // 00:10, 00:20
    expect((await handle.pause()).paused).toBe(true)
    // Another process (the CLI) sees it paused in the store.
    expect((await backend.getSchedule('p'))?.paused).toBe(true)
    await clock.advance(60 * MIN) // 00:30 … 01:20 would have fired
    const resumed = await handle.resume()
    expect(resumed).toMatchObject({ paused: false, lastTick: T0 + 85 * MIN })
    await clock.advance(30 * MIN) // 01:30, 01:40, 01:50
    await scheduler.stop()
    expect(await firedTicks(backend, 'p')).toEqual(
      ['00:10', '00:20', '01:30', '01:40', '01:50'].map((t) => `2026-03-02T${t}:00.000Z`),
    )
    expect(events.filter((e) => e.type === 'dropped')).toEqual([])
  })

  it('setSchedulePaused (what the CLI calls) pauses a schedule a running scheduler holds', async () => {
    const clock = createManualClock(T0)
    const backend = createMemoryBackend()
    const { scheduler } = manualScheduler(backend, clock)
    await scheduler.add(recordingPipeline('p', clock, backend).pipeline, { every: '10m' }).ready
    await clock.advance(15 * MIN)
    await setSchedulePaused(backend, 'p', true, clock.now())
    await clock.advance(30 * MIN)
    expect(await firedTicks(backend, 'p')).toEqual(['2026-03-02T00:10:00.000Z'])
    await setSchedulePaused(backend, 'p', false, clock.now())
    await clock.advance(10 * MIN)
    await scheduler.stop()
    expect(await firedTicks(backend, 'p')).toEqual([
      '2026-03-02T00:10:00.000Z',
      '2026-03-02T00:50:00.000Z',
    ])
    await expect(setSchedulePaused(backend, 'nope', true)).rejects.toMatchObject({
      code: 'DF_NOT_FOUND',
    })
  })

  it('nextRuns lists fire times; jitter is deterministic per tick and within [0, jitter)', async () => {
    const clock = createManualClock(T0)
    const backend = createMemoryBackend()
    const { scheduler, events } = manualScheduler(backend, clock)
    const handle = scheduler.add(recordingPipeline('p', clock, backend).pipeline, {
      every: '1h',
      jitter: '10m',
    })
    await handle.ready
    const planned = handle.nextRuns(3)
    expect(planned).toHaveLength(3)
    planned.forEach((d, i) => {
      const offset = d.getTime() - (T0 + (i + 1) * 3_600_000)
      expect(offset).toBeGreaterThanOrEqual(0)
      expect(offset).toBeLessThan(10 * MIN)
    })
    expect(new Set(planned.map((d) => d.getTime() % 3_600_000)).size).toBeGreaterThan(1)
    expect(nextScheduleRuns((await handle.state())!, 3, clock.now())).toEqual(planned)
    await clock.advance(3 * 3_600_000 + 10 * MIN)
    await scheduler.stop()
    const fired = events.flatMap((e) => (e.type === 'fired' ? [e.at] : []))
    expect(fired).toEqual(planned.map((d) => d.getTime()))
    // The run is for the tick, not the jittered fire time.
    expect(await firedTicks(backend, 'p')).toEqual([1, 2, 3].map((h) => iso(T0 + h * 3_600_000)))
  })

  it('startAt and endAt bound the ticks; an ended schedule is never due again', async () => {
    const clock = createManualClock(T0)
    const backend = createMemoryBackend()
    const { scheduler } = manualScheduler(backend, clock)
    const handle = scheduler.add(recordingPipeline('p', clock, backend).pipeline, {
      every: '15m',
      startAt: '2026-03-02T00:07:00Z',
      endAt: '2026-03-02T01:07:00Z',
    })
    await handle.ready
    await clock.advance(3 * 3_600_000)
    await scheduler.stop()
    // Anchored at startAt: 00:07, 00:22, 00:37, 00:52; 01:07 is excluded.
    expect(await firedTicks(backend, 'p')).toEqual(
      ['00:07', '00:22', '00:37', '00:52'].map((t) => `2026-03-02T${t}:00.000Z`),
    )
    expect((await handle.state())?.nextDueAt).toBeUndefined()
    expect(handle.nextRuns(3)).toEqual([])
  })

  it('triggerNow runs outside the tick sequence with the schedule id, params and the last interval', async () => {
    const clock = createManualClock(Date.parse('2026-03-02T14:00:00Z'))
    const backend = createMemoryBackend()
    const { pipeline, seen } = recordingPipeline('p', clock, backend)
    const { scheduler } = manualScheduler(backend, clock)
    const handle = scheduler.add(pipeline, { cron: '0 2 * * *', params: { region: 'eu' } })
    await handle.ready
    const run = await handle.triggerNow()
    expect(run).toMatchObject({
      trigger: 'schedule',
      scheduleId: 'p',
      params: { region: 'eu' },
      logicalDate: '2026-03-01T02:00:00.000Z',
      dataIntervalStart: '2026-03-01T02:00:00.000Z',
      dataIntervalEnd: '2026-03-02T02:00:00.000Z',
    })
    expect(await scheduler.drain(1_000)).toBe(true)
    await scheduler.stop()
    expect(seen).toMatchObject([{ runId: run.id, params: { region: 'eu' } }])
  })

  it('scheduled runs render {{ ds }} and {{ data_interval_* }} from the interval they cover', async () => {
    const clock = createManualClock(Date.parse('2026-03-01T12:00:00Z'))
    const backend = createMemoryBackend()
    const sql: string[] = []
    const pipeline = new Pipeline('daily_sql', {
      backend,
      clock,
      schedule: { cron: '0 2 * * *', params: { table: 'raw.events' } },
    }).addTask(
      new Task({
        name: 'extract',
        run: (ctx) => {
          sql.push(
            renderTemplate(
              "SELECT * FROM {{ params.table }} WHERE DATE(event_time) = '{{ ds }}' AND t >= '{{ data_interval_start }}' AND t < '{{ data_interval_end }}'",
              ctx,
            ),
          )
        },
      }),
    )
    const handle = schedulePipeline(pipeline)
    await handle.ready
    await clock.advance(24 * 3_600_000)
    await handle.stop()
    expect(sql).toEqual([
      "SELECT * FROM raw.events WHERE DATE(event_time) = '2026-03-01' AND t >= '2026-03-01T02:00:00.000Z' AND t < '2026-03-02T02:00:00.000Z'",
    ])
    // Manual runs: both interval ends are the logical date.
    expect(
      renderTemplate('{{ data_interval_start }}|{{ data_interval_end }}', {
        logicalDate: '2026-03-05T00:00:00.000Z',
        runId: 'r',
        params: {},
      }),
    ).toBe('2026-03-05T00:00:00.000Z|2026-03-05T00:00:00.000Z')
  })
})
