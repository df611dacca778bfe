/**
 * A `dremio-cli worker` whose Redis goes away and comes back (a TCP proxy in front of the real
 * Redis, closed then reopened on the same port): it keeps running, prints the reconnect error
 * once instead of once per retry, and runs attempts again once Redis is back. And a worker whose
 * attempt outlives `--shutdown-timeout` still exits (0) shortly after it.
 */
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCliProcess, spawnCli, tempDir, waitFor } from './helpers.js'
import { REDIS_URL, type TestRedis, testRedis } from './redis.js'

const FIXTURE = join(import.meta.dirname, 'fixtures', 'distributed.ts')

/** A TCP proxy to the real Redis that can be cut and restored on the same port. */
class RedisProxy {
  #server: Server | undefined
  readonly #sockets = new Set<Socket>()
  port = 0

  async open(): Promise<void> {
    const target = new URL(REDIS_URL)
    const server = createServer((client) => {
      const upstream = tcpConnect(Number(target.port || 6379), target.hostname)
      for (const s of [client, upstream]) {
        this.#sockets.add(s)
        s.on('close', () => this.#sockets.delete(s))
        s.on('error', () => s.destroy())
      }
      client.pipe(upstream).pipe(client)
      client.on('close', () => upstream.destroy())
      upstream.on('close', () => client.destroy())
    })
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve))
    this.port = (server.address() as { port: number }).port
    this.#server = server
  }

  async cut(): Promise<void> {
    const server = this.#server
    this.#server = undefined
    const closed = new Promise<void>((resolve) => server?.close(() => resolve()))
    for (const s of this.#sockets) s.destroy()
    await closed
  }
}

describe('a worker through a Redis blip', () => {
  let redis: TestRedis | undefined
  let tmp: ReturnType<typeof tempDir>
  const proxy = new RedisProxy()
  beforeAll(async () => {
    redis = await testRedis()
    tmp = tempDir('blip')
  })
  afterAll(async () => {
    await proxy.cut().catch(() => undefined)
    await redis?.drop()
    tmp?.remove()
  })

  it('keeps running, prints the error once, and runs attempts again when Redis is back', async (test) => {
    if (!redis) return test.skip('Redis is not running')
    await proxy.open()
    const viaProxy = new URL(redis.url)
    viaProxy.host = `127.0.0.1:${proxy.port}`
    const worker = spawnCli([
      'worker',
      '--redis-url',
      viaProxy.toString(),
      '--prefix',
      redis.prefix,
      '--pipelines',
      FIXTURE,
      '--name',
      'w-blip',
    ])
    try {
      await waitFor(worker.output, /worker w-blip on /)
      await proxy.cut()
      await sleep(4000)
      const errors = worker.output().match(/\] error: /g) ?? []
      // Several connections retry every few hundred ms: a dozen lines or more without the filter.
      expect(errors.length).toBeGreaterThanOrEqual(1)
      expect(errors.length).toBeLessThanOrEqual(4)
      expect(worker.child.exitCode).toBeNull()
      await proxy.open()

      const run = await runCliProcess([
        'pipeline',
        'run',
        FIXTURE,
        '-p',
        'e2e_fanout',
        '--executor',
        'bullmq',
        '--redis-url',
        redis.url,
        '--prefix',
        redis.prefix,
        '--backend-url',
        `sqlite:///${join(tmp.dir, 'runs.db')}`,
      ])
      expect(run.code).toBe(0)
      const runId = /Run (\S+) SUCCESS/.exec(run.stdout)?.[1] as string
      await waitFor(worker.output, new RegExp(`${runId} join attempt 1 success`))
      const all = `${worker.output()}${run.stdout}${run.stderr}`
      expect(all).not.toContain(redis.password)
    } finally {
      worker.child.kill('SIGTERM')
    }
    const r = await worker.done
    expect(r.code).toBe(0)
    expect(r.stderr).not.toContain(redis.password)
  })

  it('SIGTERM with an attempt that outlives --shutdown-timeout: exits 0 shortly after it', async (test) => {
    if (!redis) return test.skip('Redis is not running')
    const prefix = ['--prefix', redis.prefix, '--queue', 'slow']
    const worker = spawnCli([
      'worker',
      '--redis-url',
      redis.url,
      ...prefix,
      '--pipelines',
      FIXTURE,
      '--shutdown-timeout',
      '1s',
    ])
    await waitFor(worker.output, /worker \S+ on /)
    const run = spawnCli([
      'pipeline',
      'run',
      FIXTURE,
      '-p',
      'e2e_hang',
      '--executor',
      'bullmq',
      '--redis-url',
      redis.url,
      ...prefix,
      '--backend-url',
      `sqlite:///${join(tmp.dir, 'slow.db')}`,
    ])
    try {
      await waitFor(worker.output, /wait_for_cancel attempt 1 started/)
      const t0 = Date.now()
      worker.child.kill('SIGTERM')
      const r = await worker.done
      expect(r.code).toBe(0)
      expect(Date.now() - t0).toBeLessThan(10_000)
      expect(r.stdout).toContain('stopped after 1s with attempts still running')
    } finally {
      run.child.kill('SIGTERM')
      await run.done
    }
  })
})
