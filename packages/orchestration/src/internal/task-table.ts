/**
 * The per-run task state of a {@link RunDriver}: parallel arrays indexed by task, counters of
 * finished upstream states (the inputs of `evaluateTriggerRule`), the ready queue and the
 * transitions. Everything here is synchronous; writes go through the driver's batch.
 */
import type { ErrorRecord, TaskRecord } from '../backend.js'
import type { TimerHandle } from '../clock.js'
import type { TaskDispatch, TaskOutcome } from '../executor.js'
import type { JsonValue } from '../json.js'
import { internalPool } from '../pools.js'
import { computeRetryDelay } from '../retry-policy.js'
import { FINISHED_TASK_STATES, type TaskState } from '../states.js'
import { evaluateTriggerRule } from '../trigger-rules.js'
import type { Graph } from './graph.js'
import type { RunDriver } from './run-driver.js'
import { Transitions } from './transitions.js'

const FLAG = { flagUpstreamFailed: true } as const
const LEASE_EXPIRED =
  '[@df/orchestration] engine lease expired (process died?): the engine driving this attempt stopped renewing its lease, so another engine took the run over.'

export class TaskTable extends Transitions {
  readonly states: TaskState[]
  readonly attempts: number[]
  readonly results: (JsonValue | undefined)[]
  readonly firstStartedAt: (number | undefined)[]
  /** The worker running each task's current attempt (`ExecutorHooks.onStart`). */
  readonly workers: (string | undefined)[]
  readonly attemptStartedAt: Float64Array
  readonly hasPoolSlot: Uint8Array
  readonly readyAfter: Int32Array
  readonly isBlocked: Uint8Array
  readonly blocked: number[] = []
  readonly success: Int32Array
  readonly skipped: Int32Array
  readonly failed: Int32Array
  readonly upstreamFailed: Int32Array
  readonly removed: Int32Array
  readonly done: Int32Array
  readonly nextAttemptAt: (number | undefined)[]
  unfinished = 0
  running = 0
  readonly queue: number[] = []
  queueHead = 0
  readonly priority: number[] = []
  readonly timers = new Map<number, TimerHandle>()
  readonly poolWaits = new Map<number, () => void>()
  readonly #counts = {
    upstream: 0,
    success: 0,
    skipped: 0,
    failed: 0,
    upstreamFailed: 0,
    removed: 0,
    done: 0,
  }

  constructor(driver: RunDriver, graph: Graph, records: readonly TaskRecord[]) {
    super(driver, graph)
    const n = graph.tasks.length
    this.states = new Array(n).fill('PENDING')
    this.attempts = new Array(n).fill(0)
    this.results = new Array(n)
    this.firstStartedAt = new Array(n)
    this.workers = new Array(n)
    this.nextAttemptAt = new Array(n)
    this.attemptStartedAt = new Float64Array(n).fill(Number.NaN) // NaN: unknown
    this.hasPoolSlot = new Uint8Array(n)
    this.readyAfter = new Int32Array(n) // 0: what the store held when the run was loaded
    this.isBlocked = new Uint8Array(n)
    this.success = new Int32Array(n)
    this.skipped = new Int32Array(n)
    this.failed = new Int32Array(n)
    this.upstreamFailed = new Int32Array(n)
    this.removed = new Int32Array(n)
    this.done = new Int32Array(n)
    for (const r of records) {
      const i = graph.index.get(r.taskId)
      if (i === undefined) continue
      this.states[i] = r.state
      driver.storedVersion(i, r.version)
      this.attempts[i] = r.attempt
      this.results[i] = r.result
      this.firstStartedAt[i] = r.startedAt
      this.nextAttemptAt[i] = r.nextAttemptAt
      if (r.attempt === 1 && r.startedAt !== undefined) this.attemptStartedAt[i] = r.startedAt
    }
  }

  /** Counts finished upstreams, then evaluates / resumes every unfinished task. */
  start(): void {
    const n = this.states.length
    for (let i = 0; i < n; i++) {
      const s = this.states[i]!
      if (FINISHED_TASK_STATES.has(s)) for (const d of this.graph.downstream[i]!) this.count(d, s)
      else this.unfinished++
    }
    const now = this.driver.now()
    for (let i = 0; i < n; i++) {
      switch (this.states[i]) {
        case 'PENDING':
          this.evaluate(i)
          break
        case 'QUEUED':
          this.states[i] = 'PENDING'
          this.ready(i)
          break
        case 'RUNNING':
          this.running++
          if (this.driver.cfg.executor.resumesAttempts === true) {
            // The attempt may still run on a worker: re-attach to it (same idempotency key),
            // once a write of the task has bumped its version, so a late write of the old
            // engine (which also receives the outcome) loses its compare-and-set.
            this.resumePool(i)
            // A retry's start is not stored on the task: count the adopted attempt from now.
            if (Number.isNaN(this.attemptStartedAt[i]!)) this.attemptStartedAt[i] = now
            this.write(i, Object.assign(this.update(i), { state: 'RUNNING' as const }))
            this.driver.dispatchAfter(i, this.driver.batch)
            break
          }
          // Recovery: the attempt's engine died; its outcome is unknown, so it failed.
          this.applyOutcome(i, this.attempts[i]!, {
            status: 'failed',
            retryable: true,
            error: { message: LEASE_EXPIRED, name: 'OrchestrationError', code: 'DF_LEASE_EXPIRED' },
          })
          break
        case 'UP_FOR_RETRY':
        case 'UP_FOR_RESCHEDULE':
          this.wakeAt(i, Math.max(0, (this.nextAttemptAt[i] ?? now) - now))
          break
      }
    }
    this.pump()
  }

  count(d: number, s: TaskState): void {
    if (s === 'SUCCESS') this.success[d]!++
    else if (s === 'SKIPPED') this.skipped[d]!++
    else if (s === 'FAILED') this.failed[d]!++
    else if (s === 'UPSTREAM_FAILED') this.upstreamFailed[d]!++
    else if (s === 'REMOVED') this.removed[d]!++
    this.done[d]!++
  }

  /** Evaluates a PENDING task's trigger rule: start it, end it, or keep waiting. */
  evaluate(i: number): void {
    const c = this.#counts
    c.upstream = this.graph.upstream[i]!.length
    c.success = this.success[i]!
    c.skipped = this.skipped[i]!
    c.failed = this.failed[i]!
    c.upstreamFailed = this.upstreamFailed[i]!
    c.removed = this.removed[i]!
    c.done = this.done[i]!
    const verdict = evaluateTriggerRule(this.graph.tasks[i]!.triggerRule, c, FLAG)
    if (verdict.passed) this.ready(i)
    else if (verdict.newState !== undefined)
      this.finish(i, verdict.newState, { reason: verdict.reason })
  }

  /** After task `i` finished: bump its downstream counters and evaluate the waiting ones. */
  propagate(i: number): void {
    const stack = [i]
    while (stack.length > 0) {
      const j = stack.pop()!
      const s = this.states[j]!
      for (const d of this.graph.downstream[j]!) {
        this.count(d, s)
        // j's outcome is in the batch being built: d may start only once that batch is durable.
        this.readyAfter[d] = this.driver.batch
        if (this.states[d] === 'PENDING') this.evaluate(d)
      }
    }
  }

  /** Outcome from the executor; stale or duplicate deliveries (at-least-once) are ignored. */
  onOutcome(d: TaskDispatch, outcome: TaskOutcome): void {
    const i = this.graph.index.get(d.taskId)
    if (i === undefined || this.states[i] !== 'RUNNING' || this.attempts[i] !== d.attempt) return
    if (this.driver.stopped) {
      this.releaseSlot(i)
      return
    }
    this.applyOutcome(i, d.attempt, outcome)
    this.pump()
  }

  /** A resumed attempt holds its pool slot again (over the limit if the pool is full). */
  resumePool(i: number): void {
    const name = this.graph.tasks[i]!.pool
    if (name === undefined) return
    const pool = internalPool(name)
    if (pool?.tryAcquire()) this.hasPoolSlot[i] = 1
  }

  releaseSlot(i: number): void {
    this.running--
    if (this.hasPoolSlot[i] === 1) {
      this.hasPoolSlot[i] = 0
      internalPool(this.graph.tasks[i]!.pool!)?.release()
    }
  }

  /** Schedules task `i` to become ready after `ms` (retry, reschedule, recovery). */
  wakeAt(i: number, ms: number): void {
    const timer = this.driver.setTimer(() => {
      this.timers.delete(i)
      if (this.driver.stopped || this.driver.cancelled !== undefined) return
      this.ready(i)
      this.pump()
      this.driver.schedule()
    }, ms)
    this.timers.set(i, timer)
  }

  retryDelay(i: number, attempt: number): number {
    return computeRetryDelay(this.graph.tasks[i]!.retry, attempt, this.driver.cfg.random)
  }

  /** cancel(): everything not running ends CANCELLED now; running attempts end via their abort. */
  cancelWaiting(reason: string): void {
    this.stopTimers()
    for (let i = 0; i < this.states.length; i++) {
      const s = this.states[i]!
      if (s === 'RUNNING' || FINISHED_TASK_STATES.has(s)) continue
      this.finish(i, 'CANCELLED', { reason }, false)
    }
  }

  stopTimers(): void {
    for (const t of this.timers.values()) this.driver.cfg.clock.clearTimeout(t)
    this.timers.clear()
    for (const stop of this.poolWaits.values()) stop()
    this.poolWaits.clear()
  }

  errorOf(outcome: TaskOutcome): ErrorRecord | undefined {
    return outcome.status === 'failed' ? outcome.error : undefined
  }
}
