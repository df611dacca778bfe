/**
 * Executor benchmark (issue 11): 10,000 no-op tasks through `@df/executor-bullmq` with two worker
 * processes × concurrency 50 and PostgreSQL history, beside raw BullMQ (10,000 no-op jobs, the
 * same two worker processes × concurrency 50) measured in the same run, on the same Redis.
 *
 * Rows, one per round and phase, then the medians:
 * - `raw`: a bare BullMQ `Queue` + two `Worker` processes; the clock runs from the first
 *   `addBulk` (chunks of 1,000) to the last job completed on a worker;
 * - `raw-chain` (layered only): bare BullMQ again, as the DAG's shape: 100 chains of 100 jobs, each job added by
 *   the processor of the one before (no engine, no backend); its dispatch columns are
 *   "added → started", bare BullMQ's floor for the df phase's dispatch latency;
 * - `df`: `pipeline.run()` of the bench pipeline (100 × 100 layered DAG by default: each task
 *   after the task with the same index one layer up; or `flat`, 10,000 independent tasks) with
 *   `createBullmqExecutor` and a `@df/backend-postgres` backend (every state change durable),
 *   `maxWorkers` 100 (the run's cap on attempts in flight); the clock runs from `run()` called to the run's result
 *   (storing the run and its 10,000 task rows included). The engine's backend and executor live
 *   across the rounds, as in a long-lived engine process and like the raw phases' `Queue`: round 1
 *   pays their connecting and the schema check, later rounds do not. A `#` line after each df
 *   row gives the run's fixed ends: `run()` → first dispatch, last outcome → run settled;
 * - `dispatch→start`: the engine calling `executor.dispatch` (timestamped in the engine) → the
 *   task function starting on a worker (timestamped there; both processes read the same machine
 *   clock, `performance.timeOrigin + performance.now()`);
 * - `ready→start` (layered only): the engine received the upstream task's outcome (this task
 *   became ready) → this task's function started on a worker (the store writes, the dispatch, the
 *   worker's fetch);
 * - `upstream→start` (layered only): the upstream task's function ended on a worker → this task's
 *   function started on a worker: the whole loop (outcome back to the engine through Redis, the
 *   backend writes, the dispatch, the worker picking the job up).
 *
 * Usage: pnpm bench executor [rounds=3] [layered|flat] [concurrency=50] [postgres|memory]
 *   [maxWorkers=100] [width=100 depth=100 (layered)]
 * Env: DF_TEST_REDIS_URL (default redis://127.0.0.1:6379), DF_TEST_POSTGRES_URL (default
 * postgres://df:df@127.0.0.1:5432/test).
 */
import { type ChildProcess, fork } from 'node:child_process'
import { loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import {
  buildPipeline,
  type FromWorker,
  now,
  redisOptions,
  type Shape,
  type ToWorker,
} from './dag.js'
import { closeDf, runDf } from './df.js'

const rounds = Number(process.argv[2] ?? 3)
const shape = (process.argv[3] ?? 'layered') as Shape
const concurrency = Number(process.argv[4] ?? 50)
const store = (process.argv[5] ?? 'postgres') as 'postgres' | 'memory'
const maxWorkers = Number(process.argv[6] ?? 100)
// `layered` W D: another width × depth (e.g. `1 300`, one chain: latency with nothing queued).
const [width, depth] =
  shape === 'flat' ? [10_000, 1] : [Number(process.argv[7] ?? 100), Number(process.argv[8] ?? 100)]
const N = width * depth
const REDIS_URL = process.env.DF_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
const POSTGRES_URL = process.env.DF_TEST_POSTGRES_URL ?? 'postgres://df:df@127.0.0.1:5432/test'
const prefix = `dfbench${process.pid}`
const here = dirname(fileURLToPath(import.meta.url))

/** A forked worker process and a way to ask it something. */
interface Child {
  readonly proc: ChildProcess
  readonly name: string
  ask<T extends FromWorker['type']>(
    m: ToWorker,
    reply: T,
  ): Promise<Extract<FromWorker, { type: T }>>
}

async function spawnWorker(args: string[]): Promise<Child> {
  const proc = fork(join(here, 'worker.ts'), args, {
    execArgv: process.execArgv.filter((a) => a !== '--expose-gc'),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const ready = await new Promise<FromWorker>((resolve, reject) => {
    proc.once('message', (m: FromWorker) => resolve(m))
    proc.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready`)))
  })
  const name = ready.type === 'ready' ? ready.name : '?'
  return {
    proc,
    name,
    ask: (m, reply) =>
      new Promise((resolve) => {
        const on = (r: FromWorker): void => {
          if (r.type !== reply) return
          proc.off('message', on)
          resolve(r as never)
        }
        proc.on('message', on)
        proc.send(m)
      }),
  }
}

async function stop(children: readonly Child[]): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          c.proc.once('exit', () => resolve())
          c.proc.disconnect()
          setTimeout(() => c.proc.kill('SIGKILL'), 10_000).unref()
        }),
    ),
  )
}

/** CPU ms so far of this process, of the worker processes (summed), and of redis-server. */
async function cpuNow(
  workers: readonly Child[],
  redis: Redis,
): Promise<{ main: number; workers: number; redis: number }> {
  const { user, system } = process.cpuUsage()
  const replies = await Promise.all(workers.map((w) => w.ask({ type: 'cpu' }, 'cpu')))
  const info = await redis.info('cpu')
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0)
  return {
    main: (user + system) / 1000,
    workers: replies.reduce((sum, r) => sum + r.ms, 0),
    redis: (field('used_cpu_sys') + field('used_cpu_user')) * 1000,
  }
}

/** µs of CPU per task between two {@link cpuNow} readings, as three columns. */
function cpuColumns(
  a: Awaited<ReturnType<typeof cpuNow>>,
  b: Awaited<ReturnType<typeof cpuNow>>,
): string[] {
  return [b.main - a.main, b.workers - a.workers, b.redis - a.redis].map((ms) =>
    ((ms * 1000) / N).toFixed(0),
  )
}

/** One raw BullMQ round: N no-op jobs; returns the wall-clock ms. */
async function runRaw(queue: Queue, workers: readonly Child[], base: number): Promise<number> {
  const t0 = now()
  for (let i = 0; i < N; i += 1000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1000, N - i) }, (_, j) => ({
        name: 'noop',
        data: { i: i + j },
      })),
    )
  }
  for (;;) {
    const counts = await Promise.all(workers.map((w) => w.ask({ type: 'query' }, 'count')))
    if (counts.reduce((s, c) => s + c.count, 0) - base >= N) {
      return Math.max(...counts.map((c) => c.lastAt)) - t0
    }
    await new Promise((r) => setTimeout(r, 10))
  }
}

/**
 * One `raw-chain` round: `width` chains of `depth` jobs, each job added by the processor of the
 * one before (no engine): wall-clock ms and added → started p50/p99.
 */
async function runChain(
  queue: Queue,
  workers: readonly Child[],
  base: number,
): Promise<{ ms: number; p50: number; p99: number }> {
  const t0 = now()
  await queue.addBulk(
    Array.from({ length: width }, () => ({ name: 'noop', data: { t: now(), left: depth - 1 } })),
  )
  let end = 0
  for (;;) {
    const counts = await Promise.all(workers.map((w) => w.ask({ type: 'query' }, 'count')))
    if (counts.reduce((s, c) => s + c.count, 0) - base >= N) {
      end = Math.max(...counts.map((c) => c.lastAt))
      break
    }
    await new Promise((r) => setTimeout(r, 10))
  }
  const lat = Float64Array.from(
    (await Promise.all(workers.map((w) => w.ask({ type: 'latencies' }, 'latencies')))).flatMap(
      (l) => l.ms,
    ),
  ).sort()
  const at = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] as number
  return { ms: end - t0, p50: at(0.5), p99: at(0.99) }
}

const rawQueue = 'raw'
const dfQueue = 'df'
const connection = redisOptions(REDIS_URL)
const queue = new Queue(rawQueue, { connection, prefix })
const redis = new Redis(connection)
const rawWorkers = await Promise.all(
  [0, 1].map(() => spawnWorker(['raw', REDIS_URL, prefix, rawQueue, String(concurrency)])),
)
let dfWorkers: Child[] = []
let dfAvailable = true
try {
  await import('@df/executor-bullmq')
  dfWorkers = await Promise.all(
    [0, 1].map(() =>
      spawnWorker([
        'df',
        REDIS_URL,
        prefix,
        dfQueue,
        String(concurrency),
        shape,
        String(width),
        String(depth),
        String(maxWorkers),
      ]),
    ),
  )
} catch (error) {
  dfAvailable = false
  console.log(`# @df/executor-bullmq not available (${(error as Error).message}): raw only`)
}

console.log(
  `# ${N} no-op tasks, 2 worker processes x concurrency ${concurrency}, df: ${shape === 'flat' ? 'flat fan-out' : `${width}x${depth} layered DAG`}, ${store === 'memory' ? 'memory backend' : 'PostgreSQL history'}, maxWorkers ${maxWorkers}; load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
)
console.log(
  'round\tphase\ttasks\tms\ttasks_per_s\tvs_raw\tdispatch_p50_ms\tdispatch_p99_ms\tupstream_p50_ms\tupstream_p99_ms\tready_p50_ms\tready_p99_ms\tcpu_us_per_task(engine/workers/redis)',
)
const rawRates: number[] = []
const dfRates: number[] = []
const ratios: number[] = []
const dispatchP50: number[] = []
const dispatchP99: number[] = []
const readyP50: number[] = []
const readyP99: number[] = []
const chainP50: number[] = []
const chainP99: number[] = []
let rawDone = 0
try {
  for (let r = 1; r <= rounds; r++) {
    const c0 = await cpuNow(rawWorkers, redis)
    const rawMs = await runRaw(queue, rawWorkers, rawDone)
    const c1 = await cpuNow(rawWorkers, redis)
    rawDone += N
    const rawRate = N / (rawMs / 1000)
    rawRates.push(rawRate)
    console.log(
      [
        r,
        'raw',
        N,
        rawMs.toFixed(0),
        Math.round(rawRate),
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        cpuColumns(c0, c1).join('/'),
      ].join('\t'),
    )
    // Flat has no chains: its "dispatch" latency is queueing, nothing to compare with.
    if (shape === 'layered') {
      const k0 = await cpuNow(rawWorkers, redis)
      const chain = await runChain(queue, rawWorkers, rawDone)
      const k1 = await cpuNow(rawWorkers, redis)
      rawDone += N
      chainP50.push(chain.p50)
      chainP99.push(chain.p99)
      console.log(
        [
          r,
          'raw-chain',
          N,
          chain.ms.toFixed(0),
          Math.round(N / (chain.ms / 1000)),
          '',
          chain.p50.toFixed(2),
          chain.p99.toFixed(2),
          '',
          '',
          '',
          '',
          cpuColumns(k0, k1).join('/'),
        ].join('\t'),
      )
    }
    if (!dfAvailable) continue
    const d0 = await cpuNow(dfWorkers, redis)
    const df = await runDf({
      shape,
      width,
      depth,
      redisUrl: REDIS_URL,
      postgresUrl: POSTGRES_URL,
      backend: store,
      prefix,
      queue: dfQueue,
      workers: dfWorkers,
      build: (sh, w, d, o) => buildPipeline(sh, w, d, { maxWorkers, ...o }),
    })
    const d1 = await cpuNow(dfWorkers, redis)
    const rate = N / (df.ms / 1000)
    dfRates.push(rate)
    ratios.push(rate / rawRate)
    dispatchP50.push(df.dispatchP50)
    dispatchP99.push(df.dispatchP99)
    if (df.readyP50 !== undefined) readyP50.push(df.readyP50)
    if (df.readyP99 !== undefined) readyP99.push(df.readyP99)
    console.log(
      [
        r,
        'df',
        N,
        df.ms.toFixed(0),
        Math.round(rate),
        (rate / rawRate).toFixed(3),
        df.dispatchP50.toFixed(2),
        df.dispatchP99.toFixed(2),
        df.upstreamP50?.toFixed(2) ?? '-',
        df.upstreamP99?.toFixed(2) ?? '-',
        df.readyP50?.toFixed(2) ?? '-',
        df.readyP99?.toFixed(2) ?? '-',
        cpuColumns(d0, d1).join('/'),
      ].join('\t'),
    )
    console.log(
      `# round ${r} df: run() → first dispatch ${df.untilFirstDispatch.toFixed(0)} ms, last outcome → run settled ${df.afterLastOutcome.toFixed(0)} ms`,
    )
  }
  const median = (xs: number[]): string =>
    xs.length === 0 ? '-' : String([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)])
  const fmt = (s: string, digits: number): string => (s === '-' ? s : Number(s).toFixed(digits))
  console.log(['median', 'raw', N, '-', fmt(median(rawRates), 0), '', '', '', '', ''].join('\t'))
  if (shape === 'layered')
    console.log(
      [
        'median',
        'raw-chain',
        N,
        '-',
        '',
        '',
        fmt(median(chainP50), 2),
        fmt(median(chainP99), 2),
        '',
        '',
      ].join('\t'),
    )
  if (dfAvailable) {
    console.log(
      [
        'median',
        'df',
        N,
        '-',
        fmt(median(dfRates), 0),
        fmt(median(ratios), 3),
        fmt(median(dispatchP50), 2),
        fmt(median(dispatchP99), 2),
        '',
        '',
        fmt(median(readyP50), 2),
        fmt(median(readyP99), 2),
      ].join('\t'),
    )
  }
} finally {
  await closeDf()
  await stop([...rawWorkers, ...dfWorkers])
  await queue.obliterate({ force: true }).catch(() => undefined)
  await queue.close()
  // Whatever the executor left under the bench prefix (its own queue, streams, markers).
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
    cursor = next
    if (keys.length > 0) await redis.del(...keys)
  } while (cursor !== '0')
  await redis.quit()
}
