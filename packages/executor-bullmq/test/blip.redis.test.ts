/**
 * Redis connection loss on the engine side while an attempt runs on a worker process: killed
 * connections (CLIENT KILL) and a short outage (a TCP proxy that drops every socket) are ridden
 * out; an outage longer than `connectionLossMs` fails the run loudly instead of leaving it RUNNING.
 */
import { randomBytes } from 'node:crypto'
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net'
import { requireService } from '@df/conformance/backend'
import { Redis } from 'ioredis'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { type BullmqExecutorOptions, createBullmqExecutor } from '../src/index.js'
import { slowPipeline } from './fixtures/pipelines.js'
import { dropPrefix, killAll, type Proc, startWorkers, uniquePrefix } from './helpers.js'

const url = requireService('DF_TEST_REDIS_URL') as string
const prefix = uniquePrefix('blip')
let procs: Proc[] = []
const cleanup: Array<() => Promise<void>> = []
let n = 0

afterEach(async () => {
  await killAll(procs)
  procs = []
  for (const c of cleanup.splice(0)) await c()
})
afterAll(async () => {
  if (url !== undefined) await dropPrefix(url, prefix)
})

/** A TCP proxy to Redis that can drop every connection and refuse new ones for a while. */
async function proxy(): Promise<{ port: number; cut(): void; restore(): void }> {
  const target = new URL(url)
  const sockets = new Set<Socket>()
  let refusing = false
  const server: Server = createServer((client) => {
    if (refusing) return void client.destroy()
    const upstream = tcpConnect(Number(target.port || 6379), target.hostname)
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {})
    }
    client.pipe(upstream).pipe(client)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  )
  return {
    port: (server.address() as { port: number }).port,
    cut() {
      refusing = true
      for (const s of sockets) s.destroy()
    },
    restore() {
      refusing = false
    },
  }
}

async function setup(
  connection: BullmqExecutorOptions['connection'],
  extra: Partial<BullmqExecutorOptions> = {},
) {
  const queue = `blip${++n}`
  procs = await startWorkers(1, { DF_REDIS_URL: url, DF_PREFIX: prefix, DF_QUEUE: queue })
  const executor = createBullmqExecutor({
    connection,
    prefix,
    queue,
    reconcileIntervalMs: 300,
    ...extra,
  })
  cleanup.push(() => executor.close())
  const pipeline = slowPipeline({ executor })
  const slowStarted = () =>
    procs[0]!.waitFor((e) => e.type === 'attempt-start' && e.taskId === 'slow', 60_000)
  return { pipeline, slowStarted }
}

describe.skipIf(url === undefined)('Redis connection loss on the engine side', () => {
  it("CLIENT KILL of the executor's connections mid-run: it reconnects and the run succeeds without a retry", async () => {
    const name = `dfblip${randomBytes(4).toString('hex')}`
    const target = new URL(url)
    const { pipeline, slowStarted } = await setup({
      host: target.hostname,
      port: Number(target.port || 6379),
      connectionName: name,
    })
    const done = pipeline.run({ params: { ms: 1500 } })
    await slowStarted()
    const admin = new Redis(url)
    cleanup.push(async () => admin.disconnect())
    const kill = async () => {
      const list = String(await admin.client('LIST'))
      const ids = [...list.matchAll(/id=(\d+) .*name=(\S*)/g)]
        .filter((m) => m[2] === name)
        .map((m) => m[1]!)
      for (const id of ids) await admin.client('KILL', 'ID', id)
      return ids.length
    }
    expect(await kill()).toBeGreaterThanOrEqual(2) // the command and the XREAD connections
    await new Promise((r) => setTimeout(r, 700))
    await kill()
    const run = await done
    expect(run.status).toBe('SUCCESS')
    expect(run.tasks.slow).toMatchObject({ state: 'SUCCESS', attempt: 1 })
    expect(run.tasks.after).toMatchObject({ state: 'SUCCESS', result: { done: 1 } })
  }, 120_000)

  it('a 1.5 s outage (every socket dropped, connects refused) is ridden out', async () => {
    const p = await proxy()
    const { pipeline, slowStarted } = await setup(`redis://127.0.0.1:${p.port}`, {
      connectionLossMs: 10_000,
    })
    const done = pipeline.run({ params: { ms: 1000 } })
    await slowStarted()
    p.cut()
    await new Promise((r) => setTimeout(r, 1500)) // the worker finishes meanwhile
    p.restore()
    const run = await done
    expect(run.status).toBe('SUCCESS')
    expect(run.tasks.slow).toMatchObject({ state: 'SUCCESS', attempt: 1 })
  }, 120_000)

  it('an outage longer than connectionLossMs fails the run loudly, never leaves it RUNNING', async () => {
    const p = await proxy()
    const { pipeline, slowStarted } = await setup(`redis://127.0.0.1:${p.port}`, {
      connectionLossMs: 1000,
    })
    const started = Date.now()
    const done = pipeline.run({ params: { ms: 3000 } })
    await slowStarted()
    p.cut() // and never restored
    const run = await done
    expect(run.status).toBe('FAILED')
    expect(run.tasks.slow?.state).toBe('FAILED')
    expect(run.tasks.slow?.attempt).toBe(3) // every retry was tried, none got through
    expect(run.tasks.slow?.error?.message).toMatch(/Redis/)
    expect(Date.now() - started).toBeLessThan(60_000)
  }, 120_000)

  it('start() rejects DF_EXECUTOR_UNAVAILABLE when Redis cannot be reached, without the password', async () => {
    const executor = createBullmqExecutor({
      connection: 'redis://user:s3cret-pass@127.0.0.1:1',
      prefix,
      connectTimeoutMs: 500,
    })
    const pipeline = slowPipeline({ executor })
    const error = await pipeline.run().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'DF_EXECUTOR_UNAVAILABLE' })
    expect(String((error as Error).message)).toMatch(/127\.0\.0\.1:1/)
    expect(String((error as Error).message)).not.toMatch(/s3cret/)
    await executor.close()
  }, 30_000)
})
