/**
 * The `df` phase of the executor bench: one run of the bench pipeline through
 * `createBullmqExecutor` with a PostgreSQL backend, the dispatches and the outcomes' arrival
 * timestamped in the engine (a proxy around the executor's `dispatch` and the hooks it is started
 * with) and the task starts/ends by the workers.
 */
import { createPostgresBackend } from '@df/backend-postgres'
import {
  type Backend,
  createMemoryBackend,
  type Executor,
  type ExecutorHooks,
  type Pipeline,
  type PipelineOptions,
} from '@df/orchestration'
import { withPostgres } from '../backends/drivers.js'
import type { FromWorker, Shape, Timings, ToWorker } from './dag.js'
import { now, redisOptions } from './dag.js'

/** What runDf needs from run.ts. */
export interface DfRound {
  readonly shape: Shape
  readonly width: number
  readonly depth: number
  readonly redisUrl: string
  readonly postgresUrl: string
  /** `memory`: the same run on the memory backend, to tell the store's share from the executor's. */
  readonly backend: 'postgres' | 'memory'
  readonly prefix: string
  readonly queue: string
  readonly workers: readonly {
    ask<T extends FromWorker['type']>(
      m: ToWorker,
      reply: T,
    ): Promise<Extract<FromWorker, { type: T }>>
  }[]
  readonly build: (
    shape: Shape,
    width: number,
    depth: number,
    options: PipelineOptions,
  ) => { pipeline: Pipeline; timings: Timings }
}

/** What one round measured (ms). */
export interface DfFigures {
  readonly ms: number
  /** `pipeline.run()` called → first dispatch (run stored, graph ready). */
  readonly untilFirstDispatch: number
  /** Last outcome received → `pipeline.run()` settled (final writes). */
  readonly afterLastOutcome: number
  readonly dispatchP50: number
  readonly dispatchP99: number
  readonly upstreamP50?: number
  readonly upstreamP99?: number
  /** Layered: the engine received the upstream outcome (the task was ready) → task started. */
  readonly readyP50?: number
  readonly readyP99?: number
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number
}

/** `executor` with its `dispatch` timestamped into `at` (index from the task name). */
function timed(
  executor: Executor,
  width: number,
  at: Float64Array,
  outcomeAt: Float64Array,
): Executor {
  const index = (taskId: string): number => {
    const m = /^t(\d+)_(\d+)$/.exec(taskId)
    return m ? Number(m[1]) * width + Number(m[2]) : -1
  }
  return new Proxy(executor, {
    get(target, prop) {
      if (prop === 'dispatch') {
        return (
          task: Parameters<Executor['dispatch']>[0],
          o?: Parameters<Executor['dispatch']>[1],
        ) => {
          const k = index(task.taskId)
          if (k >= 0 && task.attempt === 1) at[k] = now()
          return target.dispatch(task, o)
        }
      }
      if (prop === 'start') {
        // The engine receiving each outcome: when the task's downstream became ready.
        return (hooks: ExecutorHooks, o?: Parameters<Executor['start']>[1]) =>
          target.start(
            {
              ...hooks,
              onOutcome: (d, outcome) => {
                const k = index(d.taskId)
                if (k >= 0) outcomeAt[k] = now()
                hooks.onOutcome(d, outcome)
              },
            },
            o,
          )
      }
      const value = Reflect.get(target, prop, target) as unknown
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value
    },
  })
}

/** Runs one round. Throws when the run does not end SUCCESS. */
export async function runDf(round: DfRound): Promise<DfFigures> {
  const n = round.width * round.depth
  const dispatchedAt = new Float64Array(n)
  const outcomeAt = new Float64Array(n)
  const { backend, executor } = await engine(round)
  const { pipeline } = round.build(round.shape, round.width, round.depth, {
    backend,
    executor: timed(executor, round.width, dispatchedAt, outcomeAt),
  })
  try {
    const t0 = now()
    const run = await pipeline.run()
    const ms = now() - t0
    let first = Number.POSITIVE_INFINITY
    let last = 0
    for (let k = 0; k < n; k++) {
      first = Math.min(first, dispatchedAt[k]!)
      last = Math.max(last, outcomeAt[k]!)
    }
    if (run.status !== 'SUCCESS') throw new Error(`df run ended ${run.status}: ${run.message}`)
    const startedAt = new Float64Array(n)
    const endedAt = new Float64Array(n)
    for (const w of round.workers) {
      const t = await w.ask({ type: 'timings' }, 'timings')
      for (let k = 0; k < n; k++) {
        // Each task ran on one worker (attempt 1); the newest figure wins across rounds.
        if ((t.startedAt[k] ?? 0) > startedAt[k]!) startedAt[k] = t.startedAt[k] as number
        if ((t.endedAt[k] ?? 0) > endedAt[k]!) endedAt[k] = t.endedAt[k] as number
      }
    }
    const dispatch = new Float64Array(n)
    for (let k = 0; k < n; k++) dispatch[k] = startedAt[k]! - dispatchedAt[k]!
    dispatch.sort()
    let upstream: Float64Array | undefined
    let ready: Float64Array | undefined
    if (round.shape === 'layered') {
      upstream = new Float64Array(n - round.width)
      ready = new Float64Array(n - round.width)
      for (let k = round.width; k < n; k++) {
        upstream[k - round.width] = startedAt[k]! - endedAt[k - round.width]!
        ready[k - round.width] = startedAt[k]! - outcomeAt[k - round.width]!
      }
      upstream.sort()
      ready.sort()
    }
    return {
      ms,
      untilFirstDispatch: first - t0,
      afterLastOutcome: t0 + ms - last,
      dispatchP50: percentile(dispatch, 0.5),
      dispatchP99: percentile(dispatch, 0.99),
      ...(upstream && ready
        ? {
            upstreamP50: percentile(upstream, 0.5),
            upstreamP99: percentile(upstream, 0.99),
            readyP50: percentile(ready, 0.5),
            readyP99: percentile(ready, 0.99),
          }
        : {}),
    }
  } finally {
    await pipeline.close()
  }
}

/** The engine's backend and executor, kept across rounds as a long-lived engine keeps them. */
interface Engine {
  readonly backend: Backend
  readonly executor: Executor
}
let current: Engine | undefined

async function engine(round: DfRound): Promise<Engine> {
  if (current) return current
  const { createBullmqExecutor } = await import('@df/executor-bullmq')
  // A fresh schema: the rows of earlier bench runs (10,000 per round; this machine's PostgreSQL
  // runs without autovacuum) would slow the store more with every run.
  if (round.backend === 'postgres') await dropSchema()
  const backend =
    round.backend === 'memory'
      ? createMemoryBackend()
      : createPostgresBackend({ connectionString: round.postgresUrl, schema: SCHEMA })
  const executor = createBullmqExecutor({
    connection: redisOptions(round.redisUrl),
    prefix: round.prefix,
    queue: round.queue,
  })
  current = { backend, executor }
  return current
}

/** Closes the engine the rounds shared. */
export async function closeDf(): Promise<void> {
  const e = current
  current = undefined
  if (!e) return
  await e.executor.close({ drain: true })
  await e.backend.close()
  if (e.backend.name === 'postgres') await dropSchema()
}

const SCHEMA = 'bench_executor'
const dropSchema = () =>
  withPostgres((query) => query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`)).then(() => {})
