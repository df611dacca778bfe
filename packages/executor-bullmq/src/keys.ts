/**
 * Redis names and the wire format between engines and workers. Everything here is plain JSON of
 * the dispatch and the outcome: task type, JSON options, params, upstream results; never code,
 * never credentials (the worker resolves clients from its own env or profile).
 */
import type { CancelScope, TaskDispatch, TaskOutcome } from '@df/orchestration'
import { Redis, type RedisOptions } from 'ioredis'
import type { RedisConnection } from './options.js'

/** A job's data: the dispatch. */
export interface JobData {
  readonly d: TaskDispatch
}

/** A job's return value: the worker that ran the attempt and its outcome. */
export interface JobResult {
  readonly w: string
  readonly o: TaskOutcome
}

/** The Redis names of one queue under one prefix. */
export class Names {
  readonly base: string
  /** Pub/sub channel of cancel requests. */
  readonly cancelChannel: string
  constructor(prefix: string, queue: string) {
    this.base = `${prefix}:${queue}`
    this.cancelChannel = `${this.base}:df:cancel`
  }
  /** BullMQ's event stream of the queue: `active`, `completed` (with the return value), `failed`. */
  get events(): string {
    return `${this.base}:events`
  }
  /** The marker of a cancelled run, or of one cancelled task of it. */
  cancelMarker(runId: string, taskId?: string): string {
    return taskId === undefined
      ? `${this.base}:df:cancelled:${runId}`
      : `${this.base}:df:cancelled:${runId}/${taskId}`
  }
  /** BullMQ's hash of one job. */
  job(jobId: string): string {
    return `${this.base}:${jobId}`
  }
  get completed(): string {
    return `${this.base}:completed`
  }
  get failed(): string {
    return `${this.base}:failed`
  }
}

/**
 * The BullMQ job id of an attempt: its idempotency key, encoded (BullMQ refuses ids with `:`,
 * which task names may contain), so a re-dispatched attempt is the same job.
 */
export function jobIdOf(idempotencyKey: string): string {
  return encodeURIComponent(idempotencyKey)
}

/** Whether `cancel(runId, taskId, scope)` covers the attempt `d`. */
export function matches(d: TaskDispatch, runId: string, taskId?: string, scope?: CancelScope) {
  return (
    d.runId === runId &&
    (taskId === undefined || d.taskId === taskId) &&
    (scope?.engineId === undefined || d.engineId === undefined || d.engineId === scope.engineId)
  )
}

/** A cancel request on the channel. */
export interface CancelMessage {
  readonly runId: string
  readonly taskId?: string
  /** One attempt only (the engine's timeout backstop). */
  readonly jobId?: string
  readonly reason: string
}

/** A new ioredis connection as BullMQ needs it (`maxRetriesPerRequest: null`). */
export function connect(connection: RedisConnection, onError: (error: Error) => void): Redis {
  const base: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true }
  const redis =
    typeof connection === 'string'
      ? new Redis(connection, base)
      : new Redis({ ...connection, ...base })
  redis.on('error', onError)
  return redis
}

/** An error message without credentials: ioredis messages name host and port only. */
export function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.replace(/\/\/[^@/\s]*@/g, '//***@')
}

/** The outcome a lost worker leaves: failed, retryable. */
export function workerLost(d: TaskDispatch, why: string): TaskOutcome {
  return {
    status: 'failed',
    retryable: true,
    error: {
      message: `[@df/executor-bullmq] The worker running task '${d.taskId}' attempt ${d.attempt} was lost (${why}); the engine retries the task where retries remain.`,
      name: 'OrchestrationError',
      code: 'DF_WORKER_LOST',
    },
  }
}

/** Rejects when `promise` takes longer than `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** `host:port` of a connection, never its password. */
export function describeTarget(connection: RedisConnection): string {
  if (typeof connection === 'string') {
    try {
      const u = new URL(connection)
      return `${u.hostname}:${u.port || '6379'}`
    } catch {
      return 'the configured URL'
    }
  }
  return `${connection.host ?? '127.0.0.1'}:${connection.port ?? 6379}`
}
