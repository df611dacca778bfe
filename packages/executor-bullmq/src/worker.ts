/**
 * `startWorker`: takes attempts off the BullMQ queue and runs them. One job is one attempt
 * (`attempts: 1`, the engine owns retries). The outcome is the job's return value (`{ w, o }`:
 * worker name and outcome); BullMQ's own `completed` event carries it to the engines, so a job
 * costs the worker BullMQ's fetch and finish and nothing else. `maxStalledCount: 0`: a job whose
 * worker died fails ("worker lost") instead of BullMQ silently running the same attempt again.
 *
 * Cancellation reaches a worker over a pub/sub channel, and as marker keys (pub/sub drops
 * messages while a connection is down). A job reads the markers before it starts only while the
 * subscription is not trusted (it was down less than `SUB_TRUST_MS` ago); otherwise the cancels
 * heard on the channel are enough. Markers of running attempts are polled every
 * `MARKER_POLL_MS`, so a cancel whose message was lost still aborts a running attempt.
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
import type { Redis } from 'ioredis'
import {
  type CancelMessage,
  connect,
  type JobData,
  type JobResult,
  matches,
  messageOf,
  Names,
} from './keys.js'
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

/** The subscription counts as complete once it has been up this long (see the file comment). */
const SUB_TRUST_MS = 2000
/** How often the markers of running attempts are read; also how long a heard cancel is kept. */
const MARKER_POLL_MS = 1000
const HEARD_KEEP_MS = 600_000

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

  /** Cancels heard on the channel: key (`runId`, `runId/taskId` or `#jobId`) → reason, when. */
  const heard = new Map<string, { reason: string; at: number }>()
  /** Until when a starting job must read the markers itself (the subscription may have missed some). */
  let trustedAfter = Number.POSITIVE_INFINITY
  sub.on('ready', () => {
    trustedAfter = Date.now() + SUB_TRUST_MS
  })
  sub.on('close', () => {
    trustedAfter = Number.POSITIVE_INFINITY
  })

  const abortMatching = (m: CancelMessage): void => {
    for (const [jobId, a] of active) {
      if (m.jobId !== undefined ? jobId !== m.jobId : !matches(a.task, m.runId, m.taskId)) continue
      a.abort(new OrchestrationError('DF_CANCELLED', m.reason))
    }
  }
  /** The key of a cancel in `heard`: one job, one task of a run, or a whole run. */
  const heardKey = (runId: string, taskId?: string, jobId?: string): string =>
    jobId !== undefined ? `#${jobId}` : taskId !== undefined ? `${runId}/${taskId}` : runId

  sub.on('message', (_channel: string, text: string) => {
    let m: CancelMessage
    try {
      m = JSON.parse(text) as CancelMessage
    } catch {
      return
    }
    heard.set(heardKey(m.runId, m.taskId, m.jobId), { reason: m.reason, at: Date.now() })
    abortMatching(m)
  })
  await sub.subscribe(names.cancelChannel)
  trustedAfter = Date.now() + SUB_TRUST_MS

  /** A cancel already heard for attempt `d` (job `jobId`), if any. */
  const heardFor = (d: TaskDispatch, jobId: string): string | undefined =>
    (
      heard.get(heardKey(d.runId, undefined, jobId)) ??
      heard.get(heardKey(d.runId)) ??
      heard.get(heardKey(d.runId, d.taskId))
    )?.reason

  /** Reads the markers of the running attempts: aborts those whose run or task was cancelled. */
  const pollMarkers = async (): Promise<void> => {
    const now = Date.now()
    for (const [key, h] of heard) if (now - h.at > HEARD_KEEP_MS) heard.delete(key)
    if (active.size === 0 || own.status !== 'ready') return
    const attempts = [...active.values()]
    const keys = attempts.flatMap((a) => [
      names.cancelMarker(a.task.runId),
      names.cancelMarker(a.task.runId, a.task.taskId),
    ])
    const marks = await own.mget(...keys).catch(() => undefined)
    if (!marks) return
    attempts.forEach((a, n) => {
      const reason = marks[2 * n] ?? marks[2 * n + 1]
      if (reason != null) a.abort(new OrchestrationError('DF_CANCELLED', reason))
    })
  }
  const poller = setInterval(() => void pollMarkers(), MARKER_POLL_MS)
  poller.unref()

  const processor = async (job: Job<JobData>): Promise<JobResult> => {
    const { d } = job.data
    const jobId = job.id!
    const attempt = new Attempt(d)
    active.set(jobId, attempt)
    try {
      let cancelled = heardFor(d, jobId)
      if (cancelled === undefined && Date.now() < trustedAfter) {
        // The subscription may have missed a cancel: read the markers (a failed read fails the
        // job, so an attempt never runs unchecked).
        const marks = await own.mget(
          names.cancelMarker(d.runId),
          names.cancelMarker(d.runId, d.taskId),
        )
        cancelled = marks.find((m) => m !== null) ?? undefined
      }
      o.onEvent?.({
        type: 'attempt-start',
        worker: o.name,
        runId: d.runId,
        taskId: d.taskId,
        attempt: d.attempt,
      })
      const outcome =
        cancelled !== undefined
          ? ({ status: 'cancelled', reason: cancelled } as TaskOutcome)
          : await runOne(d, attempt)
      o.onEvent?.({
        type: 'attempt-end',
        worker: o.name,
        runId: d.runId,
        taskId: d.taskId,
        attempt: d.attempt,
        status: outcome.status,
      })
      return { w: o.name, o: outcome }
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

  // Several BullMQ workers share the concurrency: each fetches one job per round trip, so a
  // burst of dispatches reaches `fetchers` slots at a time instead of one.
  const extra: Redis[] = []
  const workers = Array.from({ length: o.fetchers }, (_, k) => {
    let connection = redis
    if (k > 0) {
      connection = redis.duplicate()
      connection.on('error', onError)
      extra.push(connection)
    }
    const w = new Worker<JobData, JobResult>(o.queue, processor, {
      connection,
      prefix: o.prefix,
      concurrency:
        Math.floor(o.concurrency / o.fetchers) + (k < o.concurrency % o.fetchers ? 1 : 0),
      lockDuration: o.lockDurationMs,
      stalledInterval: o.stalledIntervalMs,
      maxStalledCount: 0,
      name: o.name,
    })
    w.on('error', onError)
    return w
  })
  await Promise.all(workers.map((w) => w.waitUntilReady()))
  o.onEvent?.({ type: 'ready', worker: o.name })

  let closing: Promise<void> | undefined
  return {
    name: o.name,
    close(closeOptions) {
      closing ??= (async () => {
        const drain = closeOptions?.drain ?? true
        await Promise.all(workers.map((w) => w.close(!drain)))
        clearInterval(poller)
        await sub.quit().catch(() => sub.disconnect())
        await own.quit().catch(() => own.disconnect())
        for (const c of [redis, ...extra]) await c.quit().catch(() => c.disconnect())
      })()
      return closing
    },
  }
}
