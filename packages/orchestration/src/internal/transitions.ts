/**
 * State transitions of task instances: ready → (QUEUED) → RUNNING → outcome, retries and
 * terminal states. Each transition updates the in-memory arrays, queues one `TaskUpdate` (with
 * the locally predicted CAS version) and, when someone listens, one event.
 */
import type { AttemptRecord, ErrorRecord, TaskUpdate } from '../backend.js'
import type { TimerHandle } from '../clock.js'
import type { TaskOutcome } from '../executor.js'
import type { JsonObject, JsonValue } from '../json.js'
import { internalPool } from '../pools.js'
import type { TaskState } from '../states.js'
import type { Graph } from './graph.js'
import type { RunDriver } from './run-driver.js'
import { fireCallback } from './user-callback.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

interface FinishFields {
  readonly reason?: string | undefined
  readonly result?: JsonValue | undefined
  readonly error?: ErrorRecord | undefined
  readonly outcome?: TaskOutcome
}

export abstract class Transitions {
  readonly driver: RunDriver
  readonly graph: Graph
  abstract readonly states: TaskState[]
  abstract readonly attempts: number[]
  abstract readonly results: (JsonValue | undefined)[]
  abstract readonly firstStartedAt: (number | undefined)[]
  abstract readonly workers: (string | undefined)[]
  abstract readonly attemptStartedAt: Float64Array
  abstract readonly hasPoolSlot: Uint8Array
  /** Per task: the write batch that must be acknowledged before it may start. */
  abstract readonly readyAfter: Int32Array
  /** Tasks whose trigger rule passed on outcomes not yet durable (`isBlocked` flags them). */
  abstract readonly blocked: number[]
  abstract readonly isBlocked: Uint8Array
  abstract unfinished: number
  abstract running: number
  abstract readonly queue: number[]
  abstract queueHead: number
  abstract readonly priority: number[]
  abstract readonly timers: Map<number, TimerHandle>
  abstract readonly poolWaits: Map<number, () => void>
  abstract propagate(i: number): void
  abstract releaseSlot(i: number): void
  abstract wakeAt(i: number, ms: number): void
  abstract retryDelay(i: number, attempt: number): number
  /** Rescheduled attempts per task: they do not use up retries (Airflow's try_number). */
  readonly reschedules = new Map<number, number>()

  constructor(driver: RunDriver, graph: Graph) {
    this.driver = driver
    this.graph = graph
  }

  /** Queues a task update with the next expected version. */
  protected put(i: number, fields: Omit<TaskUpdate, 'runId' | 'taskId' | 'expectedVersion'>): void {
    this.write(i, Object.assign(this.update(i), fields))
  }

  /**
   * Queues task `i`'s update. When the batch not yet sent already updates task `i`, the two
   * become one (applying both in order equals applying the first with the second's fields on
   * top), so a task that is queued, started and finished between two writes costs one row
   * update. The batch stamps `expectedVersion` when it is sent (WriteBatch.take).
   */
  protected write(i: number, u: TaskUpdate): void {
    this.driver.merge(i, u)
  }

  /** A new update of task `i`, to fill in by assignment; its version is stamped when sent. */
  protected update(i: number): Mutable<TaskUpdate> {
    return { runId: this.driver.runId, taskId: this.graph.tasks[i]!.name, expectedVersion: 0 }
  }

  protected emitTask(i: number, state: TaskState, extra?: object): void {
    if (!this.driver.eventsActive) return
    this.driver.event({
      type: 'task',
      pipelineId: this.driver.pipelineId,
      runId: this.driver.runId,
      taskId: this.graph.tasks[i]!.name,
      state,
      attempt: this.attempts[i]!,
      at: this.driver.now(),
      ...extra,
    })
  }

  /** Task `i`'s rule passed (or its retry is due): start it now, or queue it. */
  ready(i: number): void {
    if (this.driver.cancelled !== undefined) return
    if (this.readyAfter[i]! > this.driver.acked) {
      // What made it ready is not durable yet: it waits, PENDING, for that write (unblock), so
      // the workers meanwhile run tasks whose inputs are already stored.
      if (this.isBlocked[i] === 0) {
        this.isBlocked[i] = 1
        this.blocked.push(i)
      }
      return
    }
    // A free worker takes the task now. Depth-first order would pop it next anyway (it is the
    // newest ready task), so it skips the queue and its QUEUED write; FIFO must respect the queue.
    if (
      this.running < this.driver.cfg.maxWorkers &&
      this.priority.length === 0 &&
      (!this.driver.cfg.fifo || this.queueHead >= this.queue.length)
    ) {
      if (this.#acquirePool(i)) {
        this.startAttempt(i)
        return
      }
    } else {
      this.queue.push(i)
    }
    if (this.states[i] !== 'QUEUED') {
      this.states[i] = 'QUEUED'
      const u = this.update(i)
      u.state = 'QUEUED'
      this.write(i, u)
      this.emitTask(i, 'QUEUED')
    }
  }

  /** After write batch `acked` is durable: the tasks it made ready go through `ready` again. */
  unblock(acked: number): void {
    if (this.blocked.length === 0) return
    const blocked = this.blocked.splice(0)
    for (const i of blocked) {
      if (this.readyAfter[i]! > acked) {
        this.blocked.push(i)
        continue
      }
      this.isBlocked[i] = 0
      if (this.states[i] === 'PENDING') this.ready(i)
    }
    this.pump()
  }

  /** Takes a pool slot for `i`, or parks it in the pool's wait list (returns false). */
  #acquirePool(i: number): boolean {
    const name = this.graph.tasks[i]!.pool
    if (name === undefined || this.hasPoolSlot[i] === 1) return true
    const pool = internalPool(name)!
    if (pool.tryAcquire()) {
      this.hasPoolSlot[i] = 1
      return true
    }
    this.poolWaits.set(
      i,
      pool.wait(() => {
        this.poolWaits.delete(i)
        this.hasPoolSlot[i] = 1
        if (this.driver.stopped || this.states[i] !== 'QUEUED') {
          this.hasPoolSlot[i] = 0
          pool.release()
          return
        }
        this.priority.push(i)
        this.pump()
        this.driver.schedule()
      }),
    )
    return false
  }

  /** Starts queued tasks while workers are free. */
  pump(): void {
    const max = this.driver.cfg.maxWorkers
    while (this.running < max && this.driver.cancelled === undefined) {
      let i: number | undefined
      if (this.priority.length > 0) i = this.priority.shift()!
      else if (this.queueHead >= this.queue.length) break
      // Depth-first: the task made ready last starts first (its upstream just finished).
      else if (!this.driver.cfg.fifo) i = this.queue.pop()!
      else i = this.queue[this.queueHead++]!
      if (this.states[i] !== 'QUEUED') continue
      if (this.#acquirePool(i)) this.startAttempt(i)
    }
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue.splice(0, this.queueHead)
      this.queueHead = 0
    }
  }

  startAttempt(i: number): void {
    const attempt = this.attempts[i]! + 1
    const now = this.driver.now()
    const wasRetry = this.attempts[i]! > 0 // clears nextAttemptAt, also after a recovery
    this.attempts[i] = attempt
    this.attemptStartedAt[i] = now
    this.states[i] = 'RUNNING'
    this.running++
    const first = this.firstStartedAt[i] === undefined
    if (first) this.firstStartedAt[i] = now
    const u = this.update(i)
    u.state = 'RUNNING'
    u.attempt = attempt
    if (first) u.startedAt = now
    else if (wasRetry) u.nextAttemptAt = null
    u.attemptRecord = {
      runId: u.runId,
      taskId: u.taskId,
      attempt,
      state: 'RUNNING',
      startedAt: now,
    }
    // On workers elsewhere, a quick attempt's outcome usually arrives within the hold: one write.
    if (this.driver.cfg.holdRunning) this.driver.holdRunning(i, u)
    else this.write(i, u)
    this.driver.dispatchAfter(i, this.readyAfter[i]!)
    if (this.driver.eventsActive) this.emitTask(i, 'RUNNING', { attemptStartedAt: now })
  }

  /** Applies an attempt's outcome (the attempt was RUNNING and counted in `running`). */
  applyOutcome(i: number, attempt: number, outcome: TaskOutcome): void {
    this.releaseSlot(i)
    const d = this.driver
    const task = this.graph.tasks[i]!
    if (outcome.status === 'success') {
      this.results[i] = outcome.result
      this.finish(i, 'SUCCESS', { result: outcome.result, outcome })
      const info = {
        runId: d.runId,
        pipelineId: d.pipelineId,
        taskId: task.name,
        attempt,
        ...(outcome.result !== undefined ? { result: outcome.result } : {}),
      }
      d.afterWrite(() => fireCallback(d, i, attempt, task.onSuccess, info, 'onSuccess'))
      return
    }
    if (outcome.status === 'skipped') {
      this.finish(i, 'SKIPPED', { reason: outcome.reason, outcome })
      return
    }
    if (outcome.status === 'cancelled' || d.cancelled !== undefined) {
      this.finish(i, 'CANCELLED', {
        reason: outcome.status === 'cancelled' ? outcome.reason : d.cancelled,
        outcome,
      })
      return
    }
    if (outcome.status === 'reschedule') {
      const now = d.now()
      this.states[i] = 'UP_FOR_RESCHEDULE'
      this.reschedules.set(i, (this.reschedules.get(i) ?? 0) + 1)
      this.put(i, {
        state: 'UP_FOR_RESCHEDULE',
        nextAttemptAt: outcome.at,
        attemptRecord: this.#attemptEnd(i, attempt, 'UP_FOR_RESCHEDULE', now, outcome),
      })
      this.emitTask(i, 'UP_FOR_RESCHEDULE', { nextAttemptAt: outcome.at })
      this.wakeAt(i, Math.max(0, outcome.at - now))
      return
    }
    const info = {
      runId: d.runId,
      pipelineId: d.pipelineId,
      taskId: task.name,
      attempt,
      error: outcome.error,
    }
    const tries = attempt - (this.reschedules.get(i) ?? 0)
    if (outcome.retryable && tries <= task.retry.retries) {
      const now = d.now()
      const delay = this.retryDelay(i, tries)
      const next = now + delay
      this.states[i] = 'UP_FOR_RETRY'
      this.put(i, {
        state: 'UP_FOR_RETRY',
        nextAttemptAt: next,
        error: outcome.error,
        attemptRecord: this.#attemptEnd(i, attempt, 'FAILED', now, outcome),
      })
      this.emitTask(i, 'UP_FOR_RETRY', {
        error: outcome.error,
        nextAttemptAt: next,
        durationMs: now - this.attemptStartedAt[i]!,
      })
      const retryInfo = { ...info, nextAttemptAt: next }
      d.afterWrite(() => {
        fireCallback(d, i, attempt, task.onRetry, retryInfo, 'onRetry')
        fireCallback(d, i, attempt, d.cfg.onRetry, retryInfo, 'pipeline onRetry')
      })
      this.wakeAt(i, delay)
      return
    }
    this.finish(i, 'FAILED', {
      error: outcome.error,
      ...(outcome.result !== undefined ? { result: outcome.result } : {}),
      outcome,
    })
    d.afterWrite(() => fireCallback(d, i, attempt, task.onFailure, info, 'onFailure'))
  }

  #attemptEnd(
    i: number,
    attempt: number,
    state: TaskState,
    now: number,
    outcome: TaskOutcome,
  ): AttemptRecord {
    const o = outcome as { log?: string; error?: ErrorRecord; meta?: JsonObject }
    const started = this.attemptStartedAt[i]!
    const record: Mutable<AttemptRecord> = {
      runId: this.driver.runId,
      taskId: this.graph.tasks[i]!.name,
      attempt,
      state,
      startedAt: Number.isNaN(started) ? now : started,
      endedAt: now,
    }
    if (o.error !== undefined) record.error = o.error
    if (o.log !== undefined) record.log = o.log
    if (o.meta !== undefined) record.meta = o.meta
    const worker = this.workers[i]
    if (worker !== undefined) {
      record.worker = worker
      this.workers[i] = undefined
    }
    return record
  }

  /** Moves task `i` to a terminal state, writes it and (by default) propagates downstream. */
  finish(i: number, state: TaskState, f: FinishFields, propagate = true): void {
    const previous = this.states[i]!
    const now = this.driver.now()
    if (previous !== 'RUNNING' && this.hasPoolSlot[i] === 1) {
      this.hasPoolSlot[i] = 0
      internalPool(this.graph.tasks[i]!.pool!)?.release()
    }
    if (this.poolWaits.size > 0) {
      this.poolWaits.get(i)?.()
      this.poolWaits.delete(i)
    }
    this.states[i] = state
    this.unfinished--
    const attempt = this.attempts[i]!
    // Built by assignment, not conditional spreads: this runs once per task on the hot path.
    const u = this.update(i)
    u.state = state
    u.endedAt = now
    if (f.result !== undefined) u.result = f.result
    if (f.error !== undefined) u.error = f.error
    else if (state === 'SUCCESS' && attempt > 1) u.error = null
    if (f.reason !== undefined) u.reason = f.reason
    if (previous === 'UP_FOR_RETRY' || previous === 'UP_FOR_RESCHEDULE') u.nextAttemptAt = null
    const attemptRecord =
      f.outcome && previous === 'RUNNING'
        ? this.#attemptEnd(i, attempt, state, now, f.outcome)
        : undefined
    if (attemptRecord !== undefined) u.attemptRecord = attemptRecord
    this.write(i, u)
    if (this.driver.eventsActive) {
      this.emitTask(i, state, {
        ...(attemptRecord
          ? { attemptStartedAt: attemptRecord.startedAt, durationMs: now - attemptRecord.startedAt }
          : {}),
        ...(f.error !== undefined ? { error: f.error } : {}),
        ...(f.reason !== undefined ? { reason: f.reason } : {}),
      })
    }
    if (propagate) this.propagate(i)
  }
}
