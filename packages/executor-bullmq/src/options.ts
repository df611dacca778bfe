/**
 * Options of the BullMQ executor (engine side) and of a worker, with their validation.
 */
import type { Pipeline, TaskHandler } from '@df/orchestration'
import { OrchestrationError } from '@df/orchestration'
import type { RedisOptions } from 'ioredis'

/** A Redis URL (`redis://user:pass@host:6379/0`) or ioredis options. */
export type RedisConnection = string | RedisOptions

/** Options of {@link createBullmqExecutor}. */
export interface BullmqExecutorOptions {
  /** The Redis the workers use. */
  readonly connection: RedisConnection
  /** The BullMQ queue name; engines and workers of one deployment share it. @default 'df' */
  readonly queue?: string
  /** The prefix of every Redis key (BullMQ's and this package's). @default 'df' */
  readonly prefix?: string
  /**
   * How often in-flight attempts without an outcome are checked against their BullMQ job
   * (completed: its return value is the outcome; failed or gone: the worker was lost). @default 5000
   */
  readonly reconcileIntervalMs?: number
  /**
   * The engine-side timeout backstop: an attempt with `timeoutMs` that started on a worker and
   * sent no outcome within `timeoutMs + timeoutMarginMs` fails as timed out. @default 10000
   */
  readonly timeoutMarginMs?: number
  /**
   * How long finished jobs (and their return values, which the reconciler reads) stay in Redis.
   * @default 86400000 (one day)
   */
  readonly retentionMs?: number
  /** How long `start()` waits for Redis before rejecting `DF_EXECUTOR_UNAVAILABLE`. @default 10000 */
  readonly connectTimeoutMs?: number
  /**
   * How long Redis may stay unreachable before the attempts in flight fail (retryable,
   * `DF_EXECUTOR_UNAVAILABLE`) and an enqueue gives up: a long outage fails the run loudly
   * instead of leaving it RUNNING. Shorter blips are ridden out. @default 30000
   */
  readonly connectionLossMs?: number
  /**
   * On recovery, adopt attempts a dead engine left running on workers (same attempt number)
   * instead of failing them with "engine lease expired". @default true
   */
  readonly resumeAttempts?: boolean
  /**
   * Also run a worker in this process. Attempts this executor dispatched run with the engine's
   * own task runner (full `ctx`); attempts of other engines run with `createTaskRunner({ pipelines })`.
   */
  readonly worker?: LocalWorkerOptions
}

/** The in-process worker of {@link BullmqExecutorOptions.worker}. */
export interface LocalWorkerOptions {
  /** @default 16 */
  readonly concurrency?: number
  readonly pipelines?: readonly Pipeline[]
  readonly name?: string
  readonly lockDurationMs?: number
  readonly stalledIntervalMs?: number
}

/** What a worker reports through `onEvent`. */
export type WorkerEvent =
  | { readonly type: 'ready'; readonly worker: string }
  | {
      readonly type: 'attempt-start'
      readonly worker: string
      readonly runId: string
      readonly taskId: string
      readonly attempt: number
    }
  | {
      readonly type: 'attempt-end'
      readonly worker: string
      readonly runId: string
      readonly taskId: string
      readonly attempt: number
      readonly status: string
    }
  | { readonly type: 'error'; readonly worker: string; readonly message: string }

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  /** The Redis the engines dispatch to. */
  readonly connection: RedisConnection
  /** @default 'df' */
  readonly queue?: string
  /** @default 'df' */
  readonly prefix?: string
  /** Attempts run at once by this worker. @default 16 */
  readonly concurrency?: number
  /**
   * BullMQ workers in this process sharing `concurrency`, each fetching jobs one at a time: a
   * burst of dispatches starts this many times sooner. Each costs two Redis connections.
   * @default `min(4, ceil(concurrency / 8))`
   */
  readonly fetchers?: number
  /** Pipelines whose code this worker loaded: function tasks run only from these. */
  readonly pipelines?: readonly Pipeline[]
  /** Shown on attempt records. @default `<hostname>:<pid>:<random>` */
  readonly name?: string
  /**
   * BullMQ's job lock: a worker that stops renewing it (killed, frozen) loses the attempt, which
   * then fails ("worker lost") and the engine retries it. @default 30000
   */
  readonly lockDurationMs?: number
  /** How often BullMQ looks for jobs whose lock expired. @default 30000 */
  readonly stalledIntervalMs?: number
  /** Worker events (ready, attempt start/end, errors). Never carries secrets. */
  readonly onEvent?: (event: WorkerEvent) => void
  /** @internal The handler instead of `createTaskRunner({ pipelines })`. */
  readonly handler?: TaskHandler
}

/** A running worker. */
export interface WorkerHandle {
  readonly name: string
  /** Stops taking jobs; with `drain` (the default), waits for running attempts first. */
  close(options?: { drain?: boolean }): Promise<void>
}

const EXECUTOR_KEYS: ReadonlySet<string> = new Set([
  'connection',
  'queue',
  'prefix',
  'reconcileIntervalMs',
  'timeoutMarginMs',
  'retentionMs',
  'resumeAttempts',
  'connectTimeoutMs',
  'connectionLossMs',
  'worker',
])
const WORKER_KEYS: ReadonlySet<string> = new Set([
  'connection',
  'queue',
  'prefix',
  'concurrency',
  'fetchers',
  'pipelines',
  'name',
  'lockDurationMs',
  'stalledIntervalMs',
  'onEvent',
  'handler',
])

function invalid(what: string): OrchestrationError {
  return new OrchestrationError('DF_OPTION_INVALID', `[@df/executor-bullmq] ${what}.`)
}

function checkKeys(options: object, allowed: ReadonlySet<string>, label: string): void {
  if (options === null || typeof options !== 'object')
    throw invalid(`${label} needs an options object`)
  for (const key of Object.keys(options)) {
    if (!allowed.has(key)) {
      throw invalid(`${label}: unknown option '${key}' (known: ${[...allowed].join(', ')})`)
    }
  }
  const connection = (options as { connection?: unknown }).connection
  if (typeof connection !== 'string' && (connection === null || typeof connection !== 'object')) {
    throw invalid(`${label}: connection must be a Redis URL or ioredis options`)
  }
}

function name(value: unknown, label: string, fallback: string): string {
  if (value === undefined) return fallback
  if (typeof value !== 'string' || !/^[A-Za-z0-9_.-]{1,100}$/.test(value)) {
    throw invalid(
      `${label} must be 1 to 100 letters, digits, '_', '.' or '-', got ${JSON.stringify(value)}`,
    )
  }
  return value
}

function positive(value: unknown, label: string, fallback: number, integer = true): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !(value > 0) || (integer && !Number.isInteger(value))) {
    throw invalid(`${label} must be a ${integer ? 'whole ' : ''}number > 0, got ${String(value)}`)
  }
  return value
}

/** Executor options with defaults applied. */
export function resolveExecutorOptions(o: BullmqExecutorOptions) {
  checkKeys(o, EXECUTOR_KEYS, 'createBullmqExecutor()')
  return {
    connection: o.connection,
    queue: name(o.queue, 'queue', 'df'),
    prefix: name(o.prefix, 'prefix', 'df'),
    reconcileIntervalMs: positive(o.reconcileIntervalMs, 'reconcileIntervalMs', 5000),
    timeoutMarginMs: positive(o.timeoutMarginMs, 'timeoutMarginMs', 10_000),
    retentionMs: positive(o.retentionMs, 'retentionMs', 86_400_000),
    resumeAttempts: o.resumeAttempts ?? true,
    connectTimeoutMs: positive(o.connectTimeoutMs, 'connectTimeoutMs', 10_000),
    connectionLossMs: positive(o.connectionLossMs, 'connectionLossMs', 30_000),
    worker: o.worker,
  }
}

/** Worker options with defaults applied. */
export function resolveWorkerOptions(o: WorkerOptions, fallbackName: string) {
  checkKeys(o, WORKER_KEYS, 'startWorker()')
  const lockDurationMs = positive(o.lockDurationMs, 'lockDurationMs', 30_000)
  const concurrency = positive(o.concurrency, 'concurrency', 16)
  const fetchers = positive(o.fetchers, 'fetchers', Math.min(4, Math.ceil(concurrency / 8)))
  if (fetchers > concurrency) {
    throw invalid(`fetchers (${fetchers}) must not exceed concurrency (${concurrency})`)
  }
  return {
    connection: o.connection,
    queue: name(o.queue, 'queue', 'df'),
    prefix: name(o.prefix, 'prefix', 'df'),
    concurrency,
    fetchers,
    pipelines: o.pipelines ?? [],
    name: o.name ?? fallbackName,
    lockDurationMs,
    stalledIntervalMs: positive(o.stalledIntervalMs, 'stalledIntervalMs', 30_000),
    onEvent: o.onEvent,
    handler: o.handler,
  }
}
