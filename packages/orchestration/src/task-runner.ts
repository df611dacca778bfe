/**
 * `createTaskRunner`: the `TaskHandler` of a distributed worker. It runs one dispatched attempt in
 * a process that does not drive the run: it rebuilds the task from the pipelines it was given
 * (matched by pipeline id and definition hash) or by type + JSON options (`taskFromDescription`),
 * never from serialised code, and builds `ctx` from the dispatch alone.
 */
import { OrchestrationError } from './errors.js'
import type { AttemptControl, TaskDispatch, TaskHandler, TaskOutcome } from './executor.js'
import { AttemptContext, type AttemptHost, upstreamIndex } from './internal/attempt-context.js'
import { runAttempt } from './internal/attempt-runner.js'
import { runWithLocalEngine } from './internal/engine-hooks.js'
import type { Graph } from './internal/graph.js'
import { checkOptionKeys } from './internal/option-keys.js'
import type { JsonObject, JsonValue } from './json.js'
import { type Pipeline, pipelineGraph } from './pipeline.js'
import type { Task } from './task.js'
import { taskFromDescription } from './task-types.js'

/** Options of {@link createTaskRunner}. */
export interface TaskRunnerOptions {
  /**
   * Pipelines whose code this worker loaded: function tasks run only from these, and a task of
   * a loaded pipeline whose definition hash differs from the engine's fails (not retried).
   */
  readonly pipelines?: readonly Pipeline[]
  /**
   * When an engine in this process drives the attempt's run, run it there (full `ctx`,
   * including `ctx.context` and transitive `ctx.get`). @default true
   */
  readonly local?: boolean
}

const RUNNER_OPTION_KEYS: ReadonlySet<string> = new Set(['pipelines', 'local'])
const DEFAULT_MAX_RESULT_BYTES = 262_144
const DEFAULT_MAX_LOG_BYTES = 65_536

/**
 * Creates the task handler a worker process runs attempts with.
 *
 * @example
 * // first import the task library (@df/tasks), which registers its task types
 * const run = createTaskRunner({ pipelines: [etl] })
 * const outcome = await run(dispatch, control)
 * @throws OrchestrationError `DF_OPTION_INVALID` for an unknown option or two pipelines with one name.
 */
export function createTaskRunner(options: TaskRunnerOptions = {}): TaskHandler {
  checkOptionKeys(options, RUNNER_OPTION_KEYS, 'createTaskRunner()')
  const byId = new Map<string, Pipeline>()
  for (const p of options.pipelines ?? []) {
    const existing = byId.get(p.name)
    if (existing !== undefined && existing !== p) {
      throw new OrchestrationError(
        'DF_OPTION_INVALID',
        `[@df/orchestration] createTaskRunner(): two pipelines are named '${p.name}'.`,
      )
    }
    byId.set(p.name, p)
  }
  const local = options.local ?? true
  return (d: TaskDispatch, control: AttemptControl): Promise<TaskOutcome> => {
    if (local) {
      const here = runWithLocalEngine(d, control)
      if (here !== undefined) return here
    }
    const pipeline = byId.get(d.pipelineId)
    let task: Task
    let graph: Graph | undefined
    let index = -1
    if (pipeline !== undefined) {
      try {
        graph = pipelineGraph(pipeline)
      } catch (error) {
        // e.g. a pool the worker process never defined: the same code must run on both sides.
        return fail(
          'DF_PIPELINE_INVALID',
          `Pipeline '${d.pipelineId}' does not compile on this worker: ${error instanceof Error ? error.message : String(error)}`,
        )
      }
      if (d.definitionHash !== undefined && graph.definitionHash !== d.definitionHash) {
        return fail(
          'DF_DEFINITION_MISMATCH',
          `Pipeline '${d.pipelineId}' on this worker has definition ${graph.definitionHash.slice(0, 12)}, but the engine dispatched task '${d.taskId}' from definition ${d.definitionHash.slice(0, 12)}: deploy the same pipeline code to the engine and the workers.`,
        )
      }
      const i = graph.index.get(d.taskId)
      if (i === undefined) {
        return fail(
          'DF_DEFINITION_MISMATCH',
          `Pipeline '${d.pipelineId}' on this worker has no task '${d.taskId}'.`,
        )
      }
      index = i
      task = graph.tasks[i]!
    } else if (d.type === 'function') {
      return fail(
        'DF_DEFINITION_MISMATCH',
        `Task '${d.taskId}' of pipeline '${d.pipelineId}' is a function task: it runs only on a worker that loaded the pipeline's code (start the worker with the pipeline files), and this worker did not load '${d.pipelineId}'.`,
      )
    } else {
      try {
        task = taskFromDescription({
          name: d.taskId,
          type: d.type,
          ...(d.options !== undefined ? { options: d.options } : {}),
          ...(d.timeoutMs !== undefined ? { timeoutMs: d.timeoutMs } : {}),
        })
      } catch (error) {
        return fail(
          'DF_TASK_INVALID',
          `Task '${d.taskId}' of pipeline '${d.pipelineId}' cannot be rebuilt on this worker: ${error instanceof Error ? error.message : String(error)}`,
        )
      }
    }
    const settings = pipeline?.settings
    const host = new RemoteHost(d, graph, settings?.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES)
    const ctx = new AttemptContext(host, index, d.taskId, d.attempt, control)
    return runAttempt(task, ctx, settings?.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES)
  }
}

function fail(
  code: 'DF_DEFINITION_MISMATCH' | 'DF_TASK_INVALID' | 'DF_PIPELINE_INVALID',
  message: string,
) {
  return Promise.resolve<TaskOutcome>({
    status: 'failed',
    retryable: false,
    error: { message: `[@df/orchestration] ${message}`, name: 'OrchestrationError', code },
  })
}

/** An attempt's run as a worker knows it: from the dispatch only. */
class RemoteHost implements AttemptHost {
  readonly runId: string
  readonly pipelineId: string
  readonly logicalDate: string
  readonly dataIntervalStart: string | undefined
  readonly dataIntervalEnd: string | undefined
  readonly params: JsonObject
  readonly context: Readonly<Record<string, unknown>> = Object.freeze({})
  readonly maxLogBytes: number
  readonly #d: TaskDispatch
  readonly #graph: Graph | undefined

  constructor(d: TaskDispatch, graph: Graph | undefined, maxLogBytes: number) {
    this.#d = d
    this.#graph = graph
    this.runId = d.runId
    this.pipelineId = d.pipelineId
    this.logicalDate = d.logicalDate ?? new Date(0).toISOString()
    this.dataIntervalStart = d.dataIntervalStart
    this.dataIntervalEnd = d.dataIntervalEnd
    this.params = d.params ?? {}
    this.maxLogBytes = maxLogBytes
  }

  resultFor(taskIndex: number, name: string): JsonValue | undefined {
    const inputs = this.#d.inputs
    if (inputs !== undefined && Object.hasOwn(inputs, name)) return inputs[name]
    const graph = this.#graph
    if (graph === undefined) return undefined
    // Same check as the engine's; a worker has only the direct upstream results.
    const target = upstreamIndex(graph, taskIndex, name, 'upstream results')
    if (!graph.upstream[taskIndex]!.includes(target)) {
      throw new OrchestrationError(
        'DF_TASK_INVALID',
        `[@df/orchestration] ctx.get('${name}'): on a distributed worker only the results of direct upstream tasks travel with the attempt, and '${name}' is a transitive upstream of '${this.#d.taskId}'. Add a direct edge, or pass the value along through the task in between.`,
      )
    }
    return undefined // a direct upstream that returned nothing
  }

  emitLog(): void {
    // Log lines are captured on the attempt record (ctx.log); the worker has no event stream.
  }

  now(): number {
    return Date.now()
  }

  setTimer(fn: () => void, ms: number) {
    return setTimeout(fn, ms)
  }

  clearTimer(handle: ReturnType<typeof setTimeout>): void {
    clearTimeout(handle)
  }

  taskStartedAt(): number | undefined {
    return this.#d.taskStartedAt
  }
}
