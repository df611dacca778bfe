/**
 * Dremio tasks (by type: the worker rebuilds them from `dremio.query` + JSON options and uses
 * its own client) on the emulator over real HTTP: no PAT in any Redis key or message after a
 * run, and `cancelRun` aborts the attempt on the worker, so the emulator's job ends CANCELED.
 */
import { randomBytes } from 'node:crypto'
import { DremioClient } from '@df/client'
import { requireService } from '@df/conformance/backend'
import { createEmulator, type Emulator } from '@df/emulator'
import { registerDremioClient } from '@df/tasks'
import { Redis } from 'ioredis'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createBullmqExecutor } from '../src/index.js'
import { dagPipeline, dremioPipeline } from './fixtures/pipelines.js'
import { dropPrefix, killAll, type Proc, startWorkers, uniquePrefix } from './helpers.js'

const redisUrl = requireService('DF_TEST_REDIS_URL') as string
const prefix = uniquePrefix('dremio')
const pat = `dfpat-${randomBytes(12).toString('hex')}`
let procs: Proc[] = []
const cleanup: Array<() => Promise<void>> = []

afterEach(async () => {
  await killAll(procs)
  procs = []
  for (const c of cleanup.splice(0)) await c()
})
afterAll(async () => {
  if (redisUrl !== undefined) await dropPrefix(redisUrl, prefix)
})

async function emulator(jobLatency: number): Promise<Emulator> {
  const emu = await createEmulator({ port: 0, auth: { tokens: [pat] }, jobLatency })
  cleanup.push(() => emu.close())
  return emu
}

/** Every value of every key under the prefix, whatever its type. */
async function dumpRedis(): Promise<{ keys: number; text: string; types: Set<string> }> {
  const redis = new Redis(redisUrl)
  const parts: string[] = []
  const types = new Set<string>()
  let keys = 0
  try {
    let cursor = '0'
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500)
      cursor = next
      for (const key of batch) {
        keys++
        const type = await redis.type(key)
        types.add(type)
        parts.push(key)
        if (type === 'string') parts.push(String(await redis.get(key)))
        else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)))
        else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)))
        else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)))
        else if (type === 'zset')
          parts.push(JSON.stringify(await redis.zrange(key, 0, -1, 'WITHSCORES')))
        else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')))
        else parts.push(`unscanned type ${type}`)
      }
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
  return { keys, text: parts.join('\n'), types }
}

function workerEnv(queue: string, emu: Emulator): Record<string, string> {
  return {
    DF_REDIS_URL: redisUrl,
    DF_PREFIX: prefix,
    DF_QUEUE: queue,
    DF_DREMIO_URL: emu.url,
    DF_DREMIO_PAT: pat,
  }
}

describe.skipIf(redisUrl === undefined)('Dremio tasks on worker processes', () => {
  it('after a run, no Redis key or message under the prefix holds the PAT', async () => {
    const emu = await emulator(0)
    // The engine's own client config holds the PAT too; it must stay in this process.
    const client = new DremioClient({ url: emu.url, pat })
    cleanup.push(() => client.close())
    const unregister = registerDremioClient('default', client)
    cleanup.push(async () => unregister())
    procs = await startWorkers(2, workerEnv('sec', emu))
    const executor = createBullmqExecutor({ connection: redisUrl, prefix, queue: 'sec' })
    cleanup.push(() => executor.close())
    const run = await dremioPipeline({ executor }, 'SELECT 42 AS answer').run()
    expect(run.status).toBe('SUCCESS')
    const job = emu.jobs.list().find((j) => j.sql.includes('SELECT 42 AS answer'))
    expect(job?.state).toBe('COMPLETED')
    const dag = await dagPipeline({ executor }).run({ params: { region: 'eu' } })
    expect(dag.status).toBe('SUCCESS')

    const dump = await dumpRedis() // before close: the event stream, the jobs and their outcomes
    expect(dump.keys).toBeGreaterThan(5)
    expect(dump.types).toContain('stream')
    expect(dump.types).toContain('hash')
    expect(dump.text).toContain('SELECT 42 AS answer') // the scan sees the dispatches…
    expect(dump.text).toMatch(/region[\\"]*:[\\"]*eu/) // params, JSON inside the job hash
    expect(dump.text.includes(pat)).toBe(false) // …and no secret in them
    for (const p of procs) expect(p.stderr().includes(pat)).toBe(false)
  }, 120_000)

  it('cancelRun aborts the query on the worker: the Dremio job ends CANCELED', async () => {
    const emu = await emulator(60_000) // every job stays RUNNING for a minute unless cancelled
    procs = await startWorkers(1, workerEnv('cancel', emu))
    const executor = createBullmqExecutor({ connection: redisUrl, prefix, queue: 'cancel' })
    cleanup.push(() => executor.close())
    const pipeline = dremioPipeline({ executor }, 'SELECT 7 AS slow_one')
    let runId: string | undefined
    pipeline.on('event', (e) => {
      if (e.type === 'run') runId = e.runId
    })
    const done = pipeline.run()
    let job = undefined as ReturnType<Emulator['jobs']['list']>[number] | undefined
    const deadline = Date.now() + 30_000
    while (job === undefined && Date.now() < deadline) {
      job = emu.jobs.list().find((j) => j.sql.includes('SELECT 7 AS slow_one'))
      if (job === undefined) await new Promise((r) => setTimeout(r, 20))
    }
    expect(job?.state).toBe('RUNNING')
    const cancelledAt = Date.now()
    expect(pipeline.cancelRun(runId!)).toBe(true)
    const run = await done
    expect(run.status).toBe('CANCELLED')
    expect(run.tasks.query?.state).toBe('CANCELLED')
    const settled = await emu.jobs.settled(job!.id)
    expect(settled.state).toBe('CANCELED')
    expect(Date.now() - cancelledAt).toBeLessThan(10_000)
    await procs[0]!.waitFor((e) => e.type === 'attempt-end', 10_000)
    const ends = procs[0]!.events.filter((e) => e.type === 'attempt-end')
    expect(ends.map((e) => e.status)).toEqual(['cancelled']) // the worker saw the abort
  }, 120_000)
})
