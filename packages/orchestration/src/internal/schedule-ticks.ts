/**
 * Tick arithmetic of a schedule: the instants it fires at (cron through croner, or a fixed
 * interval anchored at `startAt` or the epoch), clipped to `[startAt, endAt)`; the data interval
 * a tick covers; and the deterministic per-tick jitter. Pure functions of the definition, so
 * every scheduler process computes the same ticks.
 */
import { createRequire } from 'node:module'
import type { Cron } from 'croner'
import { OrchestrationError } from '../errors.js'
import type { ResolvedSchedule } from '../schedule-options.js'

let CronClass: typeof Cron | undefined

/**
 * croner, loaded on first use: it is an optional peer dependency, so `@df/orchestration` keeps
 * no runtime dependencies (a custom backend installs nothing else) and only code that declares
 * a cron schedule needs it (`every` schedules do not). Synchronous, so a bad cron fails at the
 * declaration.
 * @throws OrchestrationError `DF_DEPENDENCY_MISSING` saying how to install it.
 */
function loadCron(): typeof Cron {
  if (CronClass !== undefined) return CronClass
  try {
    CronClass = (createRequire(import.meta.url)('croner') as { Cron: typeof Cron }).Cron
  } catch (cause) {
    throw new OrchestrationError(
      'DF_DEPENDENCY_MISSING',
      '[@df/orchestration] Cron schedules need the croner package (an optional peer dependency). Install it with: pnpm add croner@11',
      { cause },
    )
  }
  return CronClass
}

/** The ticks of one schedule. Instants are epoch ms. */
export interface TickSource {
  /** The first tick strictly after `t` (at or after `startAt`, before `endAt`), if any. */
  next(t: number): number | undefined
  /**
   * Up to `n` newest ticks in `(after, upTo]` (within `[startAt, endAt)`), oldest first;
   * `more` when older ones in that range were left out (`total` counts them all when cheap).
   */
  latest(after: number, upTo: number, n: number): { ticks: number[]; more: boolean; total?: number }
  /** The pattern's tick strictly before `t` (ignoring `startAt`): the data interval's start. */
  previous(t: number): number | undefined
}

/** A cron tick source, or the reason the expression cannot be used. */
export function cronTicks(
  expression: string,
  timezone: string,
  startAt: number | undefined,
  endAt: number | undefined,
): { source?: TickSource; problem?: string } {
  let cron: Cron
  try {
    cron = new (loadCron())(expression.trim(), { paused: true, timezone, mode: '5-or-6-parts' })
  } catch (error) {
    return { problem: describeCronError(error) }
  }
  const lo = startAt === undefined ? Number.NEGATIVE_INFINITY : startAt - 1
  const hiOf = (upTo: number) => (endAt === undefined ? upTo : Math.min(upTo, endAt - 1))
  const source: TickSource = {
    next(t) {
      const next = cron.nextRun(new Date(Math.max(t, lo)))
      if (next === null) return undefined
      const ms = next.getTime()
      return endAt !== undefined && ms >= endAt ? undefined : ms
    },
    latest(after, upTo, n) {
      const low = Math.max(after, lo)
      const hi = hiOf(upTo)
      if (hi <= low || n <= 0) return { ticks: [], more: false }
      // Strictly before the reference; +1 s covers a seconds field, and n + 2 tells "more".
      const found = cron
        .previousRuns(n + 2, new Date(hi + 1000))
        .map((d) => d.getTime())
        .filter((ms) => ms > low && ms <= hi)
      const ticks = found.slice(0, n).reverse()
      if (found.length <= n) return { ticks, more: false, total: found.length }
      // Count the ones left out when that is cheap (up to 1,000 steps), for reports.
      let total: number | undefined
      if (Number.isFinite(low)) {
        let count = 0
        for (let t = low; count <= 1000; count++) {
          const next = cron.nextRun(new Date(t))
          if (next === null || next.getTime() > hi) break
          t = next.getTime()
        }
        if (count <= 1000) total = count
      }
      return { ticks, more: true, ...(total !== undefined ? { total } : {}) }
    },
    previous(t) {
      const [prev] = cron.previousRuns(1, new Date(t))
      return prev?.getTime()
    },
  }
  try {
    if (source.next(startAt === undefined ? 0 : startAt - 1) === undefined) {
      return { problem: 'it never fires (no matching date after startAt, or none before endAt)' }
    }
  } catch (error) {
    return { problem: describeCronError(error) }
  }
  return { source }
}

/** An interval tick source: `anchor + k * everyMs`, `k >= 0` when `startAt` anchors it. */
export function everyTicks(
  everyMs: number,
  startAt: number | undefined,
  endAt: number | undefined,
): TickSource {
  const anchor = startAt ?? 0
  const kMin = startAt === undefined ? Number.NEGATIVE_INFINITY : 0
  const at = (k: number) => anchor + k * everyMs
  const kEnd =
    endAt === undefined ? Number.POSITIVE_INFINITY : Math.ceil((endAt - anchor) / everyMs)
  return {
    next(t) {
      const k = Math.max(Math.floor((t - anchor) / everyMs) + 1, kMin)
      return k < kEnd ? at(k) : undefined
    },
    latest(after, upTo, n) {
      const kHi = Math.min(Math.floor((upTo - anchor) / everyMs), kEnd - 1)
      const kLo = Math.max(Math.floor((after - anchor) / everyMs) + 1, kMin)
      const total = kHi - kLo + 1
      if (total <= 0 || n <= 0) return { ticks: [], more: false, total: 0 }
      const first = Math.max(kLo, kHi - n + 1)
      const ticks: number[] = []
      for (let k = first; k <= kHi; k++) ticks.push(at(k))
      return { ticks, more: total > n, total }
    },
    previous(t) {
      return at(Math.ceil((t - anchor) / everyMs) - 1)
    },
  }
}

const sources = new WeakMap<ResolvedSchedule, TickSource>()

/** The (cached) tick source of a resolved schedule. */
export function ticksOf(schedule: ResolvedSchedule): TickSource {
  let source = sources.get(schedule)
  if (!source) {
    source =
      schedule.everyMs !== undefined
        ? everyTicks(schedule.everyMs, schedule.startAt, schedule.endAt)
        : (cronTicks(schedule.cron ?? '', schedule.timezone, schedule.startAt, schedule.endAt)
            .source as TickSource)
    sources.set(schedule, source)
  }
  return source
}

/** When tick `tick` fires: the tick plus its deterministic jitter in `[0, jitterMs)`. */
export function fireTime(schedule: ResolvedSchedule, tick: number): number {
  if (schedule.jitterMs <= 0) return tick
  // FNV-1a over "<id>\0<tick>": the same offset in every process, different per tick.
  let h = 0x811c9dc5
  const text = `${schedule.id}\u0000${tick}`
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return tick + (h % schedule.jitterMs)
}

/** The data interval tick `tick` covers: from the pattern's previous tick to the tick itself. */
export function dataInterval(
  schedule: ResolvedSchedule,
  tick: number,
): { start: number; end: number } {
  const start = ticksOf(schedule).previous(tick)
  return { start: start ?? tick, end: tick }
}

function describeCronError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.replace(/^Cron(Pattern|Date)?:\s*/, '').replace(/\.$/, '')
}
