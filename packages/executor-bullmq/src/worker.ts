/**
 * `startWorker`: takes attempts off the BullMQ queue and runs them. One job is one attempt
 * (`attempts: 1`, the engine owns retries). A job's start and outcome go to the dispatching
 * engine's reply stream (`XADD`); the outcome is also the job's return value, which the engine's
 * reconciler reads when a reply was lost. `maxStalledCount: 0`: a job whose worker died fails
 * ("worker lost") instead of BullMQ silently running the same attempt again.
 */
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { TaskDispatch, TaskHandler, TaskOutcome } from '@df/orchestration'
import {
  abortOutcome,
  createTaskRunner,
  LazyAttemptControl,
  OrchestrationError,
} from '@df/orchestration'
import { type Job, Worker } from 'bullmq'
import { type CancelMessage, connect, type JobData, messageOf, Names } from './keys.js'
import { resolveWorkerOptions, type WorkerHandle, type WorkerOptions } from './options.js'

/** One running attempt's abort side; an abort settles it with the abort outcome at once. */
class Attempt extends LazyAttemptControl {
  #onAbort: ((reason: OrchestrationError) => void) | undefined

  /** Settles the attempt with an abort outcome (cancel, timeout). */
  onAbort(fn: (reason: OrchestrationError) => void): void {
    this.#onAbort = fn
  }

  override abort(reason: OrchestrationError): boolean {
    if (!super.abort(reason)) return false
    this.#onAbort?.(reason)
    return true
  }
}

function crashed(error: unknown): TaskOutcome {
  return {
    status: 'failed',
    retryable: true,
    error: {
      message: error instanceof Error ? error.message : String(error),
      name: error instanceof Error ? error.name : 'Error',
    },
  }
}

/**
 * Starts a worker: it runs attempts dispatched by BullMQ executors on the same queue, rebuilding
 * each task from `pipelines` (function tasks) or by type + JSON options (`taskFromDescription`;
 * import `@df/tasks` first to register the library's types). Credentials are the worker's own.
 *
 * @example
 * // first import the task library (@df/tasks), which registers its task types
 * const worker = await startWorker({ connection: 'redis://127.0.0.1:6379', pipelines: [etl], concurrency: 16 })
 * process.on('SIGTERM', () => void worker.close())
 */
export async function startWorker(options: WorkerOptions): Promise<WorkerHandle> {
  const o = resolveWorkerOptions(
    options,
    `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
  )
  const report = (message: string) => o.onEvent?.({ type: 'error', worker: o.name, message })
  const onError = (error: Error) => report(messageOf(error))
  const names = new Names(o.prefix, o.queue)
  const handler: TaskHandler = o.handler ?? createTaskRunner({ pipelines: o.pipelines })
  // BullMQ's connection, and a plain one for the worker's own commands: ioredis copies every
  // script command BullMQ defines on a connection onto each pipeline made from it, which cost
  // more than the commands themselves.
  const redis = connect(o.connection, onError)
  const own = connect(o.connection, onError)
  const sub = own.duplicate()
  sub.on('error', onError)
  const active = new Map<string, Attempt>()

  sub.on('message', (_channel: string, text: string) => {
    let m: CancelMessage
    try {
      m = JSON.parse(text) as CancelMessage
    } catch {
      return
    }
    for (const [jobId, a] of active) {
      if (m.jobId !== undefined ? jobId !== m.jobId : a.task.runId !== m.runId) continue
      if (m.taskId !== undefined && a.task.taskId !== m.taskId) continue
      a.abort(new OrchestrationError('DF_CANCELLED', m.reason))
    }
  })
  await sub.subscribe(names.cancelChannel)

  const reply = (stream: string, fields: string[]) =>
    own.xadd(stream, 'MAXLEN', '~', '100000', '*', ...fields)

  const processor = async (job: Job<JobData>): Promise<TaskOutcome> => {
    const { d, r } = job.data
    const jobId = job.id!
    const attempt = new Attempt(d)
    active.set(jobId, attempt)
    try {
      // One round trip: the cancel markers, plus a start reply for attempts with a timeout (the
      // engine's backstop counts from it). Other attempts say who ran them with the outcome.
      let marks: (string | null)[]
      if (d.timeoutMs === undefined) {
        marks = await own.mget(names.cancelMarker(d.runId), names.cancelMarker(d.runId, d.taskId))
      } else {
        const answer = (await own
          .pipeline()
          .mget(names.cancelMarker(d.runId), names.cancelMarker(d.runId, d.taskId))
          .xadd(r, 'MAXLEN', '~', '100000', '*', 't', 's', 'k', jobId, 'w', o.name)
          .exec()) as [Error | null, unknown][]
        if (answer[0]?.[0]) throw answer[0][0] // never run an attempt its markers were not read for
        marks = (answer[0]?.[1] as (string | null)[] | undefined) ?? []
      }
      const cancelled = marks.find((m) => m !== null)
      o.onEvent?.({
        type: 'attempt-start',
        worker: o.name,
        runId: d.runId,
        taskId: d.taskId,
        attempt: d.attempt,
      })
      const outcome =
        cancelled != null
          ? ({ status: 'cancelled', reason: cancelled } as TaskOutcome)
          : await runOne(d, attempt)
      await reply(r, ['t', 'o', 'k', jobId, 'w', o.name, 'o', JSON.stringify(outcome)])
      o.onEvent?.({
        type: 'attempt-end',
        worker: o.name,
        runId: d.runId,
        taskId: d.taskId,
        attempt: d.attempt,
        status: outcome.status,
      })
      return outcome
    } finally {
      active.delete(jobId)
    }
  }

  const runOne = (d: TaskDispatch, attempt: Attempt): Promise<TaskOutcome> =>
    new Promise<TaskOutcome>((resolve) => {
      let timer: NodeJS.Timeout | undefined
      const settle = (outcome: TaskOutcome) => {
        if (timer !== undefined) clearTimeout(timer)
        resolve(outcome)
      }
      attempt.onAbort((reason) => settle(abortOutcome(reason, attempt.meta)))
      if (d.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          attempt.abort(
            new OrchestrationError(
              'DF_TASK_TIMEOUT',
              `[@df/orchestration] Task '${d.taskId}' attempt ${d.attempt} timed out after ${d.timeoutMs} ms.`,
            ),
          )
        }, d.timeoutMs)
      }
      let promise: Promise<TaskOutcome>
      try {
        promise = handler(d, attempt)
      } catch (error) {
        promise = Promise.reject(error)
      }
      promise.then(settle, (error: unknown) => settle(crashed(error)))
    })

  const worker = new Worker<JobData, TaskOutcome>(o.queue, processor, {
    connection: redis,
    prefix: o.prefix,
    concurrency: o.concurrency,
    lockDuration: o.lockDurationMs,
    stalledInterval: o.stalledIntervalMs,
    maxStalledCount: 0,
    name: o.name,
  })
  worker.on('error', onError)
  await worker.waitUntilReady()
  o.onEvent?.({ type: 'ready', worker: o.name })

  let closing: Promise<void> | undefined
  return {
    name: o.name,
    close(closeOptions) {
      closing ??= (async () => {
        const drain = closeOptions?.drain ?? true
        await worker.close(!drain)
        await sub.quit().catch(() => sub.disconnect())
        await own.quit().catch(() => own.disconnect())
        await redis.quit().catch(() => redis.disconnect())
      })()
      return closing
    },
  }
}
