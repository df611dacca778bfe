/**
 * Real worker processes on one Redis and one PostgreSQL backend: two and four workers finish a
 * DAG (upstream results travel with each dispatch), and a worker killed with SIGKILL mid-attempt
 * fails that attempt ("worker lost"), which another worker retries.
 */
import { createPostgresBackend } from '@df/backend-postgres'
import { requireService } from '@df/conformance/backend'
import type { AttemptRecord, FullBackend } from '@df/orchestration'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { type BullmqExecutor, createBullmqExecutor } from '../src/index.js'
import { dagPipeline, pooledPipeline, slowPipeline } from './fixtures/pipelines.js'
import {
  dropPrefix,
  dropSchemas,
  killAll,
  type Proc,
  startWorkers,
  uniquePrefix,
  uniqueSchema,
} from './helpers.js'

const redisUrl = requireService('DF_TEST_REDIS_URL') as string
const pgUrl = requireService('DF_TEST_POSTGRES_URL') as string
const missing = redisUrl === undefined || pgUrl === undefined
const prefix = uniquePrefix('mp')
const schemas: string[] = []
let procs: Proc[] = []
const cleanup: Array<() => Promise<void>> = []
let n = 0

async function engineParts(queue: string) {
  const schema = uniqueSchema()
  schemas.push(schema)
  const backend = createPostgresBackend({ connectionString: pgUrl, schema, poolSize: 4 })
  const executor = createBullmqExecutor({
    connection: redisUrl,
    prefix,
    queue,
    reconcileIntervalMs: 500,
  })
  cleanup.push(async () => {
    await executor.close()
    await backend.close()
  })
  return { backend: backend as FullBackend, executor: executor as BullmqExecutor }
}

function workerEnv(queue: string): Record<string, string> {
  return { DF_REDIS_URL: redisUrl, DF_PREFIX: prefix, DF_QUEUE: queue, DF_CONCURRENCY: '4' }
}

afterEach(async () => {
  await killAll(procs)
  procs = []
  for (const c of cleanup.splice(0)) await c()
})
afterAll(async () => {
  if (missing) return
  await dropPrefix(redisUrl, prefix)
  await dropSchemas(pgUrl, schemas)
})

function noDuplicates(attempts: readonly AttemptRecord[]): void {
  const keys = attempts.map((a) => `${a.taskId}/${a.attempt}`)
  expect(new Set(keys).size).toBe(keys.length)
}

describe.skipIf(missing)('worker processes', () => {
  for (const count of [2, 4]) {
    it(`${count} worker processes finish a 4 x 6 DAG on PostgreSQL, ctx.get served from the dispatch`, async () => {
      const queue = `dag${++n}`
      procs = await startWorkers(count, workerEnv(queue))
      const { backend, executor } = await engineParts(queue)
      const pipeline = dagPipeline({ backend, executor })
      const run = await pipeline.run()
      expect(run.status).toBe('SUCCESS')
      // 1, then 1 + 6 x the layer before: 7, 43, 259. Each task read its upstreams remotely.
      for (let i = 0; i < 6; i++) expect(run.tasks[`l3_t${i}`]?.result).toMatchObject({ n: 259 })
      const pids = new Set(Object.values(run.tasks).map((t) => (t.result as { pid: number }).pid))
      expect(pids.has(process.pid)).toBe(false)
      for (const pid of pids) expect(procs.map((p) => p.pid)).toContain(pid)
      const attempts = await backend.listAttempts(run.id)
      expect(attempts).toHaveLength(24)
      noDuplicates(attempts)
      const names = procs.map((_, i) => `w${i + 1}`)
      for (const a of attempts) {
        expect(a.state).toBe('SUCCESS')
        expect(names).toContain(a.worker)
      }
      expect(new Set(attempts.map((a) => a.worker)).size).toBeGreaterThanOrEqual(2)
    }, 120_000)
  }

  it('maxWorkers and pools hold across 4 worker processes', async () => {
    const queue = `pool${++n}`
    procs = await startWorkers(4, workerEnv(queue))
    const { backend, executor } = await engineParts(queue)
    const run = await pooledPipeline({ backend, executor }).run()
    expect(run.status).toBe('SUCCESS')
    const spans = Object.entries(run.tasks).map(([name, t]) => ({
      name,
      ...(t.result as { start: number; end: number; pid: number }),
    }))
    const overlap = (list: typeof spans) =>
      Math.max(...list.map((a) => list.filter((b) => b.start <= a.start && a.start < b.end).length))
    expect(overlap(spans)).toBeLessThanOrEqual(3) // maxWorkers
    expect(overlap(spans.filter((s) => s.name.startsWith('p')))).toBeLessThanOrEqual(2) // pool
    expect(overlap(spans)).toBeGreaterThanOrEqual(2) // it did run in parallel
    expect(new Set(spans.map((s) => s.pid)).size).toBeGreaterThanOrEqual(2)
  }, 120_000)

  it('kill -9 of the worker running an attempt: it fails as worker lost, another worker retries it, the run succeeds', async () => {
    const queue = `kill${++n}`
    procs = await startWorkers(2, workerEnv(queue))
    const { backend, executor } = await engineParts(queue)
    const pipeline = slowPipeline({ backend, executor })
    const done = pipeline.run({ params: { ms: 2500 } })
    const started = await Promise.race(
      procs.map((p) =>
        p.waitFor((e) => e.type === 'attempt-start' && e.taskId === 'slow', 60_000).then(() => p),
      ),
    )
    const killedAt = Date.now()
    started.child.kill('SIGKILL')
    const run = await done
    const lostAfterMs = Date.now() - killedAt
    expect(run.status).toBe('SUCCESS')
    expect(run.tasks.slow).toMatchObject({ state: 'SUCCESS', attempt: 2, result: { done: 2 } })
    expect(run.tasks.after).toMatchObject({ state: 'SUCCESS', result: { done: 2 } })
    const attempts = await backend.listAttempts(run.id)
    noDuplicates(attempts)
    const slow = attempts.filter((a) => a.taskId === 'slow')
    expect(slow.map((a) => [a.attempt, a.state])).toEqual([
      [1, 'FAILED'],
      [2, 'SUCCESS'],
    ])
    expect(slow[0]?.error?.code).toBe('DF_WORKER_LOST')
    const survivor = procs.find((p) => p !== started)!
    expect(slow[1]?.worker).toBe(`w${procs.indexOf(survivor) + 1}`)
    expect(attempts.filter((a) => a.taskId === 'first')).toHaveLength(1)
    // lock 1 s + stalled check 0.5 s + reconcile 0.5 s, then a 2.5 s retry, on busy cores.
    expect(lostAfterMs).toBeLessThan(20_000)
  }, 120_000)
})
