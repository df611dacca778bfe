/**
 * The scheduler: runs schedules of pipelines against one backend's `ScheduleStore`, in as many
 * processes as you like (each tick fires once: see schedule-store.ts). One timer per scheduler,
 * set to the earliest due schedule, and a poll every `pollMs` that looks at every schedule it
 * holds in the store (changes by other processes, leases of a dead process); so 1,000 idle
 * schedules cost one timer. A fired run is created and driven in the process that fired it;
 * `recover()` in any process adopts it if that process dies.
 */

import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { Backend } from './backend.js'
import { requireBackendFeature } from './backend-features.js'
import { type Clock, systemClock, type TimerHandle } from './clock.js'
import { OrchestrationError } from './errors.js'
import { type ClaimHost, claimAndFire } from './internal/schedule-claims.js'
import { fireTime, ticksOf } from './internal/schedule-ticks.js'
import { scheduledLaunchOf } from './internal/scheduled-launch.js'
import type { Pipeline } from './pipeline.js'
import type { ScheduleEvent, ScheduleEventListener } from './schedule-events.js'
import { createScheduleHandle, type ScheduleHandle } from './schedule-handle.js'
import {
  type ResolvedSchedule,
  resolveScheduleOptions,
  type ScheduleOptions,
} from './schedule-options.js'
import type { ScheduleRecord, ScheduleStore } from './schedule-store.js'

/** Options of {@link createScheduler}. */
export interface SchedulerOptions {
  /** Where schedules are stored; the pipelines' backend. Must implement `ScheduleStore`. */
  readonly backend: Backend
  /** @default systemClock (the pipelines' clock in tests) */
  readonly clock?: Clock
  /** This scheduler's id (the schedule lease owner). @default `<hostname>:<pid>:<random>` */
  readonly owner?: string
  /** Lease on a claimed schedule during one pass. @default 10_000 */
  readonly leaseMs?: number
  /** How often every schedule is looked at in the store, due or not. @default 5_000 */
  readonly pollMs?: number
  /** How soon a schedule with waiting (queued) ticks is looked at again. @default 1_000 */
  readonly pendingRetryMs?: number
}

/** One schedule held by a scheduler: what its handle works on (internal to the package). */
export interface ScheduleEntry {
  readonly schedule: ResolvedSchedule
  readonly pipeline: Pipeline
  readonly launch: NonNullable<ReturnType<typeof scheduledLaunchOf>>
  readonly listeners: Set<ScheduleEventListener>
  /** When this process should look at it next (from the store, or estimated from the ticks). */
  due: number | undefined
  /** The state last seen in the store. */
  known: ScheduleRecord | undefined
  registered: Promise<void> | undefined
  /** Why the last registration failed. */
  failure: unknown
  stopped: boolean
}

/** Runs schedules (see the module comment). Create it with {@link createScheduler}. */
export class Scheduler {
  readonly store: Backend & ScheduleStore
  readonly clock: Clock
  readonly owner: string
  readonly leaseMs: number
  readonly pollMs: number
  readonly pendingRetryMs: number
  readonly #entries = new Map<string, ScheduleEntry>()
  readonly #listeners = new Set<ScheduleEventListener>()
  readonly #inflight = new Set<Promise<unknown>>()
  #timer: TimerHandle | undefined
  #timerAt = Number.POSITIVE_INFINITY
  #pass: Promise<void> | undefined
  #again = false
  #lastPoll = Number.NEGATIVE_INFINITY
  #stopped = false
  /** Called when the last schedule is removed (the default schedulers unregister). */
  onEmpty: (() => void) | undefined
  readonly #host: ClaimHost = {
    scheduler: this,
    entry: (id) => this.#entries.get(id),
  }

  constructor(options: SchedulerOptions) {
    this.store = requireBackendFeature(options.backend, 'ScheduleStore', 'the scheduler')
    this.clock = options.clock ?? systemClock
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
    this.leaseMs = positive('leaseMs', options.leaseMs ?? 10_000)
    this.pollMs = positive('pollMs', options.pollMs ?? 5_000)
    this.pendingRetryMs = positive('pendingRetryMs', options.pendingRetryMs ?? 1_000)
  }

  /**
   * Starts a schedule of `pipeline` in this process: `options` (validated now), a schedule the
   * pipeline declared (`pipeline.schedules[i]`), or, when omitted, its only declared one.
   *
   * @throws OrchestrationError `DF_SCHEDULE_INVALID` (bad options, an id already running here),
   *   `DF_OPTION_INVALID` (the pipeline uses another backend).
   */
  add(pipeline: Pipeline, options?: ScheduleOptions | ResolvedSchedule): ScheduleHandle {
    if (this.#stopped) throw invalid('This scheduler was stopped; create a new one.')
    if (pipeline.backend !== this.store) {
      throw invalid(
        `Pipeline '${pipeline.name}' stores its runs in another backend than this scheduler.`,
      )
    }
    const launch = scheduledLaunchOf(pipeline)
    if (launch === undefined) {
      throw invalid(`'${pipeline.name}' was built with another copy of @df/orchestration.`)
    }
    const schedule = resolveFor(pipeline, options)
    if (this.#entries.has(schedule.id)) {
      throw new OrchestrationError(
        'DF_SCHEDULE_INVALID',
        `[@df/orchestration] Schedule '${schedule.id}' already runs in this scheduler.`,
      )
    }
    const entry: ScheduleEntry = {
      schedule,
      pipeline,
      launch,
      listeners: new Set(),
      due: undefined,
      known: undefined,
      registered: undefined,
      failure: undefined,
      stopped: false,
    }
    this.#entries.set(schedule.id, entry)
    entry.registered = this.#register(entry)
    entry.registered.catch(() => {}) // reported as an event; retried at the next poll
    return createScheduleHandle(this, entry)
  }

  /** Starts every schedule `pipeline` declared; returns their handles. */
  addPipeline(pipeline: Pipeline): ScheduleHandle[] {
    return pipeline.schedules.map((s) => this.add(pipeline, s))
  }

  /** Subscribes to every schedule's events; returns the unsubscribe function. */
  on(listener: ScheduleEventListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** The schedules running here. */
  get schedules(): readonly ResolvedSchedule[] {
    return [...this.#entries.values()].map((e) => e.schedule)
  }

  /** Stops firing (the stored schedules stay for other processes) and waits for the pass. */
  async stop(): Promise<void> {
    this.#stopped = true
    for (const entry of this.#entries.values()) entry.stopped = true
    this.#entries.clear()
    this.#clearTimer()
    await this.#pass
  }

  /** Waits until the runs this scheduler started have ended, or `timeoutMs` passed. */
  async drain(timeoutMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    const all = Promise.allSettled([...this.#inflight]).then(() => true)
    if (!Number.isFinite(timeoutMs)) return all
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs)
    })
    try {
      return await Promise.race([all, timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  /** Removes one schedule from this scheduler (handle.stop). */
  async remove(entry: ScheduleEntry): Promise<void> {
    entry.stopped = true
    if (this.#entries.get(entry.schedule.id) === entry) this.#entries.delete(entry.schedule.id)
    if (this.#entries.size === 0) {
      this.#clearTimer()
      this.onEmpty?.()
    }
    await this.#pass
  }

  /** Delivers an event to the scheduler's and the schedule's listeners. */
  emit(event: ScheduleEvent): void {
    const entry = event.scheduleId === undefined ? undefined : this.#entries.get(event.scheduleId)
    for (const listener of [...this.#listeners, ...(entry?.listeners ?? [])]) {
      try {
        listener(event)
      } catch {
        // Documented: a listener never breaks the scheduler.
      }
    }
  }

  /**
   * Tracks a run this scheduler (or a handle's triggerNow) started. When it ends, schedules of
   * the same pipeline with waiting ticks are looked at at once (a slot, or the overlap, freed)
   * instead of at their next re-check.
   */
  track(done: Promise<unknown>, pipelineId?: string): void {
    this.#inflight.add(done)
    void done.finally(() => {
      this.#inflight.delete(done)
      if (pipelineId !== undefined) this.#wakeWaiting(pipelineId)
    })
  }

  #wakeWaiting(pipelineId: string): void {
    const now = this.clock.now()
    let woke = false
    for (const e of this.#entries.values()) {
      if (e.schedule.pipelineId !== pipelineId || !e.known || e.known.pending.length === 0) continue
      if (e.due === undefined || e.due > now) {
        e.due = now
        woke = true
      }
    }
    if (woke) this.#arm()
  }

  /** Looks at the store again soon (after a pause/resume through a handle). */
  wake(entry: ScheduleEntry, due: number | undefined): void {
    entry.due = due
    this.#arm()
  }

  async #register(entry: ScheduleEntry): Promise<void> {
    const s = entry.schedule
    try {
      await this.store.init()
      const now = this.clock.now()
      const lastTick = s.startAt !== undefined ? s.startAt - 1 : now
      const next = ticksOf(s).next(lastTick)
      const stored = await this.store.putSchedule({
        id: s.id,
        pipelineId: s.pipelineId,
        spec: s.spec,
        specHash: s.specHash,
        paused: s.paused,
        lastTick,
        ...(next !== undefined && !s.paused ? { nextDueAt: fireTime(s, next) } : {}),
        updatedAt: now,
      })
      entry.known = stored
      entry.due = stored.nextDueAt
    } catch (error) {
      entry.registered = undefined
      entry.failure = error
      this.emit({
        type: 'error',
        scheduleId: s.id,
        pipelineId: s.pipelineId,
        at: this.clock.now(),
        error,
      })
      throw error
    } finally {
      this.#arm()
    }
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer)
    this.#timer = undefined
    this.#timerAt = Number.POSITIVE_INFINITY
  }

  #arm(): void {
    if (this.#stopped || this.#entries.size === 0) {
      this.#clearTimer()
      return
    }
    if (this.#pass) {
      this.#again = true
      return
    }
    let wake = this.#lastPoll + this.pollMs
    for (const e of this.#entries.values()) if (e.due !== undefined && e.due < wake) wake = e.due
    if (this.#timer !== undefined && this.#timerAt <= wake) return
    this.#clearTimer()
    this.#timerAt = wake
    // Node timers cap at 2^31 - 1 ms (about 24.8 days): a longer wait just wakes and re-arms.
    const delay = Math.min(Math.max(0, wake - this.clock.now()), 2_147_483_647)
    this.#timer = this.clock.setTimeout(() => this.#onTimer(), delay)
  }

  #onTimer(): void {
    this.#timer = undefined
    this.#timerAt = Number.POSITIVE_INFINITY
    if (this.#pass) {
      this.#again = true
      return
    }
    this.#pass = (async () => {
      do {
        this.#again = false
        await this.#passOnce()
      } while (this.#again && !this.#stopped && this.#hasDue())
    })().finally(() => {
      this.#pass = undefined
      this.#arm()
    })
  }

  #hasDue(): boolean {
    const now = this.clock.now()
    for (const e of this.#entries.values()) if (e.due !== undefined && e.due <= now) return true
    return false
  }

  async #passOnce(): Promise<void> {
    const now = this.clock.now()
    const poll = now >= this.#lastPoll + this.pollMs
    if (poll) this.#lastPoll = now
    const ids: string[] = []
    for (const e of this.#entries.values()) {
      if (e.stopped) continue
      if (e.registered === undefined) {
        if (poll) e.registered = this.#register(e).catch(() => {})
        continue
      }
      if (e.known === undefined) continue // registering
      if (poll || (e.due !== undefined && e.due <= now)) ids.push(e.schedule.id)
    }
    await claimAndFire(this.#host, ids, now)
  }
}

/**
 * Creates a scheduler for `backend`. Most code uses `schedulePipeline` (one scheduler per
 * backend and clock, made on demand) or `dremio-cli serve`.
 *
 * @example
 * const scheduler = createScheduler({ backend })
 * scheduler.addPipeline(pipeline) // its declared schedules
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  return new Scheduler(options)
}

function resolveFor(
  pipeline: Pipeline,
  options: ScheduleOptions | ResolvedSchedule | undefined,
): ResolvedSchedule {
  if (options === undefined) {
    if (pipeline.schedules.length !== 1) {
      throw new OrchestrationError(
        'DF_SCHEDULE_INVALID',
        `[@df/orchestration] Pipeline '${pipeline.name}' declares ${pipeline.schedules.length} schedules: pass the one to run (or use scheduler.addPipeline).`,
      )
    }
    return pipeline.schedules[0] as ResolvedSchedule
  }
  if ('specHash' in options && pipeline.schedules.includes(options as ResolvedSchedule)) {
    return options as ResolvedSchedule
  }
  return resolveScheduleOptions(pipeline.name, options as ScheduleOptions)
}

function positive(key: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw invalid(`createScheduler: ${key} must be a whole number >= 1, got ${String(value)}.`)
  }
  return value
}

function invalid(message: string): OrchestrationError {
  return new OrchestrationError('DF_OPTION_INVALID', `[@df/orchestration] ${message}`)
}
