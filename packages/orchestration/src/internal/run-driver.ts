/**
 * Drives one run: trigger rules on indegree-style counters, a ready queue bounded by
 * `maxWorkers` and pools, retries on timers, and batched durable writes.
 *
 * Per task the work is O(edges): finishing a task bumps its downstream tasks' counters and
 * evaluates only them. Every state change is queued as a `TaskUpdate` and written in one
 * `updateTasks` call per scheduling tick; dispatches and events of that tick happen only after
 * the write succeeded, so a downstream task never starts before its upstream's outcome is
 * durable. A lost compare-and-set means another engine owns the run: we stop driving it.
 */
import type { Backend, RunRecord, TaskRecord, TaskUpdate } from '../backend.js'
import type { Clock, TimerHandle } from '../clock.js'
import { OrchestrationError } from '../errors.js'
import type { EventHub, PipelineEvent } from '../events.js'
import type { AttemptControl, Executor, TaskDispatch, TaskOutcome } from '../executor.js'
import type { JsonObject, JsonValue } from '../json.js'
import type { RunResult } from '../pipeline-options.js'
import type { TaskCallbackInfo } from '../task.js'
import { type AttemptHost, upstreamResult } from './attempt-context.js'
import { executeAttempt } from './attempt-runner.js'
import type { Graph } from './graph.js'
import { dispatchOf } from './remote-dispatch.js'
import { finalizeRun } from './run-finalize.js'
import { StoredRows } from './stored-rows.js'
import { TaskTable } from './task-table.js'
import { Alarm, WriteBatch, writeBatch } from './write-batch.js'

/**
 * How long a remote attempt's RUNNING mark waits for its outcome to fold into (WriteBatch.hold):
 * longer than a quick task's round trip through the workers, short enough for a live view.
 */
const RUNNING_HOLD_MS = 200

/** Everything a driver needs; built by the Pipeline. */
export interface DriverConfig {
  readonly graph: Graph
  readonly backend: Backend
  readonly executor: Executor
  readonly clock: Clock
  readonly hub: EventHub
  readonly run: RunRecord
  readonly records: readonly TaskRecord[]
  readonly context: Readonly<Record<string, unknown>>
  readonly maxWorkers: number
  /** Start ready tasks in the order they became ready (else newest first, depth-first). */
  readonly fifo: boolean
  readonly maxResultBytes: number
  readonly maxLogBytes: number
  readonly random: () => number
  /** This engine instance's id (the lease owner). */
  readonly owner: string
  /** Hold RUNNING marks for outcomes to fold into (a remote executor, a run not adopted). */
  readonly holdRunning: boolean
  readonly onRetry?: (info: TaskCallbackInfo) => unknown
  /** Called once when the driver stops (finished or lost). */
  readonly onStop: (driver: RunDriver) => void
}

export class RunDriver implements AttemptHost {
  readonly cfg: DriverConfig
  readonly runId: string
  readonly pipelineId: string
  readonly logicalDate: string
  readonly dataIntervalStart: string | undefined
  readonly dataIntervalEnd: string | undefined
  readonly params: JsonObject
  readonly context: Readonly<Record<string, unknown>>
  readonly maxLogBytes: number
  readonly table: TaskTable
  runRecord: RunRecord
  /** Set by cancel(): no new attempt starts. */
  cancelled: string | undefined
  stopped = false
  readonly #batch: WriteBatch
  /** Started attempts whose inputs are already durable: dispatched in the next microtask. */
  #dispatchNow: number[] = []
  #events: PipelineEvent[] = []
  #after: Array<() => void> = []
  #flushing = false
  #scheduled = false
  /** Flushes when the first held RUNNING mark is due. */
  readonly #holdAlarm: Alarm
  #finalizing = false
  /** Each task's row as the store last returned it. */
  readonly #rows: StoredRows
  readonly #done: Promise<RunRecord>
  #resolve!: (run: RunRecord) => void
  #reject!: (error: unknown) => void

  constructor(cfg: DriverConfig) {
    this.cfg = cfg
    this.runRecord = cfg.run
    this.runId = cfg.run.id
    this.pipelineId = cfg.graph.pipelineId
    this.logicalDate = cfg.run.logicalDate
    this.dataIntervalStart = cfg.run.dataIntervalStart
    this.dataIntervalEnd = cfg.run.dataIntervalEnd
    this.params = cfg.run.params
    this.context = cfg.context
    this.maxLogBytes = cfg.maxLogBytes
    this.#batch = new WriteBatch(cfg.graph.tasks.length)
    this.#holdAlarm = new Alarm(cfg.clock, () => this.schedule())
    this.table = new TaskTable(this, cfg.graph, cfg.records)
    this.#rows = new StoredRows(cfg.graph, cfg.records)
    this.#done = new Promise<RunRecord>((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
    this.#done.catch(() => {}) // the Pipeline observes it; avoid an unhandled rejection meanwhile
  }

  /** Evaluates every waiting task and starts what is ready; resolves with the final run. */
  start(): Promise<RunRecord> {
    this.table.start()
    this.schedule()
    return this.#done
  }

  /** True while the final run update is being written. */
  get finalizing(): boolean {
    return this.#finalizing
  }

  now(): number {
    return this.cfg.clock.now()
  }

  get eventsActive(): boolean {
    return this.cfg.hub.active
  }

  // ==== writes, dispatches, events: one batch per tick ============================================

  /** The number of the write batch being built now. */
  get batch(): number {
    return this.#batch.building
  }

  /** The number of the last write batch the backend acknowledged. */
  get acked(): number {
    return this.#batch.acked
  }

  /** Task `index`'s version in the store when the run was loaded. */
  storedVersion(index: number, version: number): void {
    this.#batch.setVersion(index, version)
  }

  /** Queues task `index`'s update; true when it folded into one already waiting (WriteBatch.add). */
  merge(index: number, update: TaskUpdate): boolean {
    const folded = this.#batch.add(index, update)
    if (!folded) this.schedule()
    return folded
  }

  /** Queues a remote attempt's RUNNING update, held a little for its outcome to fold into. */
  holdRunning(index: number, update: TaskUpdate): void {
    const until = this.now() + RUNNING_HOLD_MS
    if (this.#batch.hold(index, update, until)) this.schedule()
    else this.#armHold(until)
  }

  #armHold(at: number): void {
    if (!this.stopped) this.#holdAlarm.at(at)
  }

  /** Dispatches `index` once batch `after` is acked (next microtask if it is; see WriteBatch). */
  dispatchAfter(index: number, after: number): void {
    if (after <= this.#batch.acked) {
      if (this.#dispatchNow.length === 0) queueMicrotask(this.#dispatchReady)
      this.#dispatchNow.push(index)
    } else {
      this.#batch.wait(index, after)
    }
  }

  readonly #dispatchReady = (): void => {
    const ready = this.#dispatchNow
    this.#dispatchNow = []
    if (this.stopped) return
    for (const index of ready) this.#dispatch(index)
  }
  event(event: PipelineEvent): void {
    this.#events.push(event)
  }
  afterWrite(fn: () => void): void {
    this.#after.push(fn)
  }

  schedule(): void {
    if (this.#scheduled || this.#flushing || this.stopped) return
    this.#scheduled = true
    queueMicrotask(() => {
      this.#scheduled = false
      void this.#flush()
    })
  }

  async #flush(): Promise<void> {
    if (this.#flushing || this.stopped) return
    this.#flushing = true
    try {
      const batches = this.#batch
      let foldWait = false
      let nextHold = batches.release(this.now())
      while (
        batches.writes.length > 0 ||
        batches.waiting ||
        this.#after.length > 0 ||
        this.#events.length > 0
      ) {
        const events = this.#events
        const after = this.#after
        const { writes, indices, batch } = batches.take()
        this.#events = []
        this.#after = []
        if (writes.length > 0) {
          // Did the write wait for I/O (an event-loop turn passed) or settle in microtasks?
          let turned = false
          const probe = setImmediate(() => {
            turned = true
          })
          const results = await writeBatch(
            this.cfg.backend,
            this.cfg.clock,
            writes,
            () => this.stopped,
          )
          clearImmediate(probe)
          foldWait = turned
          if (this.stopped) return
          for (let i = 0; i < results.length; i++) {
            const r = results[i]!
            if (r.ok) this.#rows.set(indices[i]!, r.value)
            else {
              const w = writes[i]!
              return this.lose(
                new OrchestrationError(
                  'DF_CONFLICT',
                  `[@df/orchestration] Run '${this.runId}': the update of task '${w.taskId}' lost its compare-and-set (${r.reason}); another engine owns the run now, so this one stopped driving it.`,
                ),
              )
            }
          }
        }
        const released = batches.acknowledge(batch)
        const hub = this.cfg.hub
        for (const e of events) hub.emit(e)
        for (const index of released) this.#dispatch(index)
        this.table.unblock(batch)
        for (const fn of after) fn()
        if (batches.writes.length > 0 && foldWait) {
          // After a write that cost a round trip, two macrotask turns before the next batch:
          // attempts just released that finish at once fold their RUNNING and their outcome into
          // one update (half the writes on SQL backends). After a write that did not (the memory
          // backend), the wait would cost more than the write it saves, and every released task's
          // successors would wait for it: the next batch goes at once.
          await new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)))
          if (this.stopped) return
        }
        nextHold = batches.release(this.now())
      }
      this.#armHold(nextHold)
      if (this.table.unfinished === 0 && this.table.running === 0 && !this.#finalizing) {
        this.#finalizing = true
        const run = await finalizeRun(this)
        if (run) this.#stop(run)
      }
    } catch (error) {
      this.lose(error)
    } finally {
      this.#flushing = false
    }
    if (this.#batch.writes.length > 0 || this.#batch.waiting || this.#events.length > 0) {
      this.schedule()
    }
  }

  #dispatch(index: number): void {
    const d = dispatchOf(this, index)
    if (this.cancelled !== undefined) {
      // Cancelled between the write and the dispatch: never start it.
      this.onOutcome(d, { status: 'cancelled', reason: this.cancelled })
      return
    }
    this.cfg.executor.dispatch(d).catch((error: unknown) => {
      this.onOutcome(d, {
        status: 'failed',
        retryable: true,
        error: {
          message: `[@df/orchestration] The ${this.cfg.executor.name} executor refused the attempt: ${error instanceof Error ? error.message : String(error)}`,
          name: 'OrchestrationError',
          code: 'DF_EXECUTOR_REFUSED',
        },
      })
    })
  }

  // ==== executor side ===============================================================================

  /** The engine's TaskHandler for this run. */
  execute(d: TaskDispatch, control: AttemptControl): Promise<TaskOutcome> {
    return executeAttempt(this, d, control)
  }

  onOutcome(d: TaskDispatch, outcome: TaskOutcome): void {
    this.table.onOutcome(d, outcome)
  }

  /** The executor says which worker runs attempt `d` (stored on its attempt record). */
  onStart(d: TaskDispatch, worker: string): void {
    const i = this.cfg.graph.index.get(d.taskId)
    if (i !== undefined && this.table.attempts[i] === d.attempt) this.table.workers[i] = worker
  }

  resultFor(taskIndex: number, name: string): JsonValue | undefined {
    return upstreamResult(this.cfg.graph, this.table.results, taskIndex, name)
  }

  emitLog(
    taskIndex: number,
    attempt: number,
    level: 'info' | 'warn' | 'error',
    message: string,
  ): void {
    if (!this.cfg.hub.active) return
    const event: PipelineEvent = {
      type: 'log',
      pipelineId: this.pipelineId,
      runId: this.runId,
      taskId: this.cfg.graph.tasks[taskIndex]!.name,
      attempt,
      at: this.now(),
      level,
      message,
    }
    // An attempt may start before its RUNNING write is acknowledged (dispatchAfter): its log
    // lines queue behind that event, so listeners see RUNNING, the lines, then the outcome.
    if (this.stopped || this.#finalizing) this.cfg.hub.emit(event)
    else {
      this.#events.push(event)
      this.schedule()
    }
  }

  // ==== lifecycle ===================================================================================

  /** Cancels the run: running attempts are aborted, the rest become CANCELLED. */
  cancel(reason: string): void {
    if (this.cancelled !== undefined || this.stopped || this.#finalizing) return
    this.cancelled = reason
    this.table.cancelWaiting(reason)
    void this.cfg.executor
      .cancel(this.runId, undefined, { engineId: this.cfg.owner })
      .catch(() => {})
    this.schedule()
  }

  /** Stops driving (lost lease or CAS, backend failure); the run() promise rejects with `error`. */
  lose(error: unknown): void {
    if (this.stopped) return
    this.stopped = true
    this.table.stopTimers()
    this.#holdAlarm.clear()
    // Scoped: on a shared queue, losing the run must not abort the new owner's attempts.
    void this.cfg.executor
      .cancel(this.runId, undefined, { engineId: this.cfg.owner, lost: true })
      .catch(() => {})
    this.cfg.onStop(this)
    this.#reject(error)
  }

  /** The finished run with every task's stored row (no re-read); undefined before the end. */
  result(): RunResult | undefined {
    return this.stopped ? this.#rows.result(this.runRecord) : undefined
  }

  #stop(run: RunRecord): void {
    this.stopped = true
    this.table.stopTimers()
    this.#holdAlarm.clear()
    this.runRecord = run
    this.cfg.onStop(this)
    this.#resolve(run)
  }

  /** @internal retry/reschedule timers */
  setTimer(fn: () => void, ms: number): TimerHandle {
    return this.cfg.clock.setTimeout(fn, ms)
  }

  clearTimer(handle: TimerHandle): void {
    this.cfg.clock.clearTimeout(handle)
  }

  taskStartedAt(taskIndex: number): number | undefined {
    return this.table.firstStartedAt[taskIndex]
  }
}
