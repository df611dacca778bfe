/**
 * Runs of the pipelines given to `startUi` (this process holds their code): a trigger calls
 * `pipeline.run()` (trigger 'ui') in the background and a rerun `pipeline.rerun()`, and answers
 * with the new run's id as soon as the run is stored. Their events are pushed to the live hub
 * at once (no polling delay).
 */
import type { JsonObject, Pipeline, PipelineEvent, RunTrigger } from '@df/orchestration'
import { UiError } from './errors.js'

interface Waiter {
  readonly trigger: RunTrigger
  readonly resolve: (runId: string) => void
}

/** The in-process pipelines' runs. */
export class InProcessRuns {
  readonly #pipelines: ReadonlyMap<string, Pipeline>
  readonly #waiters = new Map<string, Waiter[]>()
  readonly #seen = new Set<string>()
  readonly #chains = new Map<string, Promise<unknown>>()
  readonly #running = new Set<Promise<unknown>>()
  readonly #offs: (() => void)[] = []
  readonly #log: (message: string, error?: unknown) => void

  constructor(
    pipelines: ReadonlyMap<string, Pipeline>,
    onEvent: (event: PipelineEvent) => void,
    log: (message: string, error?: unknown) => void,
  ) {
    this.#pipelines = pipelines
    this.#log = log
    for (const p of pipelines.values()) {
      this.#offs.push(
        p.on('event', (e) => {
          if (e.type === 'run' && !this.#seen.has(e.runId)) {
            this.#seen.add(e.runId)
            if (this.#seen.size > 50_000) this.#seen.clear()
            const list = this.#waiters.get(p.name)
            const i = list?.findIndex((w) => w.trigger === e.trigger) ?? -1
            if (list !== undefined && i >= 0) list.splice(i, 1)[0]!.resolve(e.runId)
          }
          onEvent(e)
        }),
      )
    }
  }

  has(pipeline: string): boolean {
    return this.#pipelines.has(pipeline)
  }

  /** Starts `pipeline.run()`; resolves with the run id once it is stored. */
  trigger(name: string, params: JsonObject, logicalDate: string | undefined): Promise<string> {
    const p = this.#get(name)
    return this.#start(name, 'ui', () =>
      p.run({ params, trigger: 'ui', ...(logicalDate !== undefined ? { logicalDate } : {}) }),
    )
  }

  /** Starts `pipeline.rerun()`; resolves with the new run's id once it is stored. */
  rerun(name: string, runId: string, from: string): Promise<string> {
    const p = this.#get(name)
    return this.#start(name, 'rerun', () => p.rerun(runId, { from }))
  }

  /** Cancels a run this process drives; false when it is not here. */
  cancel(name: string, runId: string, reason: string): boolean {
    return this.#pipelines.get(name)?.cancelRun(runId, reason) ?? false
  }

  /** Waits for the runs started here (up to `timeoutMs`) and unsubscribes. */
  async close(timeoutMs: number): Promise<void> {
    for (const off of this.#offs.splice(0)) off()
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      Promise.allSettled([...this.#running]),
      new Promise((r) => {
        timer = setTimeout(r, timeoutMs)
      }),
    ])
    clearTimeout(timer)
  }

  #get(name: string): Pipeline {
    const p = this.#pipelines.get(name)
    if (p === undefined) throw new UiError('DF_UI_NOT_FOUND', `No pipeline '${name}' here.`)
    return p
  }

  /**
   * One start at a time per pipeline, so the first new run event of the expected trigger is
   * this start's run.
   */
  #start(name: string, trigger: RunTrigger, launch: () => Promise<unknown>): Promise<string> {
    const previous = this.#chains.get(name) ?? Promise.resolve()
    const started = previous.then(
      () =>
        new Promise<string>((resolve, reject) => {
          const list = this.#waiters.get(name) ?? []
          const waiter: Waiter = { trigger, resolve }
          list.push(waiter)
          this.#waiters.set(name, list)
          const done = launch()
          this.#running.add(done)
          done
            .catch((error: unknown) => {
              const i = list.indexOf(waiter)
              if (i >= 0) {
                list.splice(i, 1)
                reject(toUiError(error))
              } else this.#log(`[@df/ui] A run of '${name}' failed to finish`, error)
            })
            .finally(() => this.#running.delete(done))
        }),
    )
    this.#chains.set(
      name,
      started.catch(() => {}),
    )
    return started
  }
}

function toUiError(error: unknown): UiError {
  if (error instanceof UiError) return error
  const code = (error as { code?: string }).code
  const message = (error as Error).message?.replace(/^\[@df\/\w+\] /, '') ?? String(error)
  if (code === 'DF_OPTION_INVALID')
    return new UiError('DF_UI_BAD_REQUEST', message, { cause: error })
  if (code === 'DF_NOT_FOUND') return new UiError('DF_UI_NOT_FOUND', message, { cause: error })
  return new UiError('DF_UI_INTERNAL', 'The run could not be started; see the server log.', {
    cause: error,
  })
}
