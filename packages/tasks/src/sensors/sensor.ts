/**
 * `Sensor`: a task that waits for a condition by poking until it holds.
 *
 * Two modes, as in Airflow:
 * - `poke` (default) keeps the attempt (and its worker slot) and sleeps on the engine clock
 *   between pokes, honouring `ctx.signal`;
 * - `reschedule` pokes once per attempt and, when the condition does not hold yet, ends the
 *   attempt as UP_FOR_RESCHEDULE: the slot is free until the next poke is due.
 *
 * `timeout` counts from the task's FIRST poke in the run (`ctx.taskStartedAt`), across
 * reschedules and retries. On timeout the sensor fails without retries, or ends SKIPPED with
 * `softFail`. An error thrown by a poke (e.g. a SQL error) fails the attempt at once: it is never
 * taken for "not yet"; the task's normal retries apply.
 */

import type { JsonObject, JsonValue } from '@df/orchestration'
import {
  OrchestrationError,
  RescheduleTaskError,
  SkipTaskError,
  Task,
  type TaskContext,
} from '@df/orchestration'
import { type BaseTaskOptions, taskInvalid } from '../internal/task-support.js'

/** How a sensor waits between pokes. */
export type SensorMode = 'poke' | 'reschedule'

/** Options every sensor accepts. All durations are milliseconds. */
export interface SensorOptions extends BaseTaskOptions {
  /** @default 'poke' */
  readonly mode?: SensorMode
  /** Wait between pokes. @default 60_000 */
  readonly pokeInterval?: number
  /** Double the wait after each unmet poke (pokeInterval × 2^(n-1)), up to `maxPokeInterval`. */
  readonly exponentialBackoff?: boolean
  /** Cap of the backed-off wait. @default 3_600_000 */
  readonly maxPokeInterval?: number
  /**
   * Give up this long after the first poke (not per attempt: `timeoutMs` is per attempt).
   * @default 604_800_000 (7 days, Airflow's default)
   */
  readonly timeout?: number
  /** On timeout end SKIPPED instead of FAILED. @default false */
  readonly softFail?: boolean
}

/** What a poke answers: `false`, `null` or `undefined` for "not yet"; `true` or a JSON value to pass. */
export type PokeResult = boolean | JsonValue | undefined

/** Options of a {@link Sensor} built with a poke function (in-process: not serialisable). */
export interface FunctionSensorOptions extends SensorOptions {
  readonly poke: (ctx: TaskContext) => PokeResult | Promise<PokeResult>
}

/** The sensor's timeout ran out (not retried). */
export class SensorTimeoutError extends OrchestrationError {
  override readonly name: string = 'SensorTimeoutError'
  readonly retryable = false as const
  constructor(message: string) {
    super('DF_TASK_TIMEOUT', message)
  }
}

const DAY = 86_400_000

/** The resolved waiting rules of a sensor. */
interface SensorRules {
  readonly mode: SensorMode
  readonly pokeInterval: number
  readonly exponentialBackoff: boolean
  readonly maxPokeInterval: number
  readonly timeout: number
  readonly softFail: boolean
}

/**
 * A task that waits until `poke(ctx)` passes. Subclasses override `poke`; or pass `poke` in the
 * options (an in-process sensor, type `'function'`).
 *
 * @example
 * const ready = new Sensor({
 *   name: 'wait_for_flag',
 *   mode: 'reschedule',
 *   pokeInterval: 30_000,
 *   timeout: 3_600_000,
 *   poke: async () => (await fetch(url)).ok,
 * })
 */
export class Sensor extends Task {
  /** The resolved waiting rules. */
  readonly sensor: SensorRules
  readonly #poke: FunctionSensorOptions['poke'] | undefined

  /** @throws OrchestrationError `DF_TASK_INVALID` for bad sensor options. */
  constructor(
    options: SensorOptions & {
      readonly poke?: FunctionSensorOptions['poke']
      /** Set by subclasses: their type and serialisable options. */
      readonly type?: string
      readonly options?: JsonObject
    },
  ) {
    const {
      mode,
      pokeInterval,
      exponentialBackoff,
      maxPokeInterval,
      timeout,
      softFail,
      poke,
      ...taskOptions
    } = options
    const name = String(taskOptions.name)
    const rules = resolveRules(name, options)
    const self: { sensor?: Sensor } = {}
    super({
      ...taskOptions,
      ...(taskOptions.options ? { options: { ...taskOptions.options, ...rulesJson(rules) } } : {}),
      run: (ctx) => (self.sensor as Sensor).#wait(ctx),
    })
    self.sensor = this
    this.sensor = rules
    if (poke !== undefined && typeof poke !== 'function') {
      throw taskInvalid(name, 'poke must be a function (ctx) => boolean | value')
    }
    this.#poke = poke
  }

  /** Checks the condition once. Override it, or pass `poke` in the options. */
  poke(ctx: TaskContext): PokeResult | Promise<PokeResult> {
    if (!this.#poke) throw taskInvalid(this.name, 'a Sensor needs a poke function or override')
    return this.#poke(ctx)
  }

  /** The wait before poke number `n` + 1 (1-based `n`). */
  intervalAfter(n: number): number {
    const { pokeInterval, exponentialBackoff, maxPokeInterval } = this.sensor
    if (!exponentialBackoff) return pokeInterval
    return Math.min(maxPokeInterval, pokeInterval * 2 ** Math.min(Math.max(0, n - 1), 40))
  }

  async #wait(ctx: TaskContext): Promise<JsonValue | undefined> {
    const { mode, timeout, softFail } = this.sensor
    const start = ctx.taskStartedAt
    // Pokes made by earlier attempts (reschedules, retries): one each in reschedule mode.
    let n = ctx.attempt - 1
    for (;;) {
      if (ctx.signal.aborted) throw ctx.signal.reason
      const value = await this.poke(ctx)
      n++
      if (value !== false && value !== null && value !== undefined) {
        ctx.log.info(`Sensor condition met on poke ${n}.`)
        return value === true ? undefined : (value as JsonValue)
      }
      const now = ctx.now()
      const left = start + timeout - now
      if (left <= 0) {
        const message = `[@df/orchestration] Sensor '${this.name}' timed out: its condition was not met ${timeout} ms after the first poke (${n} pokes).`
        if (softFail) throw new SkipTaskError(message)
        throw new SensorTimeoutError(message)
      }
      const wait = Math.min(this.intervalAfter(n), left)
      ctx.log.info(`Sensor condition not met (poke ${n}); next poke in ${wait} ms.`)
      if (mode === 'reschedule') throw new RescheduleTaskError(now + wait)
      await ctx.sleep(wait)
    }
  }
}

function resolveRules(name: string, o: SensorOptions): SensorRules {
  const mode = o.mode ?? 'poke'
  if (mode !== 'poke' && mode !== 'reschedule') {
    throw taskInvalid(name, `mode must be 'poke' or 'reschedule', got ${JSON.stringify(mode)}`)
  }
  const ms = (what: string, v: number | undefined, dflt: number, min = 0): number => {
    if (v === undefined) return dflt
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
      throw taskInvalid(name, `${what} must be a number of ms >= ${min}, got ${String(v)}`)
    }
    return v
  }
  const pokeInterval = ms('pokeInterval', o.pokeInterval, 60_000)
  return {
    mode,
    pokeInterval,
    exponentialBackoff: o.exponentialBackoff === true,
    maxPokeInterval: Math.max(pokeInterval, ms('maxPokeInterval', o.maxPokeInterval, 3_600_000)),
    timeout: ms('timeout', o.timeout, 7 * DAY, 1),
    softFail: o.softFail === true,
  }
}

function rulesJson(r: SensorRules): JsonObject {
  return { ...r }
}
