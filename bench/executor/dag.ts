/**
 * What the executor bench's processes share: the clock, the Redis connection options, the
 * pipeline under test (built the same way in the engine and in every worker, so workers find the
 * function tasks by name) and the messages between the bench and its worker processes.
 */
import { Pipeline, type PipelineOptions, Task } from '@df/orchestration'

/** Epoch milliseconds with sub-millisecond precision; comparable across processes on one host. */
export function now(): number {
  return performance.timeOrigin + performance.now()
}

/** `redis://host:port/db` as the ioredis options BullMQ wants (workers block: no retry limit). */
export function redisOptions(url: string): {
  host: string
  port: number
  db: number
  username?: string
  password?: string
  maxRetriesPerRequest: null
} {
  const u = new URL(url)
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || 6379),
    db: Number(u.pathname.slice(1) || 0),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    maxRetriesPerRequest: null,
  }
}

/** The shapes of the DAG: 100 × 100 layered (each task after the same index one layer up), or flat. */
export type Shape = 'layered' | 'flat'

/** Start and end instants of each task (index = layer × width + i), filled in by the tasks. */
export interface Timings {
  readonly startedAt: Float64Array
  readonly endedAt: Float64Array
}

/**
 * The bench pipeline: `width × depth` no-op tasks, `t<layer>_<i>`; in `layered`, each depends on
 * `t<layer-1>_<i>`; in `flat`, none depends on anything. Every task records when it ran.
 */
export function buildPipeline(
  shape: Shape,
  width: number,
  depth: number,
  options: PipelineOptions = {},
): { pipeline: Pipeline; timings: Timings } {
  const n = width * depth
  const timings: Timings = { startedAt: new Float64Array(n), endedAt: new Float64Array(n) }
  // maxWorkers is part of the definition hash: the engine and the workers build it the same way.
  const pipeline = new Pipeline('bench_executor', { maxWorkers: 100, ...options })
  // DF_BENCH_TIMEOUT_MS (inherited by the forked workers): every task gets that per-attempt
  // timeout, the executor's other path (a "started" reply, timers on both sides).
  const timeoutMs = Number(process.env.DF_BENCH_TIMEOUT_MS ?? 0)
  const tasks: Task[] = []
  for (let layer = 0; layer < depth; layer++) {
    for (let i = 0; i < width; i++) {
      const k = layer * width + i
      const t = new Task({
        name: `t${layer}_${i}`,
        ...(timeoutMs > 0 ? { timeoutMs } : {}),
        run: async () => {
          timings.startedAt[k] = now()
          await undefined
          timings.endedAt[k] = now()
        },
      })
      if (shape === 'layered' && layer > 0) tasks[k - width]?.setDownstream(t)
      tasks.push(t)
    }
  }
  pipeline.addTask(...tasks)
  return { pipeline, timings }
}

/** Bench → worker process. */
export type ToWorker =
  | { readonly type: 'query' }
  | { readonly type: 'timings' }
  | { readonly type: 'cpu' }
  | { readonly type: 'latencies' }

/** Worker process → bench. */
export type FromWorker =
  | { readonly type: 'ready'; readonly name: string }
  | { readonly type: 'count'; readonly count: number; readonly lastAt: number }
  /** `process.cpuUsage()` of the worker process, user + system, in ms. */
  | { readonly type: 'cpu'; readonly ms: number }
  /** `raw-chain`: added → started of each chained job since the last ask, in ms. */
  | { readonly type: 'latencies'; readonly ms: number[] }
  | {
      readonly type: 'timings'
      readonly startedAt: number[]
      readonly endedAt: number[]
    }
