/**
 * Schedule definitions: every mistake is a typed `DF_SCHEDULE_INVALID` at definition time (never
 * a silent no-op at 2 AM), cron day-of-week numbering (0 and 7 are Sunday; the Python original's
 * Monday = 0 is pinned as wrong here), nicknames, and the stored spec.
 */
import { describe, expect, it } from 'vitest'
import {
  createMemoryBackend,
  OrchestrationError,
  Pipeline,
  resolveScheduleOptions,
  type ScheduleOptions,
  schedulePipeline,
} from '../src/index.js'
import { nextRunsUtc } from './schedule-helpers.js'

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    expect(OrchestrationError.is(error), String(error)).toBe(true)
    return (error as OrchestrationError).code
  }
  return undefined
}

function messageOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    return (error as Error).message
  }
  return ''
}

describe('schedule definitions are validated when defined', () => {
  const bad: Array<[string, ScheduleOptions]> = [
    ['invalid cron (minute 61)', { cron: '61 * * * *' }],
    ['invalid cron (3 fields)', { cron: '* * *' }],
    ['invalid cron (words)', { cron: 'every day at two' }],
    ['cron that never fires (30 February)', { cron: '0 0 30 2 *' }],
    ['unknown nickname', { cron: '@reboot' }],
    ['unknown timezone', { cron: '0 2 * * *', timezone: 'Mars/Olympus_Mons' }],
    ['empty timezone', { cron: '0 2 * * *', timezone: '' }],
    ['every 0', { every: 0 }],
    ['every negative', { every: -5_000 }],
    ['every as nonsense text', { every: 'sometimes' }],
    ['every 0s', { every: '0s' }],
    ['every not whole ms', { every: 0.5 }],
    ['neither cron nor every', {}],
    ['both cron and every', { cron: '* * * * *', every: '1m' }],
    ['unknown option (typo)', { cron: '0 2 * * *', catchUp: 'none' } as ScheduleOptions],
    ['unknown catchup', { every: '1m', catchup: 'some' as never }],
    ['unknown overlap', { every: '1m', overlap: 'cancel' as never }],
    ['catchup all with overlap skip', { every: '1m', catchup: 'all', overlap: 'skip' }],
    ['maxCatchupRuns 0', { every: '1m', maxCatchupRuns: 0 }],
    ['jitter as long as every', { every: '1m', jitter: '1m' }],
    ['endAt before startAt', { every: '1m', startAt: '2026-02-01', endAt: '2026-01-01' }],
    ['startAt without a UTC offset', { every: '1m', startAt: '2026-03-01T02:00' }],
    ['startAt not a date', { every: '1m', startAt: 'tomorrow' }],
    ['params not an object', { every: '1m', params: [1, 2] as never }],
    ['id empty', { id: '', every: '1m' }],
  ]
  for (const [what, options] of bad) {
    it(`${what}: DF_SCHEDULE_INVALID from pipeline.schedule(), new Pipeline and schedulePipeline`, () => {
      const p = new Pipeline('daily')
      expect(codeOf(() => p.schedule(options))).toBe('DF_SCHEDULE_INVALID')
      expect(codeOf(() => new Pipeline('daily', { schedule: options }))).toBe('DF_SCHEDULE_INVALID')
      expect(codeOf(() => schedulePipeline(new Pipeline('x'), options))).toBe('DF_SCHEDULE_INVALID')
      expect(p.schedules).toEqual([])
    })
  }

  it('messages name the pipeline and the option, and say what is allowed', () => {
    expect(messageOf(() => resolveScheduleOptions('etl', { cron: '61 * * * *' }))).toMatch(
      /^\[@df\/orchestration\] Pipeline 'etl': schedule cron '61 \* \* \* \*' is invalid: .*minute.*61/,
    )
    expect(
      messageOf(() =>
        resolveScheduleOptions('etl', { cron: '0 2 * * *', timezone: 'Europe/Pari' }),
      ),
    ).toContain('timezone "Europe/Pari" is unknown: use an IANA name such as \'Europe/Paris\'')
    expect(messageOf(() => resolveScheduleOptions('etl', { every: 0 }))).toContain(
      'every must be a whole number of milliseconds >= 1',
    )
    expect(
      messageOf(() =>
        resolveScheduleOptions('etl', { cron: '* * * * *', timezon: 'UTC' } as never),
      ),
    ).toContain("option 'timezon' is unknown (known: id, cron, every, timezone")
  })

  it('two schedules of one pipeline need their own ids', () => {
    const p = new Pipeline('twice').schedule({ cron: '0 2 * * *' })
    expect(codeOf(() => p.schedule({ every: '1h' }))).toBe('DF_SCHEDULE_INVALID')
    p.schedule({ id: 'twice-hourly', every: '1h' })
    expect(p.schedules.map((s) => s.id)).toEqual(['twice', 'twice-hourly'])
  })

  it('resolves defaults, durations and instants into the stored spec (same hash when re-read)', () => {
    const s = resolveScheduleOptions('etl', {
      every: '1h30m',
      jitter: '90s',
      startAt: '2026-03-01T00:00:00+01:00',
      params: { region: 'eu' },
    })
    expect(s).toMatchObject({
      id: 'etl',
      everyMs: 5_400_000,
      timezone: 'UTC',
      catchup: 'latest',
      overlap: 'skip',
      maxCatchupRuns: 100,
      misfireGraceMs: 60_000,
      jitterMs: 90_000,
      startAt: Date.UTC(2026, 1, 28, 23),
      paused: false,
    })
    expect(resolveScheduleOptions('etl', { every: '1m', catchup: 'all' }).overlap).toBe('queue')
    const again = resolveScheduleOptions('etl', { ...(s.spec as ScheduleOptions), id: 'etl' })
    expect(again.specHash).toBe(s.specHash)
    expect(resolveScheduleOptions('etl', { every: '1h30m' }).specHash).not.toBe(s.specHash)
  })

  it('a backend without ScheduleStore is DF_BACKEND_UNSUPPORTED at schedulePipeline', () => {
    const full = createMemoryBackend()
    const { putSchedule: _p, ...rest } = full
    const p = new Pipeline('no-store', { backend: rest as never })
    expect(codeOf(() => schedulePipeline(p, { every: '1m' }))).toBe('DF_BACKEND_UNSUPPORTED')
  })
})

describe('cron day-of-week: 0 and 7 are Sunday (the original read 0 as Monday)', () => {
  // 2026-03-01 is a Sunday. Each row: the day-of-week field and the weekdays it fires on.
  const table: Array<[string, string[]]> = [
    ['0', ['Sun']],
    ['7', ['Sun']],
    ['1', ['Mon']],
    ['2', ['Tue']],
    ['5', ['Fri']],
    ['6', ['Sat']],
    ['SUN', ['Sun']],
    ['MON', ['Mon']],
    ['1-5', ['Mon', 'Tue', 'Wed', 'Thu', 'Fri']],
    ['0,6', ['Sun', 'Sat']],
    ['6,7', ['Sun', 'Sat']],
    ['MON-FRI', ['Mon', 'Tue', 'Wed', 'Thu', 'Fri']],
  ]
  for (const [field, days] of table) {
    it(`'0 2 * * ${field}' fires on ${days.join(', ')}`, () => {
      const fires = nextRunsUtc(`0 2 * * ${field}`, Date.UTC(2026, 2, 1), 14)
      const weekdays = new Set(
        fires.map(
          (d) => ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][new Date(d).getUTCDay()],
        ),
      )
      expect([...weekdays].sort()).toEqual([...days].sort())
      for (const d of fires) expect(d.slice(11)).toBe('02:00:00.000Z')
    })
  }

  it('day-of-month and day-of-week combine with OR (Vixie cron)', () => {
    // The 13th, or any Friday: March 2026 has Fridays 6, 13, 20, 27.
    expect(nextRunsUtc('0 0 13 * 5', Date.UTC(2026, 2, 1), 4)).toEqual([
      '2026-03-06T00:00:00.000Z',
      '2026-03-13T00:00:00.000Z',
      '2026-03-20T00:00:00.000Z',
      '2026-03-27T00:00:00.000Z',
    ])
  })

  it('knows the nicknames and an optional seconds field', () => {
    const from = Date.UTC(2026, 2, 1, 10, 30)
    expect(nextRunsUtc('@daily', from, 1)).toEqual(['2026-03-02T00:00:00.000Z'])
    expect(nextRunsUtc('@midnight', from, 1)).toEqual(['2026-03-02T00:00:00.000Z'])
    expect(nextRunsUtc('@hourly', from, 1)).toEqual(['2026-03-01T11:00:00.000Z'])
    expect(nextRunsUtc('@weekly', from, 1)).toEqual(['2026-03-08T00:00:00.000Z'])
    expect(nextRunsUtc('@monthly', from, 1)).toEqual(['2026-04-01T00:00:00.000Z'])
    expect(nextRunsUtc('@yearly', from, 1)).toEqual(['2027-01-01T00:00:00.000Z'])
    expect(nextRunsUtc('30 */15 * * * *', from, 2)).toEqual([
      '2026-03-01T10:30:30.000Z',
      '2026-03-01T10:45:30.000Z',
    ])
  })
})
