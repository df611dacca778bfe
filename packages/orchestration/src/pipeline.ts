/**
 * `Pipeline`: a named DAG of tasks and the engine that runs it.
 *
 * Each run is driven by one engine instance holding a lease on it in the backend; every state
 * change is durable before anything downstream starts, so another engine can take a run over
 * (`recover()`) when this process dies. See docs/contracts.md.
 */
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { Backend, TaskRecord } from './backend.js'
import { type Clock, systemClock } from './clock.js'
import { OrchestrationError } from './errors.js'
import { EventHub, type PipelineEvent, type PipelineEventListener } from './events.js'
import type { Executor } from './executor.js'
import { createInProcessExecutor } from './in-process-executor.js'
import { ENGINE_HOOKS } from './internal/engine-hooks.js'
import { compileGraph, type Graph } from './internal/graph.js'
import { LeaseKeeper } from './internal/lease-keeper.js'
import { toMermaid } from './internal/mermaid.js'
import { checkOptionKeys } from './internal/option-keys.js'
import { RunLauncher } from './internal/run-launcher.js'
import { registerScheduledLaunch } from './internal/scheduled-launch.js'
import type { JsonObject } from './json.js'
import { createMemoryBackend } from './memory-backend.js'
import {
  type PipelineOptions,
  RERUN_OPTION_KEYS,
  type RerunOptions,
  type ResolvedPipelineOptions,
  RUN_OPTION_KEYS,
  type RunOptions,
  type RunResult,
  resolvePipelineOptions,
} from './pipeline-options.js'
import { getPool } from './pools.js'
import {
  type ResolvedSchedule,
  resolveScheduleOptions,
  type ScheduleOptions,
} from './schedule-options.js'
import type { Task } from './task.js'

let compiledGraph: (pipeline: Pipeline) => Graph

/** The compiled graph of a pipeline (internal: `createTaskRunner` resolves tasks with it). */
export function pipelineGraph(pipeline: Pipeline): Graph {
  return compiledGraph(pipeline)
}

const RECOVER_OPTION_KEYS: ReadonlySet<string> = new Set(['limit', 'wait'])

/**
 * A pipeline of tasks.
 *
 * @example
 * const pipeline = new Pipeline('daily_etl', { maxWorkers: 4 })
 * const extract = new Task({ name: 'extract', run: async () => ({ table: 'staging.orders' }) })
 * const load = new Task({ name: 'load', retries: 2, run: async (ctx) => ctx.get('extract') })
 * pipeline.addTask(extract).addTask(load)
 * extract.setDownstream(load)
 * const run = await pipeline.run({ params: { region: 'eu' } })
 * run.status // 'SUCCESS'
 */
export class Pipeline {
  readonly name: string
  readonly backend: Backend
  readonly executor: Executor
  readonly clock: Clock
  /** The lease owner id of this engine instance. */
  readonly engineId: string
  readonly settings: ResolvedPipelineOptions
  readonly #options: PipelineOptions
  readonly #ownsExecutor: boolean
  readonly #tasks: Task[] = []
  readonly #names = new Set<string>()
  readonly #hub = new EventHub()
  readonly #leases: LeaseKeeper
  readonly #launcher: RunLauncher
  readonly #schedules: ResolvedSchedule[] = []
  #graph: Graph | undefined
  #ready: Promise<void> | undefined
  #storedHash: string | undefined

  /** @throws OrchestrationError `DF_OPTION_INVALID` for a bad name or option. */
  constructor(name: string, options: PipelineOptions = {}) {
    if (typeof name !== 'string' || name === '' || name.length > 250) {
      throw new OrchestrationError(
        'DF_OPTION_INVALID',
        `[@df/orchestration] A pipeline needs a name of 1 to 250 characters, got ${JSON.stringify(name)}.`,
      )
    }
    this.name = name
    this.#options = options
    this.settings = resolvePipelineOptions(name, options)
    this.clock = options.clock ?? systemClock
    this.backend = options.backend ?? createMemoryBackend()
    this.#ownsExecutor = options.executor === undefined
    this.executor = options.executor ?? createInProcessExecutor({ clock: this.clock })
    this.engineId =
      options.engineId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
    this.#leases = new LeaseKeeper(this.backend, this.clock, this.engineId, this.settings.leaseMs)
    this.#launcher = new RunLauncher({
      pipeline: this,
      hub: this.#hub,
      leases: this.#leases,
      options,
      prepare: () => this.#prepare(),
    })
    registerScheduledLaunch(this, (fire) => this.#launcher.launchScheduled(fire))
    const declared = options.schedule
    if (declared !== undefined) {
      for (const s of Array.isArray(declared) ? declared : [declared]) this.schedule(s)
    }
  }

  /**
   * Declares a schedule (cron or interval), validated now: a bad cron expression, an unknown
   * timezone, `every` <= 0 or an unknown option throws `DF_SCHEDULE_INVALID`. Declaring runs
   * nothing: `dremio-cli serve` runs the schedules of the pipelines it loads, and
   * `schedulePipeline(pipeline)` runs them from a script. Returns the pipeline for chaining.
   *
   * @example
   * pipeline.schedule({ cron: '0 2 * * *', timezone: 'Europe/Paris', catchup: 'none' })
   */
  schedule(options: ScheduleOptions): this {
    const resolved = resolveScheduleOptions(this.name, options)
    if (this.#schedules.some((s) => s.id === resolved.id)) {
      throw new OrchestrationError(
        'DF_SCHEDULE_INVALID',
        `[@df/orchestration] Pipeline '${this.name}' already has a schedule '${resolved.id}': give this one its own id.`,
      )
    }
    this.#schedules.push(resolved)
    return this
  }

  /** The declared schedules, validated, in declaration order. */
  get schedules(): readonly ResolvedSchedule[] {
    return this.#schedules
  }

  /** Adds tasks; returns the pipeline for chaining. Duplicate names are a `DF_PIPELINE_INVALID` error. */
  addTask(...tasks: Task[]): this {
    for (const t of tasks) {
      if (this.#names.has(t.name)) {
        throw new OrchestrationError(
          'DF_PIPELINE_INVALID',
          `[@df/orchestration] Pipeline '${this.name}' already has a task named '${t.name}'.`,
        )
      }
      this.#tasks.push(t)
      this.#names.add(t.name)
    }
    this.#graph = undefined
    return this
  }

  /** The tasks, in the order they were added. */
  get tasks(): readonly Task[] {
    return this.#tasks
  }

  /**
   * The hash of this pipeline's definition (tasks and stored options), as stored with each run:
   * a distributed worker compares it with the engine's. Compiles (and validates) the DAG.
   */
  get definitionHash(): string {
    return this.#compile().definitionHash
  }

  static {
    compiledGraph = (pipeline) => pipeline.#compile()
  }

  /** Validates the DAG (cycles, unknown edges and pools) without running it. */
  validate(): void {
    this.#compile()
  }

  /**
   * Runs the pipeline once and resolves with the finished run (it never rejects because a task
   * failed: look at `status`). Rejects with `DF_PIPELINE_INVALID` before anything is stored when
   * the DAG is invalid, and with `DF_CONFLICT` if another engine took the run over.
   */
  async run(options: RunOptions = {}): Promise<RunResult> {
    checkOptionKeys(options, RUN_OPTION_KEYS, `Pipeline '${this.name}' run()`)
    return this.#launcher.run(this.#compile(), options)
  }

  /**
   * Reruns an earlier run as a new run (`trigger: 'rerun'`, `rerunOf`) with the same params:
   * earlier successes are copied with their results, the rest re-executes.
   */
  async rerun(runId: string, options: RerunOptions = {}): Promise<RunResult> {
    checkOptionKeys(options, RERUN_OPTION_KEYS, `Pipeline '${this.name}' rerun()`)
    return this.#launcher.rerun(this.#compile(), runId, options)
  }

  /**
   * Takes over RUNNING runs of this pipeline whose engine lease expired and drives them to the
   * end: attempts that were running fail with "engine lease expired" (and retry where retries
   * remain); successes are not re-executed. With `wait: false` it returns once they are claimed.
   */
  async recover(options: { limit?: number; wait?: boolean } = {}): Promise<RunResult[]> {
    checkOptionKeys(options, RECOVER_OPTION_KEYS, `Pipeline '${this.name}' recover()`)
    return this.#launcher.recover(this.#compile(), options)
  }

  /** Cancels a run driven (or queued) by this engine; false when it is not here. */
  cancelRun(runId: string, reason = 'cancelled by cancelRun()'): boolean {
    return this.#launcher.cancel(runId, reason)
  }

  /** A run with its task instances, from the backend. */
  getRun(runId: string): Promise<RunResult | undefined> {
    return this.#launcher.load(runId)
  }

  /** Mermaid `graph TD` of the DAG, coloured by the states of `run` when given. */
  visualize(run?: { readonly tasks: Readonly<Record<string, TaskRecord>> }): string {
    return toMermaid(this.#tasks, run?.tasks)
  }

  /**
   * Subscribes to the event stream (run and task state changes, log lines); returns the
   * unsubscribe function. See `PipelineEvent`.
   */
  on(type: 'event', listener: PipelineEventListener): () => void {
    if (type !== 'event') {
      throw new OrchestrationError(
        'DF_OPTION_INVALID',
        `[@df/orchestration] Unknown event type '${String(type)}'; use 'event'.`,
      )
    }
    return this.#hub.on(listener)
  }

  /** The event stream as an async iterator, until `signal` aborts. */
  events(signal?: AbortSignal): AsyncGenerator<PipelineEvent, void, undefined> {
    return this.#hub.iterate(signal)
  }

  /**
   * Waits for the runs `recoverOnRun` took over to end, then closes the executor this pipeline
   * created (waiting for running attempts).
   */
  async close(): Promise<void> {
    await this.#launcher.settle()
    if (this.#ownsExecutor) await this.executor.close({ drain: true })
  }

  #compile(): Graph {
    if (this.#graph) return this.#graph
    const options = this.#storedOptions()
    const graph = compileGraph(this.name, this.#tasks, options)
    for (const t of this.#tasks) {
      if (t.pool !== undefined && getPool(t.pool) === undefined) {
        throw new OrchestrationError(
          'DF_PIPELINE_INVALID',
          `[@df/orchestration] Pipeline '${this.name}': task '${t.name}' uses pool '${t.pool}', which is not defined (call definePool('${t.pool}', slots) first).`,
        )
      }
    }
    this.#graph = graph
    return graph
  }

  #storedOptions(): JsonObject {
    const { maxWorkers, maxActiveRuns, leaseMs } = this.settings
    return {
      maxWorkers,
      maxActiveRuns,
      leaseMs,
      ...(this.#options.description !== undefined
        ? { description: this.#options.description }
        : {}),
      // The declared params, so a UI or CLI without this code validates triggers the same way.
      ...(this.#options.params !== undefined
        ? { params: this.#options.params as unknown as JsonObject }
        : {}),
    }
  }

  /** Once: backend init and executor start; per definition: putPipeline. */
  async #prepare(): Promise<Graph> {
    const graph = this.#compile()
    this.#ready ??= (async () => {
      await this.backend.init()
      await this.executor.start(ENGINE_HOOKS)
    })()
    try {
      await this.#ready
    } catch (error) {
      this.#ready = undefined
      throw error
    }
    if (this.#storedHash !== graph.definitionHash) {
      await this.backend.putPipeline({
        id: this.name,
        ...(this.#options.description !== undefined
          ? { description: this.#options.description }
          : {}),
        tasks: graph.definitions,
        options: this.#storedOptions(),
        definitionHash: graph.definitionHash,
        updatedAt: this.clock.now(),
      })
      this.#storedHash = graph.definitionHash
    }
    return graph
  }
}
