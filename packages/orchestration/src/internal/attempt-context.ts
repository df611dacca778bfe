/**
 * The `ctx` of one attempt: upstream results, params, signal and a size-bounded log.
 * A class with prototype methods, so creating one per attempt is a single small allocation.
 */
import type { TimerHandle } from '../clock.js'
import { OrchestrationError } from '../errors.js'
import type { AttemptControl } from '../executor.js'
import type { JsonObject, JsonValue } from '../json.js'
import type { TaskContext, TaskLogger } from '../task.js'
import type { Graph } from './graph.js'

/**
 * The graph index of `name`, which `ctx.get(name)` of task `taskIndex` may read: it must be
 * upstream (directly or transitively). `readable` names what may be read, in the error.
 * @throws OrchestrationError `DF_TASK_INVALID` for an unknown task or one that is not upstream.
 */
export function upstreamIndex(
  graph: Graph,
  taskIndex: number,
  name: string,
  readable = 'upstream results (direct or transitive)',
): number {
  const target = graph.index.get(name)
  if (target === undefined || !graph.isAncestor(target, taskIndex)) {
    throw new OrchestrationError(
      'DF_TASK_INVALID',
      target === undefined
        ? `[@df/orchestration] ctx.get('${name}'): pipeline '${graph.pipelineId}' has no task '${name}'.`
        : `[@df/orchestration] ctx.get('${name}'): '${name}' is not upstream of '${graph.tasks[taskIndex]!.name}'; only ${readable} can be read. Add the edge with setDownstream.`,
    )
  }
  return target
}

/** `ctx.get(name)` of task `taskIndex` in the engine: the result of `name` (see upstreamIndex). */
export function upstreamResult(
  graph: Graph,
  results: readonly (JsonValue | undefined)[],
  taskIndex: number,
  name: string,
): JsonValue | undefined {
  return results[upstreamIndex(graph, taskIndex, name)]
}

/** What the context needs from its run. */
export interface AttemptHost {
  readonly runId: string
  readonly pipelineId: string
  readonly logicalDate: string
  readonly dataIntervalStart?: string | undefined
  readonly dataIntervalEnd?: string | undefined
  readonly params: JsonObject
  readonly context: Readonly<Record<string, unknown>>
  readonly maxLogBytes: number
  /** Upstream result lookup, throwing for a task that is not upstream. */
  resultFor(taskIndex: number, name: string): JsonValue | undefined
  /** Emits a log event (when anyone listens). */
  emitLog(
    taskIndex: number,
    attempt: number,
    level: 'info' | 'warn' | 'error',
    message: string,
  ): void
  now(): number
  /** Engine-clock timers (for `ctx.sleep`). */
  setTimer(fn: () => void, ms: number): TimerHandle
  clearTimer(handle: TimerHandle): void
  /** When task `taskIndex` first started in this run (epoch ms), if it did. */
  taskStartedAt(taskIndex: number): number | undefined
}

/** One attempt's context. */
export class AttemptContext implements TaskContext {
  readonly #host: AttemptHost
  readonly #index: number
  readonly taskId: string
  readonly attempt: number
  readonly control: AttemptControl
  #log: string[] | undefined
  #logBytes = 0
  #truncated = false
  #logger: TaskLogger | undefined

  constructor(
    host: AttemptHost,
    index: number,
    taskId: string,
    attempt: number,
    control: AttemptControl,
  ) {
    this.#host = host
    this.#index = index
    this.taskId = taskId
    this.attempt = attempt
    this.control = control
  }

  /** Created on first read (see `AttemptControl`). */
  get signal(): AbortSignal {
    return this.control.signal
  }

  get runId(): string {
    return this.#host.runId
  }
  get pipelineId(): string {
    return this.#host.pipelineId
  }
  get logicalDate(): string {
    return this.#host.logicalDate
  }
  get dataIntervalStart(): string | undefined {
    return this.#host.dataIntervalStart
  }
  get dataIntervalEnd(): string | undefined {
    return this.#host.dataIntervalEnd
  }
  get params(): JsonObject {
    return this.#host.params
  }
  get context(): Readonly<Record<string, unknown>> {
    return this.#host.context
  }

  get taskStartedAt(): number {
    return this.#host.taskStartedAt(this.#index) ?? this.#host.now()
  }

  now(): number {
    return this.#host.now()
  }

  sleep(ms: number): Promise<void> {
    const control = this.control
    if (control.aborted) return Promise.reject(control.reason)
    return new Promise<void>((resolve, reject) => {
      const signal = control.signal
      const onAbort = (): void => {
        this.#host.clearTimer(timer)
        reject(signal.reason)
      }
      const timer = this.#host.setTimer(
        () => {
          signal.removeEventListener('abort', onAbort)
          resolve()
        },
        Math.max(0, ms),
      )
      signal.addEventListener('abort', onAbort, { once: true })
    })
  }

  get<T extends JsonValue | undefined = JsonValue | undefined>(taskName: string): T {
    if (typeof taskName !== 'string') {
      throw new OrchestrationError(
        'DF_TASK_INVALID',
        '[@df/orchestration] ctx.get() needs a task name.',
      )
    }
    return this.#host.resultFor(this.#index, taskName) as T
  }

  get log(): TaskLogger {
    if (!this.#logger) {
      this.#logger = {
        info: (m) => this.#write('info', m),
        warn: (m) => this.#write('warn', m),
        error: (m) => this.#write('error', m),
      }
    }
    return this.#logger
  }

  #write(level: 'info' | 'warn' | 'error', message: unknown): void {
    const text = typeof message === 'string' ? message : String(message)
    this.#host.emitLog(this.#index, this.attempt, level, text)
    if (this.#truncated) return
    const line = `${new Date(this.#host.now()).toISOString()} ${level.toUpperCase()} ${text}`
    const bytes = Buffer.byteLength(line) + 1
    if (this.#logBytes + bytes > this.#host.maxLogBytes) {
      this.#truncated = true
      this.#lines().push(`… log truncated at ${this.#host.maxLogBytes} bytes (maxLogBytes)`)
      return
    }
    this.#logBytes += bytes
    this.#lines().push(line)
  }

  #lines(): string[] {
    if (!this.#log) this.#log = []
    return this.#log
  }

  /** The captured log, or undefined when the attempt logged nothing. */
  capturedLog(): string | undefined {
    return this.#log?.join('\n')
  }

  /** What the task recorded with `setMeta`, if anything. */
  meta: JsonObject | undefined = undefined

  setMeta(key: string, value: JsonValue): void {
    if (typeof key !== 'string' || key === '' || value === undefined) return
    this.meta = { ...this.meta, [key]: value }
    // The executor reports timeouts and cancels itself: give it the facts too.
    this.control.meta = this.meta
  }
}
