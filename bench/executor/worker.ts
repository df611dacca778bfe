/**
 * One worker process of the executor bench (forked by run.ts; IPC to it).
 * - `raw <redisUrl> <prefix> <queue> <concurrency>`: a bare BullMQ `Worker` with a no-op
 *   processor; answers `query` with how many jobs it completed and when it completed the last.
 *   A job with `{ t, left }` (the `raw-chain` phase) records `now - t` and adds its successor.
 * - `df <redisUrl> <prefix> <queue> <concurrency> <shape> <width> <depth> <maxWorkers>`: `startWorker` from
 *   `@df/executor-bullmq` with the bench pipeline; answers `timings` with when each task it ran
 *   started and ended (0 for tasks another worker ran).
 * Exits when the bench disconnects (closing its worker first).
 */
import {
  buildPipeline,
  type FromWorker,
  now,
  redisOptions,
  type Shape,
  type ToWorker,
} from './dag.js'

const [mode, url, prefix, queue, concurrencyText, shape, widthText, depthText, maxWorkersText] =
  process.argv.slice(2)
const concurrency = Number(concurrencyText)
const send = (m: FromWorker): void => {
  process.send?.(m)
}
let close: () => Promise<void> = async () => undefined

if (mode === 'raw') {
  const { Queue, Worker } = await import('bullmq')
  let count = 0
  let lastAt = 0
  // Chained jobs (`raw-chain`): the processor adds the job's successor itself, as an engine would
  // dispatch it, so `added → started` is bare BullMQ's dispatch latency under the same load.
  const successors = new Queue(queue as string, { connection: redisOptions(url as string), prefix })
  let latencies: number[] = []
  const worker = new Worker(
    queue as string,
    async (job) => {
      const data = job.data as { t?: number; left?: number }
      if (data.t === undefined) return
      latencies.push(now() - data.t)
      if ((data.left ?? 0) > 0) {
        await successors.add('noop', { t: now(), left: (data.left as number) - 1 })
      }
    },
    { connection: redisOptions(url as string), prefix, concurrency },
  )
  worker.on('completed', () => {
    count++
    lastAt = now()
  })
  await worker.waitUntilReady()
  close = async () => {
    await worker.close()
    await successors.close()
  }
  process.on('message', (m: ToWorker) => {
    if (m.type === 'query') send({ type: 'count', count, lastAt })
    if (m.type === 'latencies') {
      send({ type: 'latencies', ms: latencies })
      latencies = []
    }
  })
  send({ type: 'ready', name: `raw-${process.pid}` })
} else if (mode === 'df') {
  const { startWorker } = await import('@df/executor-bullmq')
  const { pipeline, timings } = buildPipeline(
    shape as Shape,
    Number(widthText),
    Number(depthText),
    {
      maxWorkers: Number(maxWorkersText),
    },
  )
  const worker = await startWorker({
    connection: redisOptions(url as string),
    prefix,
    queue,
    concurrency,
    pipelines: [pipeline],
    name: `bench-worker-${process.pid}`,
  })
  close = () => worker.close()
  process.on('message', (m: ToWorker) => {
    if (m.type === 'timings') {
      send({
        type: 'timings',
        startedAt: Array.from(timings.startedAt),
        endedAt: Array.from(timings.endedAt),
      })
    }
  })
  send({ type: 'ready', name: worker.name })
} else {
  throw new Error(`unknown mode ${mode}`)
}

process.on('message', (m: ToWorker) => {
  if (m.type !== 'cpu') return
  const { user, system } = process.cpuUsage()
  send({ type: 'cpu', ms: (user + system) / 1000 })
})

process.on('disconnect', () => {
  void close().finally(() => process.exit(0))
})
