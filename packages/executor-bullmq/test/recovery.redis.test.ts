/**
 * kill -9 of the engine process while its attempt runs on a worker: another engine's recover()
 * adopts the run and the attempt's outcome (the same attempt, run once), and re-runs nothing
 * that had succeeded.
 */
import { createPostgresBackend } from '@df/backend-postgres'
import { requireService } from '@df/conformance/backend'
import type { FullBackend, RunResult } from '@df/orchestration'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createBullmqExecutor } from '../src/index.js'
import { slowPipeline } from './fixtures/pipelines.js'
import {
  dropPrefix,
  dropSchemas,
  killAll,
  type Proc,
  spawnFixture,
  startWorkers,
  uniquePrefix,
  uniqueSchema,
} from './helpers.js'

const redisUrl = requireService('DF_TEST_REDIS_URL') as string
const pgUrl = requireService('DF_TEST_POSTGRES_URL') as string
const missing = redisUrl === undefined || pgUrl === undefined
const prefix = uniquePrefix('rec')
const schemas: string[] = []
let procs: Proc[] = []

afterEach(async () => {
  await killAll(procs)
  procs = []
})
afterAll(async () => {
  if (missing) return
  await dropPrefix(redisUrl, prefix)
  await dropSchemas(pgUrl, schemas)
})

describe.skipIf(missing)('engine crash', () => {
  it('kill -9 of the engine: recover() in another engine adopts the attempt still running on a worker', async () => {
    const queue = 'rec1'
    const schema = uniqueSchema()
    schemas.push(schema)
    const workers = await startWorkers(2, {
      DF_REDIS_URL: redisUrl,
      DF_PREFIX: prefix,
      DF_QUEUE: queue,
    })
    const engine = spawnFixture('engine-main.ts', {
      DF_REDIS_URL: redisUrl,
      DF_PREFIX: prefix,
      DF_QUEUE: queue,
      DF_PG_URL: pgUrl,
      DF_PG_SCHEMA: schema,
      DF_SLOW_MS: '5000',
    })
    procs = [...workers, engine]
    const { runId } = (await engine.waitFor((e) => typeof e.runId === 'string', 60_000)) as {
      runId: string
    }
    await Promise.race(
      workers.map((w) =>
        w.waitFor((e) => e.type === 'attempt-start' && e.taskId === 'slow', 60_000),
      ),
    )
    engine.child.kill('SIGKILL')
    await engine.exited

    const backend = createPostgresBackend({
      connectionString: pgUrl,
      schema,
      poolSize: 3,
    }) as FullBackend
    const executor = createBullmqExecutor({
      connection: redisUrl,
      prefix,
      queue,
      reconcileIntervalMs: 300,
    })
    try {
      const rescuer = slowPipeline({ backend, executor, engineId: 'rescuer' })
      let recovered: RunResult[] = []
      const deadline = Date.now() + 30_000
      while (recovered.length === 0 && Date.now() < deadline) {
        recovered = await rescuer.recover()
        if (recovered.length === 0) await new Promise((r) => setTimeout(r, 300))
      }
      const run = recovered[0]!
      expect(run.id).toBe(runId)
      expect(run.status).toBe('SUCCESS')
      // The adopted attempt 1 finished on its worker; nothing ran twice.
      expect(run.tasks.slow).toMatchObject({ state: 'SUCCESS', attempt: 1, result: { done: 1 } })
      expect(run.tasks.first).toMatchObject({ state: 'SUCCESS', attempt: 1 })
      expect(run.tasks.after).toMatchObject({ state: 'SUCCESS', result: { done: 1 } })
      const starts = workers.flatMap((w) =>
        w.events.filter((e) => e.type === 'attempt-start').map((e) => `${e.taskId}/${e.attempt}`),
      )
      expect(starts.sort()).toEqual(['after/1', 'first/1', 'slow/1'])
      const attempts = await backend.listAttempts(run.id)
      expect(attempts.map((a) => `${a.taskId}/${a.attempt}/${a.state}`).sort()).toEqual([
        'after/1/SUCCESS',
        'first/1/SUCCESS',
        'slow/1/SUCCESS',
      ])
    } finally {
      await executor.close()
      await backend.close()
    }
  }, 120_000)
})
