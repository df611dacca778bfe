/**
 * Schedule definitions: the options of `pipeline.schedule()` / `schedulePipeline()`, validated
 * when the schedule is defined (a bad cron expression, an unknown timezone, `every` <= 0 or an
 * unknown option is a `DF_SCHEDULE_INVALID` error at definition, never a silent no-op at 2 AM),
 * and their resolved, storable form.
 *
 * Cron is standard 5-field cron (`minute hour day-of-month month day-of-week`; 0 and 7 are
 * Sunday; day-of-month and day-of-week combine with OR as in Vixie cron), an optional leading
 * seconds field, and the nicknames `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`,
 * `@midnight`, `@hourly`. Parsing and next-time arithmetic are croner's. (The Python original
 * read day-of-week 0 as Monday, APScheduler 3's `from_crontab`; here 0 is Sunday.)
 */
import { createHash } from 'node:crypto'
import { OrchestrationError } from './errors.js'
import { cronTicks } from './internal/schedule-ticks.js'
import type { JsonObject } from './json.js'

/** What happens to ticks missed while no scheduler ran (downtime). */
export type CatchupPolicy = 'latest' | 'none' | 'all'

/** What a tick does while a run of the same schedule is still QUEUED or RUNNING. */
export type OverlapPolicy = 'skip' | 'queue' | 'allow'

/** Milliseconds, or text: `'500ms'`, `'90s'`, `'5m'`, `'1h30m'`, `'1d'`, `'2w'`. */
export type Duration = number | string

/** An instant: a `Date`, epoch milliseconds, or an ISO 8601 date (UTC) or date-time with offset. */
export type ScheduleTime = Date | string | number

/** Options of `pipeline.schedule()` and `schedulePipeline()`. Exactly one of `cron` and `every`. */
export interface ScheduleOptions {
  /** Unique per backend; stored runs carry it. @default the pipeline's name */
  readonly id?: string
  /** A cron expression (5 fields, or 6 with leading seconds) or a nickname (`'@daily'`). */
  readonly cron?: string
  /** A fixed interval, anchored at `startAt` (or the epoch), so restarts never drift. */
  readonly every?: Duration
  /** IANA timezone the cron expression is read in. @default 'UTC' */
  readonly timezone?: string
  /**
   * Ticks missed while no scheduler ran: `'latest'` runs only the newest (Airflow's
   * `catchup=False`), `'none'` runs none (a tick later than `misfireGrace` is dropped), `'all'`
   * runs every one, oldest first, at most `maxCatchupRuns`. @default 'latest'
   */
  readonly catchup?: CatchupPolicy
  /** With catchup `'all'`, the most missed ticks run (the newest ones). @default 100 */
  readonly maxCatchupRuns?: number
  /** How late a tick may be seen and still run under catchup `'none'`. @default '60s' */
  readonly misfireGrace?: Duration
  /**
   * A tick while the schedule's previous run is active: `'skip'` it, `'queue'` it (it runs
   * when the previous one ends; at most `maxCatchupRuns` wait), or `'allow'` both to run.
   * @default 'skip' ('queue' with catchup 'all')
   */
  readonly overlap?: OverlapPolicy
  /** Delay each fire by a deterministic per-tick amount in `[0, jitter)`. @default 0 */
  readonly jitter?: Duration
  /** No tick before this instant (inclusive). */
  readonly startAt?: ScheduleTime
  /** No tick at or after this instant (exclusive). */
  readonly endAt?: ScheduleTime
  /** Params of every scheduled run (`{{ params.NAME }}`). @default {} */
  readonly params?: JsonObject
  /** Store the schedule paused when it is first stored. @default false */
  readonly paused?: boolean
  readonly description?: string
}

/** A validated schedule: what the scheduler runs and the store keeps (`spec`, `specHash`). */
export interface ResolvedSchedule {
  readonly id: string
  readonly pipelineId: string
  readonly cron?: string
  readonly everyMs?: number
  readonly timezone: string
  readonly catchup: CatchupPolicy
  readonly maxCatchupRuns: number
  readonly misfireGraceMs: number
  readonly overlap: OverlapPolicy
  readonly jitterMs: number
  readonly startAt?: number
  readonly endAt?: number
  readonly params: JsonObject
  readonly paused: boolean
  readonly description?: string
  /** The definition as stored (`ScheduleRecord.spec`): durations in ms, instants in epoch ms. */
  readonly spec: JsonObject
  /** A hash of `spec`: a changed definition has a new hash. */
  readonly specHash: string
}

const KNOWN = [
  'id',
  'cron',
  'every',
  'timezone',
  'catchup',
  'maxCatchupRuns',
  'misfireGrace',
  'overlap',
  'jitter',
  'startAt',
  'endAt',
  'params',
  'paused',
  'description',
] as const
const UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
}

/**
 * Validates schedule options for pipeline `pipelineId` and returns the resolved schedule.
 * Also accepts a stored `spec` (with `id`), which resolves to the same `specHash`.
 *
 * @throws OrchestrationError `DF_SCHEDULE_INVALID` naming the option and what is wrong.
 * @example
 * resolveScheduleOptions('daily_etl', { cron: '0 2 * * *', timezone: 'Europe/Paris' })
 */
export function resolveScheduleOptions(
  pipelineId: string,
  options: ScheduleOptions,
): ResolvedSchedule {
  const fail = (what: string): never => {
    throw new OrchestrationError(
      'DF_SCHEDULE_INVALID',
      `[@df/orchestration] Pipeline '${pipelineId}': schedule ${what}.`,
    )
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    fail(
      typeof options === 'string'
        ? `must be an object: use { cron: ${JSON.stringify(options)} } (or { every: '60s' })`
        : `options must be an object, got ${JSON.stringify(options)}`,
    )
  }
  for (const key of Object.keys(options)) {
    if (!(KNOWN as readonly string[]).includes(key)) {
      fail(`option '${key}' is unknown (known: ${KNOWN.join(', ')})`)
    }
  }
  const o = options
  const id = o.id ?? pipelineId
  if (typeof id !== 'string' || id === '' || id.length > 250 || /\p{Cc}/u.test(id)) {
    fail(`id must be 1 to 250 characters without control characters, got ${JSON.stringify(id)}`)
  }
  if ((o.cron === undefined) === (o.every === undefined)) {
    fail(`needs exactly one of 'cron' and 'every'`)
  }
  const timezone = o.timezone ?? 'UTC'
  if (typeof timezone !== 'string' || !isTimezone(timezone)) {
    fail(
      `timezone ${JSON.stringify(timezone)} is unknown: use an IANA name such as 'Europe/Paris' or 'UTC'`,
    )
  }
  const everyMs = o.every === undefined ? undefined : duration('every', o.every, 1, fail)
  const startAt = o.startAt === undefined ? undefined : instant('startAt', o.startAt, fail)
  const endAt = o.endAt === undefined ? undefined : instant('endAt', o.endAt, fail)
  if (startAt !== undefined && endAt !== undefined && endAt <= startAt) {
    fail(`endAt must be after startAt`)
  }
  const catchup = oneOf('catchup', o.catchup ?? 'latest', ['latest', 'none', 'all'], fail)
  const overlap = oneOf(
    'overlap',
    o.overlap ?? (catchup === 'all' ? 'queue' : 'skip'),
    ['skip', 'queue', 'allow'],
    fail,
  )
  if (catchup === 'all' && overlap === 'skip') {
    fail(
      `catchup 'all' with overlap 'skip' would skip the missed ticks behind the first one: use overlap 'queue' (one after another) or 'allow'`,
    )
  }
  const maxCatchupRuns = o.maxCatchupRuns ?? 100
  if (!Number.isInteger(maxCatchupRuns) || maxCatchupRuns < 1 || maxCatchupRuns > 10_000) {
    fail(`maxCatchupRuns must be a whole number from 1 to 10000, got ${String(maxCatchupRuns)}`)
  }
  const misfireGraceMs = duration('misfireGrace', o.misfireGrace ?? 60_000, 0, fail)
  const jitterMs = duration('jitter', o.jitter ?? 0, 0, fail)
  if (everyMs !== undefined && jitterMs >= everyMs && jitterMs > 0) {
    fail(`jitter (${jitterMs} ms) must be shorter than every (${everyMs} ms)`)
  }
  const params = o.params ?? {}
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    fail(`params must be a JSON object`)
  }
  try {
    JSON.stringify(params)
  } catch {
    fail(`params must be JSON`)
  }
  if (o.paused !== undefined && typeof o.paused !== 'boolean') fail(`paused must be a boolean`)
  if (o.description !== undefined && typeof o.description !== 'string') {
    fail(`description must be a string`)
  }
  if (o.cron !== undefined) {
    if (typeof o.cron !== 'string') fail(`cron must be a string, got ${JSON.stringify(o.cron)}`)
    const problem = cronTicks(o.cron, timezone, startAt, endAt).problem
    if (problem !== undefined) fail(`cron '${o.cron}' is invalid: ${problem}`)
  }
  const spec: Record<string, unknown> = {}
  if (o.cron !== undefined) spec.cron = o.cron.trim()
  if (everyMs !== undefined) spec.every = everyMs
  Object.assign(spec, { timezone, catchup, maxCatchupRuns, misfireGrace: misfireGraceMs })
  Object.assign(spec, { overlap, jitter: jitterMs })
  if (startAt !== undefined) spec.startAt = startAt
  if (endAt !== undefined) spec.endAt = endAt
  spec.params = params
  spec.paused = o.paused ?? false
  if (o.description !== undefined) spec.description = o.description
  const specHash = `sha256:${createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 32)}`
  return {
    id,
    pipelineId,
    ...(o.cron !== undefined ? { cron: o.cron.trim() } : {}),
    ...(everyMs !== undefined ? { everyMs } : {}),
    timezone,
    catchup,
    maxCatchupRuns,
    misfireGraceMs,
    overlap,
    jitterMs,
    ...(startAt !== undefined ? { startAt } : {}),
    ...(endAt !== undefined ? { endAt } : {}),
    params: params as JsonObject,
    paused: o.paused ?? false,
    ...(o.description !== undefined ? { description: o.description } : {}),
    spec: spec as JsonObject,
    specHash,
  }
}

/** True for a timezone `Intl` knows (IANA names, `UTC`). */
function isTimezone(name: string): boolean {
  if (name.trim() === '') return false
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name })
    return true
  } catch {
    return false
  }
}

function oneOf<T extends string>(
  key: string,
  value: unknown,
  allowed: readonly T[],
  fail: (what: string) => never,
): T {
  if (!allowed.includes(value as T)) {
    fail(`${key} must be ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}`)
  }
  return value as T
}

function duration(key: string, value: unknown, min: number, fail: (what: string) => never): number {
  let ms: number | undefined
  if (typeof value === 'number') ms = value
  else if (typeof value === 'string' && /^\s*(\d+(\.\d+)?\s*(ms|s|m|h|d|w)\s*)+$/.test(value)) {
    ms = 0
    for (const m of value.matchAll(/(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)/g)) {
      ms += Number(m[1]) * (UNITS[m[2] as string] as number)
    }
  }
  if (ms === undefined || !Number.isFinite(ms) || !Number.isInteger(ms) || ms < min) {
    fail(
      `${key} must be a whole number of milliseconds >= ${min} or a duration such as '90s', '5m', '1h', '1d', got ${JSON.stringify(value)}`,
    )
  }
  return ms as number
}

/** A date-time string must say its offset (`Z`, `+02:00`): no machine-local readings. */
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/

function instant(key: string, value: unknown, fail: (what: string) => never): number {
  if (typeof value === 'string' && LOCAL_DATE_TIME.test(value.trim())) {
    fail(`${key} '${value}' has no UTC offset: add 'Z' or one such as '+02:00'`)
  }
  const ms =
    value instanceof Date
      ? value.getTime()
      : typeof value === 'number'
        ? value
        : typeof value === 'string'
          ? Date.parse(value)
          : Number.NaN
  if (!Number.isFinite(ms)) fail(`${key} is not a valid date: ${JSON.stringify(value)}`)
  return ms
}
