/**
 * `createBullmqExecutor`: the engine side. Each attempt becomes one BullMQ job (id = encoded
 * idempotency key, `attempts: 1`); the dispatches of one tick go out in one `addBulk`. Starts and
 * outcomes come back on BullMQ's own event stream of the queue (`active`; `completed` with the
 * job's return value, the outcome; `failed`: worker lost), read with `XREAD BLOCK` on a dedicated
 * connection: Redis writes those entries inside BullMQ's scripts anyway, so an attempt costs a
 * worker no reply of its own. The stream is shared by the engines of the queue (each skips the
 * jobs it does not wait for) and trimmed, so it is not the only source: a reconciler checks
 * attempts without an outcome against their job (completed → its return value; failed or gone
 * → "worker lost", retryable), which also adopts attempts a dead engine left running (recovery
 * re-dispatches them under the same job id).
 */
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { Executor, ExecutorHooks, TaskDispatch, TaskOutcome } from '@df/orchestration'
import { createTaskRunner, OrchestrationError } from '@df/orchestration'
import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import {
  type CancelMessage,
  connect,
  describeTarget,
  type JobData,
  jobIdOf,
  matches,
  messageOf,
  Names,
  withTimeout,
  workerLost,
} from './keys.js'
import { type BullmqExecutorOptions, resolveExecutorOptions, type WorkerHandle } from './options.js'
import { checkJobs, parseEvent, parseResult, readStream } from './reconcile.js'
import { startWorker } from './worker.js'

/** An attempt dispatched and not yet settled. */
interface InFlight {
  d: TaskDispatch
  /** When it was dispatched or last checked by the reconciler (epoch ms). */
  checkedAt: number
  started: boolean
  /** Its job is in Redis (addBulk answered): only then can the reconciler judge it. */
  enqueued: boolean
  backstop: NodeJS.Timeout | undefined
}

/** The marker TTL: a cancelled run's attempts are refused by workers for a day. */
const MARKER_TTL_S = 86_400
const BULK = 1000
/**
 * The approximate length BullMQ trims the queue's event stream to (its default is 10,000): about
 * 20,000 attempts of slack (an attempt writes 4-5 entries) before an engine that fell behind has
 * to wait for the reconciler.
 */
const EVENTS_MAX_LEN = 100_000

/** The BullMQ executor. */
export interface BullmqExecutor extends Executor {
  /** This executor instance's id (host, pid and a random part). */
  readonly id: string
}

/**
 * Creates an executor that runs attempts on BullMQ workers (`startWorker`, `dremio-cli worker`).
 *
 * @example
 * const executor = createBullmqExecutor({ connection: 'redis://127.0.0.1:6379' })
 * const pipeline = new Pipeline('etl', { executor, backend })
 * @throws OrchestrationError `DF_OPTION_INVALID` for an unknown or out-of-range option.
 */
export function createBullmqExecutor(options: BullmqExecutorOptions): BullmqExecutor {
  const o = resolveExecutorOptions(options)
  const id = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`
  const names = new Names(o.prefix, o.queue)
  const inflight = new Map<string, InFlight>()
  let hooks: ExecutorHooks | undefined
  /** close() was called: no new dispatches. */
  let closed = false
  /** The connections are being shut down. */
  let stopped = false
  let redis: Redis | undefined
  let reader: Redis | undefined
  /** The executor's own commands, off BullMQ's connection (see the worker). */
  let cmd: Redis | undefined
  let queue: Queue<JobData> | undefined
  let localWorker: WorkerHandle | undefined
  let reconciler: NodeJS.Timeout | undefined
  let readLoop: Promise<void> | undefined
  let pending: Array<{ d: TaskDispatch; resolve: () => void; reject: (e: unknown) => void }> = []
  let flushQueued = false
  let idle: Array<() => void> = []
  /** Since when a connection is not ready (epoch ms). */
  let downSince: number | undefined
  const ignore = () => {}

  const closedError = (what: string) =>
    new OrchestrationError('DF_EXECUTOR_CLOSED', `[@df/executor-bullmq] The executor ${what}.`)

  const settle = (jobId: string, outcome: TaskOutcome): void => {
    const entry = inflight.get(jobId)
    if (!entry) return
    inflight.delete(jobId)
    if (entry.backstop !== undefined) clearTimeout(entry.backstop)
    hooks?.onOutcome(entry.d, outcome)
    if (inflight.size === 0 && idle.length > 0) {
      const waiters = idle
      idle = []
      for (const w of waiters) w()
    }
  }

  /** Job `jobId` went active on a worker: the timeout backstop counts from now. */
  const onStarted = (jobId: string): void => {
    const entry = inflight.get(jobId)
    if (!entry || entry.started) return
    entry.started = true
    const timeout = entry.d.timeoutMs
    if (timeout !== undefined) {
      entry.backstop = setTimeout(() => {
        publishCancel({
          runId: entry.d.runId,
          jobId,
          reason: `[@df/executor-bullmq] Task '${entry.d.taskId}' attempt ${entry.d.attempt} sent no outcome within its timeout.`,
        })
        settle(jobId, {
          status: 'failed',
          retryable: true,
          timedOut: true,
          error: {
            message: `[@df/executor-bullmq] Task '${entry.d.taskId}' attempt ${entry.d.attempt} sent no outcome within its ${timeout} ms timeout plus ${o.timeoutMarginMs} ms (the worker did not enforce it).`,
            name: 'OrchestrationError',
            code: 'DF_TASK_TIMEOUT',
          },
        })
      }, timeout + o.timeoutMarginMs)
      entry.backstop.unref()
    }
  }

  const publishCancel = (m: CancelMessage): void => {
    cmd?.publish(names.cancelChannel, JSON.stringify(m)).catch(ignore)
  }

  const flush = async (): Promise<void> => {
    flushQueued = false
    const batch = pending
    pending = []
    for (let i = 0; i < batch.length; i += BULK) {
      const part = batch.slice(i, i + BULK)
      try {
        const added = queue!.addBulk(
          part.map(({ d }) => ({
            name: 'attempt',
            data: { d },
            opts: {
              jobId: jobIdOf(d.idempotencyKey),
              attempts: 1,
              removeOnComplete: { age: Math.ceil(o.retentionMs / 1000) },
              removeOnFail: { age: Math.ceil(o.retentionMs / 1000) },
            },
          })),
        )
        await withTimeout(added, o.connectionLossMs, 'Redis did not answer the enqueue')
        const now = Date.now()
        for (const p of part) {
          const entry = inflight.get(jobIdOf(p.d.idempotencyKey))
          if (entry) {
            entry.enqueued = true
            entry.checkedAt = now
          }
          p.resolve()
        }
      } catch (error) {
        for (const p of part) {
          inflight.delete(jobIdOf(p.d.idempotencyKey))
          p.reject(
            new OrchestrationError(
              'DF_EXECUTOR_REFUSED',
              `[@df/executor-bullmq] Could not enqueue task '${p.d.taskId}' attempt ${p.d.attempt}: ${messageOf(error)}`,
            ),
          )
        }
      }
    }
  }

  const handleEvent = (fields: string[]): void => {
    const e = parseEvent(fields)
    if (e === undefined) return
    const entry = inflight.get(e.jobId)
    if (entry === undefined) return // another engine's job, or settled already
    if (e.event === 'active') onStarted(e.jobId)
    else if (e.event === 'completed' && e.value !== undefined) {
      const result = parseResult(e.value)
      if (result === undefined) return // unreadable: the reconciler judges the job
      if (result.w !== '') hooks?.onStart?.(entry.d, result.w)
      settle(e.jobId, result.o)
    } else if (e.event === 'failed') {
      settle(e.jobId, workerLost(entry.d, `BullMQ: ${e.value ?? 'job failed'}`))
    }
  }

  /** Checks attempts without an outcome against their jobs (one pipelined round trip). */
  const reconcile = async (): Promise<void> => {
    const now = Date.now()
    if (redis?.status !== 'ready' || reader?.status !== 'ready' || cmd?.status !== 'ready') {
      downSince ??= now
      if (now - downSince >= o.connectionLossMs) failAll(now - downSince)
      return
    }
    downSince = undefined
    const due: string[] = []
    for (const [jobId, e] of inflight) {
      if (e.enqueued && now - e.checkedAt >= o.reconcileIntervalMs) {
        e.checkedAt = now
        due.push(jobId)
      }
    }
    if (due.length === 0) return
    const outcomes = await checkJobs(
      cmd,
      names,
      due.map((j) => [j, inflight.get(j)!.d] as const),
    )
    if (outcomes) for (const [jobId, outcome] of outcomes) settle(jobId, outcome)
  }

  /** Redis stayed unreachable too long: every attempt in flight fails (retryable), loudly. */
  const failAll = (downMs: number): void => {
    for (const [jobId, e] of [...inflight]) {
      settle(jobId, {
        status: 'failed',
        retryable: true,
        error: {
          message: `[@df/executor-bullmq] Lost the connection to Redis for ${Math.round(downMs / 1000)} s (connectionLossMs ${o.connectionLossMs}): the outcome of task '${e.d.taskId}' attempt ${e.d.attempt} is unknown; the engine retries it where retries remain.`,
          name: 'OrchestrationError',
          code: 'DF_EXECUTOR_UNAVAILABLE',
        },
      })
    }
  }

  return {
    name: 'bullmq',
    id,
    remote: true,
    resumesAttempts: o.resumeAttempts,

    async start(h) {
      if (closed) throw closedError('is closed')
      if (hooks) {
        hooks = h
        return
      }
      hooks = h
      redis = connect(o.connection, ignore)
      reader = redis.duplicate()
      reader.on('error', ignore)
      cmd = redis.duplicate()
      cmd.on('error', ignore)
      queue = new Queue<JobData>(o.queue, {
        connection: redis,
        prefix: o.prefix,
        streams: { events: { maxLen: EVENTS_MAX_LEN } },
      })
      queue.on('error', ignore)
      let from = '0'
      try {
        await withTimeout(queue.waitUntilReady(), o.connectTimeoutMs, 'no answer')
        // Read the event stream from its current end: this executor waits for nothing older.
        const newest = (await withTimeout(
          cmd.xrevrange(names.events, '+', '-', 'COUNT', 1),
          o.connectTimeoutMs,
          'no answer',
        )) as [string, string[]][]
        from = newest[0]?.[0] ?? '0'
      } catch (error) {
        hooks = undefined
        await queue.close().catch(ignore)
        reader.disconnect()
        cmd.disconnect()
        redis.disconnect()
        throw new OrchestrationError(
          'DF_EXECUTOR_UNAVAILABLE',
          `[@df/executor-bullmq] Cannot reach Redis at ${describeTarget(o.connection)} within ${o.connectTimeoutMs} ms (${messageOf(error)}).`,
        )
      }
      readLoop = readStream(
        reader,
        names.events,
        from,
        () => stopped,
        (fields) => {
          if (inflight.size > 0) handleEvent(fields)
        },
      )
      reconciler = setInterval(() => void reconcile(), Math.min(o.reconcileIntervalMs, 1000))
      reconciler.unref()
      if (o.worker) {
        const lw = o.worker
        const fallback = createTaskRunner({ pipelines: lw.pipelines ?? [] })
        localWorker = await startWorker({
          connection: o.connection,
          queue: o.queue,
          prefix: o.prefix,
          ...(lw.concurrency !== undefined ? { concurrency: lw.concurrency } : {}),
          ...(lw.name !== undefined ? { name: lw.name } : {}),
          ...(lw.lockDurationMs !== undefined ? { lockDurationMs: lw.lockDurationMs } : {}),
          ...(lw.stalledIntervalMs !== undefined
            ? { stalledIntervalMs: lw.stalledIntervalMs }
            : {}),
          // Our own dispatches run with the engine's hooks; other engines' with the task runner.
          handler: (d, control) =>
            inflight.has(jobIdOf(d.idempotencyKey)) ? hooks!.run(d, control) : fallback(d, control),
        })
      }
    },

    dispatch(d) {
      if (closed) return Promise.reject(closedError('is closed'))
      if (!hooks) return Promise.reject(closedError('was not started'))
      const jobId = jobIdOf(d.idempotencyKey)
      const existing = inflight.get(jobId)
      if (existing)
        existing.d = d // re-dispatch (adoption): route the outcome to the newest
      else {
        inflight.set(jobId, {
          d,
          checkedAt: Date.now(),
          started: false,
          enqueued: false,
          backstop: undefined,
        })
      }
      return new Promise<void>((resolve, reject) => {
        pending.push({ d, resolve, reject })
        if (!flushQueued) {
          flushQueued = true
          setImmediate(() => void flush())
        }
      })
    },

    async cancel(runId, taskId, scope) {
      const matched: InFlight[] = []
      for (const [jobId, e] of inflight) {
        if (!matches(e.d, runId, taskId, scope)) continue
        inflight.delete(jobId)
        if (e.backstop !== undefined) clearTimeout(e.backstop)
        matched.push(e)
      }
      pending = pending.filter((p) => {
        if (!matches(p.d, runId, taskId, scope)) return true
        p.resolve()
        return false
      })
      // Lost to another engine: leave the attempts running for the new owner to adopt.
      if (scope?.lost) return
      const reason = `[@df/orchestration] Run '${runId}'${taskId ? ` task '${taskId}'` : ''} was cancelled.`
      for (const e of matched) hooks?.onOutcome(e.d, { status: 'cancelled', reason })
      if (inflight.size === 0) for (const w of idle.splice(0)) w()
      if (!cmd) return
      const multi = cmd.multi()
      multi.set(names.cancelMarker(runId, taskId), reason, 'EX', MARKER_TTL_S)
      multi.publish(
        names.cancelChannel,
        JSON.stringify({ runId, ...(taskId ? { taskId } : {}), reason } satisfies CancelMessage),
      )
      await multi.exec().catch(ignore)
      // Waiting jobs are removed; an active (locked) one is not, its worker aborts it.
      await Promise.all(
        matched.map((e) => queue!.remove(jobIdOf(e.d.idempotencyKey)).catch(ignore)),
      )
    },

    async close(closeOptions) {
      closed = true
      if (closeOptions?.drain && !stopped && (inflight.size > 0 || pending.length > 0)) {
        await new Promise<void>((resolve) => idle.push(resolve))
      }
      if (stopped) return
      stopped = true
      if (reconciler) clearInterval(reconciler)
      await localWorker?.close({ drain: closeOptions?.drain ?? false })
      for (const e of inflight.values()) if (e.backstop !== undefined) clearTimeout(e.backstop)
      reader?.disconnect()
      // ioredis may never settle a command queued while it was reconnecting: do not wait long.
      await withTimeout(readLoop ?? Promise.resolve(), 1000, 'read loop').catch(ignore)
      // A Redis that is down must not hang close(): bounded waits, then drop the sockets.
      const ready = redis?.status === 'ready'
      if (cmd?.status === 'ready') await cmd.quit().catch(() => cmd?.disconnect())
      else cmd?.disconnect()
      await withTimeout(queue?.close() ?? Promise.resolve(), 2000, 'close').catch(ignore)
      if (ready) await redis!.quit().catch(() => redis?.disconnect())
      else redis?.disconnect()
    },
  }
}
