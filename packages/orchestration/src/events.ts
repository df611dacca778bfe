/**
 * The event stream of a pipeline: ONE ordered stream of run state changes, task state changes
 * (with timings) and attempt log lines, for the CLI's progress view and the UI.
 *
 * Task and run events are emitted after the change is durable in the backend, in the order the
 * engine made the changes. Listeners run synchronously and must be quick; a throwing listener is
 * ignored (it cannot break a run). With no listener, the engine builds no event objects.
 */
import type { ErrorRecord, RunTrigger } from './backend.js'
import type { RunState, TaskState } from './states.js'

/** A run changed state (QUEUED, RUNNING, then SUCCESS / FAILED / CANCELLED). */
export interface RunEvent {
  readonly type: 'run'
  readonly pipelineId: string
  readonly runId: string
  readonly state: RunState
  /** Engine clock, epoch ms. */
  readonly at: number
  readonly trigger: RunTrigger
  /** Why the run ended the way it did (final states only). */
  readonly message?: string
}

/** A task instance changed state. */
export interface TaskEvent {
  readonly type: 'task'
  readonly pipelineId: string
  readonly runId: string
  readonly taskId: string
  readonly state: TaskState
  /** The current (or last) attempt; 0 before the first. */
  readonly attempt: number
  readonly at: number
  /** Start of the current attempt (RUNNING and final states of an attempt). */
  readonly attemptStartedAt?: number
  /** Attempt duration in ms (when an attempt ended). */
  readonly durationMs?: number
  readonly error?: ErrorRecord
  /** Why it was skipped, failed upstream or cancelled. */
  readonly reason?: string
  /** UP_FOR_RETRY: when the next attempt is due. */
  readonly nextAttemptAt?: number
}

/** A line a task wrote with `ctx.log`, or an engine note about a task (callback errors). */
export interface LogEvent {
  readonly type: 'log'
  readonly pipelineId: string
  readonly runId: string
  readonly taskId: string
  readonly attempt: number
  readonly at: number
  readonly level: 'info' | 'warn' | 'error'
  readonly message: string
}

/** Everything on the stream; switch on `type`. */
export type PipelineEvent = RunEvent | TaskEvent | LogEvent

/** A listener of {@link PipelineEvent}s. */
export type PipelineEventListener = (event: PipelineEvent) => void

/** Fan-out of events to listeners (internal to a pipeline; exported for executors and the UI). */
export class EventHub {
  #listeners: PipelineEventListener[] = []

  /** True when someone listens: the engine skips building events otherwise. */
  get active(): boolean {
    return this.#listeners.length > 0
  }

  /** Adds a listener; returns the function that removes it. */
  on(listener: PipelineEventListener): () => void {
    this.#listeners = [...this.#listeners, listener]
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener)
    }
  }

  emit(event: PipelineEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event)
      } catch {
        // A broken listener must not break a run (documented above).
      }
    }
  }

  /**
   * The stream as an async iterator, until `signal` aborts. Events are buffered while the
   * consumer is busy.
   */
  async *iterate(signal?: AbortSignal): AsyncGenerator<PipelineEvent, void, undefined> {
    const buffer: PipelineEvent[] = []
    let wake: (() => void) | undefined
    const off = this.on((event) => {
      buffer.push(event)
      wake?.()
    })
    const onAbort = () => wake?.()
    signal?.addEventListener('abort', onAbort)
    try {
      while (!signal?.aborted) {
        const next = buffer.shift()
        if (next !== undefined) {
          yield next
          continue
        }
        await new Promise<void>((resolve) => {
          wake = resolve
        })
        wake = undefined
      }
    } finally {
      off()
      signal?.removeEventListener('abort', onAbort)
    }
  }
}
