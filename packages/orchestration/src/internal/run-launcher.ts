/**
 * Creating, queueing, resuming and finishing runs for one Pipeline: the `maxActiveRuns` slots,
 * the run record's lifecycle around a {@link RunDriver}, reruns and recovery.
 */
import type { NewRun, RunRecord, TaskRecord } from '../backend.js'
import { OrchestrationError } from '../errors.js'
import type { EventHub } from '../events.js'
import type { JsonObject } from '../json.js'
import { validateRunParams } from '../params-schema.js'
import type { Pipeline } from '../pipeline.js'
import type { PipelineOptions, RerunOptions, RunOptions, RunResult } from '../pipeline-options.js'
import { FINISHED_RUN_STATES } from '../states.js'
import { registerDriver, unregisterDriver } from './engine-hooks.js'
import type { Graph } from './graph.js'
import { checkJsonResult } from './json-result.js'
import type { LeaseKeeper } from './lease-keeper.js'
import { copiedTasks, copiedTaskUpdate } from './rerun-plan.js'
import { RunDriver } from './run-driver.js'
import { newRunId, toIso } from './run-ids.js'
import { recoverRuns } from './run-recovery.js'
import { RunSlots } from './run-slots.js'

/** A schedule tick's run: what the scheduler hands `RunLauncher.launchScheduled`. */
export interface ScheduledFire {
  readonly runId: string
  readonly scheduleId: string
  readonly params: JsonObject
  readonly logicalDate: string
  readonly dataIntervalStart: string
  readonly dataIntervalEnd: string
}

export interface LauncherConfig {
  readonly pipeline: Pipeline
  readonly hub: EventHub
  readonly leases: LeaseKeeper
  readonly options: PipelineOptions
  readonly prepare: () => Promise<Graph>
}

export class RunLauncher {
  readonly c: LauncherConfig
  readonly #drivers = new Map<string, RunDriver>()
  /** The maxActiveRuns slots and the runs queued for one. */
  readonly slots: RunSlots
  /** Recoveries `recoverOnRun` started; `settle()` (from `Pipeline.close()`) waits for them. */
  readonly #recovering = new Set<Promise<unknown>>()

  constructor(config: LauncherConfig) {
    this.c = config
    this.slots = new RunSlots(() => config.pipeline.settings.maxActiveRuns)
  }

  async run(_graph: Graph, o: RunOptions): Promise<RunResult> {
    const p = this.c.pipeline
    const params = o.params ?? {}
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      throw new OrchestrationError(
        'DF_OPTION_INVALID',
        `[@df/orchestration] run({ params }) must be a JSON object.`,
      )
    }
    checkJsonResult(params, 1_048_576, 'run params')
    const declared = validateRunParams(this.c.options.params, params as JsonObject, p.name)
    const logicalDate = toIso(o.logicalDate ?? new Date(p.clock.now()))
    const graph = await this.c.prepare()
    if (this.c.options.recoverOnRun) this.#background(this.recover(graph, { wait: true }))
    return this.#launch(
      graph,
      { params: declared, logicalDate, trigger: o.trigger ?? 'manual' },
      o.context ?? {},
      o.signal,
    )
  }

  async rerun(_graph: Graph, runId: string, o: RerunOptions): Promise<RunResult> {
    const graph = await this.c.prepare()
    const backend = this.c.pipeline.backend
    const previous = await backend.getRun(runId)
    if (!previous)
      throw new OrchestrationError(
        'DF_NOT_FOUND',
        `[@df/orchestration] rerun: run '${runId}' does not exist.`,
      )
    if (!FINISHED_RUN_STATES.has(previous.status)) {
      throw new OrchestrationError(
        'DF_OPTION_INVALID',
        `[@df/orchestration] rerun: run '${runId}' is still ${previous.status}.`,
      )
    }
    const records = await backend.getTasks(runId)
    const shape = { ...graph, names: graph.tasks.map((t) => t.name) }
    const copied = copiedTasks(shape, records, o.from ?? 'failed')
    const base = {
      params: previous.params,
      logicalDate: previous.logicalDate,
      trigger: 'rerun' as const,
      rerunOf: runId,
    }
    return this.#launch(graph, base, o.context ?? {}, o.signal, { copied })
  }

  /**
   * Creates the run of a schedule tick (its id derived from the schedule and the tick, so a
   * second creation is `DF_CONFLICT`) and drives it here. `created` settles once the run is
   * stored (or its creation failed); `done` when the run ends.
   */
  launchScheduled(fire: ScheduledFire): {
    created: Promise<RunRecord>
    done: Promise<RunResult>
  } {
    let onCreated!: (run: RunRecord) => void
    let onFailed!: (error: unknown) => void
    const created = new Promise<RunRecord>((resolve, reject) => {
      onCreated = resolve
      onFailed = reject
    })
    const done = (async () => {
      const graph = await this.c.prepare()
      const { runId, ...base } = fire
      return this.#launch(graph, { ...base, trigger: 'schedule' }, {}, undefined, {
        id: runId,
        onCreated,
      })
    })()
    done.catch(onFailed) // after creation this is a no-op: `created` already resolved
    return { created, done }
  }

  async #launch(
    graph: Graph,
    base: Pick<
      NewRun,
      | 'params'
      | 'logicalDate'
      | 'trigger'
      | 'rerunOf'
      | 'scheduleId'
      | 'dataIntervalStart'
      | 'dataIntervalEnd'
    >,
    context: Readonly<Record<string, unknown>>,
    signal: AbortSignal | undefined,
    extra: {
      copied?: ReadonlyMap<string, TaskRecord> | undefined
      /** A chosen run id (scheduled runs); else a fresh sortable id. */
      id?: string
      onCreated?: (run: RunRecord) => void
    } = {},
  ): Promise<RunResult> {
    const p = this.c.pipeline
    const copied = extra.copied
    signal?.throwIfAborted()
    const now = p.clock.now()
    const queued = !this.slots.tryTake()
    const id = extra.id ?? newRunId(now)
    let run: RunRecord
    try {
      run = await p.backend.createRun({
        id,
        pipelineId: p.name,
        status: queued ? 'QUEUED' : 'RUNNING',
        ...base,
        definitionHash: graph.definitionHash,
        createdAt: now,
        // A queued run is leased too, so recover() can take it over if this engine dies.
        ...(queued ? {} : { startedAt: now }),
        owner: p.engineId,
        leaseExpiresAt: now + p.settings.leaseMs,
        tasks: graph.tasks.map((t) =>
          copied?.has(t.name)
            ? { taskId: t.name, state: copied.get(t.name)!.state }
            : { taskId: t.name },
        ),
      })
    } catch (error) {
      if (!queued) this.slots.release()
      throw error
    }
    extra.onCreated?.(run)
    this.emitRun(run)
    if (queued) run = await this.waitForSlot(run, signal)
    if (run.status === 'CANCELLED') return this.load(run.id) as Promise<RunResult>
    let records: TaskRecord[]
    if (copied && copied.size > 0) {
      const results = await p.backend.updateTasks(
        [...copied.values()].map((r) => copiedTaskUpdate(id, r, base.rerunOf as string)),
      )
      records = results.flatMap((r) => (r.ok ? [r.value] : []))
    } else {
      records = graph.tasks.map((t) => ({
        runId: id,
        taskId: t.name,
        state: 'PENDING',
        attempt: 0,
        version: 1,
      }))
    }
    return this.drive(graph, run, records, context, signal)
  }

  /**
   * Takes a `maxActiveRuns` slot for a QUEUED run this engine owns (one it created QUEUED, or a
   * QUEUED run it claimed: a dead engine's queue, or a run request), waiting for one while
   * holding the run's lease; then marks the run RUNNING (or CANCELLED when it was cancelled
   * meanwhile).
   */
  async waitForSlot(run: RunRecord, signal: AbortSignal | undefined): Promise<RunRecord> {
    const p = this.c.pipeline
    const cancelled = this.slots.tryTake()
      ? undefined
      : await this.slots.queue(
          run,
          this.c.leases,
          signal,
          () => this.cancel(run.id, abortReason(signal)),
          (reason) => this.cancel(run.id, reason),
        )
    const now = p.clock.now()
    const update =
      cancelled !== undefined
        ? {
            status: 'CANCELLED' as const,
            endedAt: now,
            message: `Cancelled while queued: ${cancelled}`,
            owner: null,
            leaseExpiresAt: null,
          }
        : {
            status: 'RUNNING' as const,
            startedAt: now,
            owner: p.engineId,
            leaseExpiresAt: now + p.settings.leaseMs,
          }
    if (cancelled !== undefined) this.slots.release()
    // The version is exact (renewals leave it alone): a conflict means another engine took over.
    const result = await p.backend.updateRun({
      id: run.id,
      expectedVersion: run.version,
      ...update,
    })
    if (result.ok) {
      this.emitRun(result.value)
      return result.value
    }
    if (cancelled === undefined) this.slots.release()
    throw new OrchestrationError(
      'DF_CONFLICT',
      `[@df/orchestration] Queued run '${run.id}' was taken over by another engine while it waited.`,
    )
  }

  async drive(
    graph: Graph,
    run: RunRecord,
    records: readonly TaskRecord[],
    context: Readonly<Record<string, unknown>>,
    signal?: AbortSignal,
    recovered = false,
  ): Promise<RunResult> {
    const p = this.c.pipeline
    const o = this.c.options
    const driver = new RunDriver({
      graph,
      backend: p.backend,
      executor: p.executor,
      clock: p.clock,
      hub: this.c.hub,
      run,
      records,
      context,
      maxWorkers: p.settings.maxWorkers,
      fifo: o.scheduling === 'fifo',
      maxResultBytes: p.settings.maxResultBytes,
      maxLogBytes: p.settings.maxLogBytes,
      random: o.random ?? Math.random,
      owner: p.engineId,
      // An adopted run writes its starts at once: they fence out the late writes of the engine
      // it took the run from (whose own RUNNING marks may still have been held).
      holdRunning: p.executor.remote === true && !recovered,
      ...(o.onRetry ? { onRetry: o.onRetry } : {}),
      onStop: (d) => {
        unregisterDriver(d)
        this.c.leases.delete(d)
        if (this.#drivers.get(d.runId) === d) this.#drivers.delete(d.runId)
      },
    })
    this.#drivers.set(run.id, driver)
    registerDriver(driver)
    this.c.leases.add(driver)
    const onAbort = () => driver.cancel(abortReason(signal))
    signal?.addEventListener('abort', onAbort)
    if (signal?.aborted) onAbort()
    let final: RunRecord
    try {
      final = await driver.start()
    } finally {
      signal?.removeEventListener('abort', onAbort)
      this.slots.release()
    }
    const result = driver.result() ?? (await this.load(final.id)) ?? { ...final, tasks: {} }
    const callback =
      final.status === 'SUCCESS' ? o.onSuccess : final.status === 'FAILED' ? o.onFailure : undefined
    if (callback) {
      try {
        await callback(result)
      } catch {
        // Documented: a run callback never changes the run's outcome.
      }
    }
    return result
  }

  #background(work: Promise<unknown>): void {
    const tracked: Promise<unknown> = work
      .catch(() => {})
      .finally(() => this.#recovering.delete(tracked))
    this.#recovering.add(tracked)
  }

  /** Resolves once every run `recoverOnRun` took over has ended (so a process may exit). */
  async settle(): Promise<void> {
    while (this.#recovering.size > 0) await Promise.all([...this.#recovering])
  }

  /** Claims and resumes runs whose engine died (see run-recovery.ts). */
  recover(graph: Graph, o: { limit?: number; wait?: boolean }): Promise<RunResult[]> {
    return recoverRuns(this, graph, o)
  }

  cancel(runId: string, reason: string): boolean {
    const driver = this.#drivers.get(runId)
    if (driver) {
      driver.cancel(reason)
      return true
    }
    return this.slots.cancel(runId, reason)
  }

  async load(runId: string): Promise<RunResult | undefined> {
    const backend = this.c.pipeline.backend
    const run = await backend.getRun(runId)
    if (!run) return undefined
    const tasks: Record<string, TaskRecord> = {}
    for (const t of await backend.getTasks(runId)) tasks[t.taskId] = t
    return { ...run, tasks }
  }

  emitRun(run: RunRecord): void {
    const hub = this.c.hub
    if (!hub.active) return
    hub.emit({
      type: 'run',
      pipelineId: run.pipelineId,
      runId: run.id,
      state: run.status,
      at: this.c.pipeline.clock.now(),
      trigger: run.trigger,
      ...(run.message ? { message: run.message } : {}),
    })
  }
}

/** The run's cancel reason: the signal's own (`cancelled by SIGTERM`), else a generic one. */
function abortReason(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason
  const text = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : ''
  // An AbortController aborted without a reason gets a DOMException "This operation was aborted".
  return text && !(reason instanceof DOMException) ? text : 'cancelled by the run() signal'
}
