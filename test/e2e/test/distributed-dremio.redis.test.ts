/**
 * Dremio queries on `dremio-cli worker` processes against the emulator: the workers resolve the
 * Dremio client from their own environment (an instance from `ctx.client`, and the `'default'`
 * name), the jobs run, and the PAT is in no Redis key or value and in no output.
 */
import { join } from 'node:path'
import type { Emulator } from '@df/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emulatorEnv, startEmulator } from './emulator.js'
import { cleanEnv, runCliProcess, spawnCli, tempDir, waitFor } from './helpers.js'
import { type TestRedis, testRedis } from './redis.js'

const FIXTURE = join(import.meta.dirname, 'fixtures', 'distributed-dremio.ts')

describe('Dremio tasks on workers', () => {
  let redis: TestRedis | undefined
  let emulator: Emulator
  let tmp: ReturnType<typeof tempDir>
  beforeAll(async () => {
    redis = await testRedis()
    emulator = await startEmulator()
    tmp = tempDir('dist-dremio')
  })
  afterAll(async () => {
    await redis?.drop()
    await emulator?.close()
    tmp?.remove()
  })

  it('run with the worker’s own credentials; the PAT never reaches Redis', async (test) => {
    if (!redis) return test.skip('Redis is not running')
    const pat = emulator.credentials.tokens[0] as string
    const common = ['--redis-url', redis.url, '--prefix', redis.prefix]
    const worker = spawnCli(['worker', ...common, '--pipelines', FIXTURE, '--name', 'w-sql'], {
      env: emulatorEnv(emulator),
    })
    const outputs: string[] = []
    try {
      await waitFor(worker.output, /worker w-sql on /)
      const backendUrl = `sqlite:///${join(tmp.dir, 'runs.db')}`
      const run = await runCliProcess(
        [
          'pipeline',
          'run',
          FIXTURE,
          '--executor',
          'bullmq',
          ...common,
          '--backend-url',
          backendUrl,
        ],
        { env: emulatorEnv(emulator) },
      )
      outputs.push(run.stdout, run.stderr)
      expect(run.code).toBe(0)
      const runId = /Run (\S+) SUCCESS/.exec(run.stdout)?.[1] as string
      const shown = await runCliProcess(
        ['pipeline', 'show', runId, '--json', '--backend-url', backendUrl],
        { env: cleanEnv() },
      )
      const { tasks, attempts } = JSON.parse(shown.stdout) as {
        tasks: { taskId: string; state: string; result?: { rows?: { n: number }[] } }[]
        attempts: { taskId: string; worker?: string; meta?: { dremioJobId?: string } }[]
      }
      expect(tasks.map((t) => [t.taskId, t.state])).toEqual([
        ['by_instance', 'SUCCESS'],
        ['by_name', 'SUCCESS'],
      ])
      expect(attempts.map((a) => a.worker)).toEqual(['w-sql', 'w-sql'])
      // The emulator ran both jobs (the job ids the workers recorded).
      for (const a of attempts) {
        const jobId = a.meta?.dremioJobId as string
        expect(jobId).toBeTruthy()
        expect(emulator.jobs.get(jobId)?.state).toBe('COMPLETED')
      }
    } finally {
      worker.child.kill('SIGTERM')
    }
    const w = await worker.done
    outputs.push(w.stdout, w.stderr)
    expect(w.code).toBe(0)
    expect(outputs.join('\n')).not.toContain(pat)
    // Every key and value under the prefix: dispatches, replies, job data and return values.
    const c = redis.client
    const keys = await redis.keys()
    expect(keys.length).toBeGreaterThan(0)
    for (const key of keys) {
      const type = await c.type(key)
      const dump =
        type === 'string'
          ? await c.get(key)
          : type === 'hash'
            ? await c.hgetall(key)
            : type === 'list'
              ? await c.lrange(key, 0, -1)
              : type === 'set'
                ? await c.smembers(key)
                : type === 'zset'
                  ? await c.zrange(key, 0, -1)
                  : type === 'stream'
                    ? await c.xrange(key, '-', '+')
                    : null
      expect(JSON.stringify(dump), key).not.toContain(pat)
    }
  })
})
