/**
 * `dremio-cli worker` and `pipeline run --executor bullmq`, as built (`apps/cli/dist/bin.js`),
 * in real processes on the real Redis and PostgreSQL: two workers run a pipeline's attempts (the
 * attempt records name them, the task results carry their process ids); SIGTERM on `pipeline run`
 * aborts the attempt's signal on the worker; SIGTERM on a worker drains and exits 0; a missing
 * `--redis-url` is exit 2; the password of the Redis URL is in no output and in no Redis key.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanEnv, runCliProcess, spawnCli, tempDir, waitFor } from './helpers.js'
import { type TestRedis, testRedis } from './redis.js'
import { postgresStore, type TestStore } from './services.js'

const FIXTURE = join(import.meta.dirname, 'fixtures', 'distributed.ts')

interface ShownRun {
  run: { status: string; message?: string }
  tasks: { taskId: string; state: string; result?: unknown }[]
  attempts: { taskId: string; attempt: number; state: string; worker?: string }[]
}

/** Every value stored under the test's prefix, as text (what a secret scan reads). */
async function redisDump(redis: TestRedis): Promise<string> {
  const c = redis.client
  const out: string[] = []
  for (const key of await redis.keys()) {
    const type = await c.type(key)
    const value =
      type === 'string'
        ? await c.get(key)
        : type === 'hash'
          ? await c.hgetall(key)
          : type === 'list'
            ? await c.lrange(key, 0, -1)
            : type === 'set'
              ? await c.smembers(key)
              : type === 'zset'
                ? await c.zrange(key, 0, -1, 'WITHSCORES')
                : type === 'stream'
                  ? await c.xrange(key, '-', '+')
                  : null
    out.push(key, JSON.stringify(value))
  }
  return out.join('\n')
}

describe('distributed execution with dremio-cli worker', () => {
  let redis: TestRedis | undefined
  let store: TestStore | undefined
  let marks: ReturnType<typeof tempDir>
  let workers: ReturnType<typeof spawnCli>[] = []
  const outputs: string[] = []
  beforeAll(async () => {
    redis = await testRedis()
    store = redis ? await postgresStore() : undefined
    marks = tempDir('distributed')
    if (!redis || !store) return
    const env = cleanEnv({ DF_E2E_MARKS: marks.dir })
    // w-a takes the URL as a flag, w-b from DF_REDIS_URL.
    const url = (redis as TestRedis).url
    workers = ['w-a', 'w-b'].map((name) =>
      spawnCli(
        [
          'worker',
          ...(name === 'w-a' ? ['--redis-url', url] : []),
          '--prefix',
          (redis as TestRedis).prefix,
          '--pipelines',
          FIXTURE,
          '--concurrency',
          '2',
          '--name',
          name,
        ],
        { env: name === 'w-a' ? env : { ...env, DF_REDIS_URL: url } },
      ),
    )
    for (const w of workers) await waitFor(w.output, /worker w-[ab] on /)
  })
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL')
    await store?.drop()
    await redis?.drop()
    marks?.remove()
  })

  const runArgs = (pipeline: string): string[] => [
    'pipeline',
    'run',
    FIXTURE,
    '-p',
    pipeline,
    '--executor',
    'bullmq',
    '--redis-url',
    (redis as TestRedis).url,
    '--prefix',
    (redis as TestRedis).prefix,
    '--backend-url',
    (store as TestStore).url,
  ]
  const show = async (runId: string): Promise<ShownRun> => {
    const r = await runCliProcess([
      'pipeline',
      'show',
      runId,
      '--json',
      '--backend-url',
      (store as TestStore).url,
    ])
    expect(r.code).toBe(0)
    return JSON.parse(r.stdout) as ShownRun
  }

  it('runs the attempts on the two workers, records which, and ends SUCCESS', async (test) => {
    if (!redis || !store) return test.skip('Redis or PostgreSQL is not running')
    const run = spawnCli(runArgs('e2e_fanout'))
    const r = await run.done
    outputs.push(r.stdout, r.stderr)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const runId = /Run (\S+) SUCCESS/.exec(r.stdout)?.[1] as string
    expect(runId).toBeTruthy()
    const shown = await show(runId)
    expect(shown.run.status).toBe('SUCCESS')
    expect(shown.tasks.every((t) => t.state === 'SUCCESS')).toBe(true)
    const names = new Set(shown.attempts.map((a) => a.worker))
    expect(shown.attempts).toHaveLength(7)
    expect([...names].sort()).toEqual(['w-a', 'w-b'])
    // The results came from the worker processes, not from the engine's, and reached `join`.
    const workerPids = workers.map((w) => w.child.pid)
    const join_ = shown.tasks.find((t) => t.taskId === 'join')?.result as {
      parts: { i: number; pid: number }[]
    }
    expect(join_.parts.map((p) => p.i)).toEqual([0, 1, 2, 3, 4, 5])
    for (const p of join_.parts) {
      expect(workerPids).toContain(p.pid)
      expect(p.pid).not.toBe(run.child.pid)
    }
    // Each worker printed the attempts it ran.
    const started = workers.map(
      (w) => [...w.output().matchAll(new RegExp(`${runId} \\S+ attempt 1 started`, 'g'))].length,
    )
    expect(started[0]! + started[1]!).toBe(7)

    // `pipeline rerun --executor bullmq`: the tasks it reruns go to the workers too.
    const rerun = await runCliProcess([
      'pipeline',
      'rerun',
      runId,
      '-f',
      FIXTURE,
      '--from',
      'part_2',
      ...runArgs('e2e_fanout').slice(5),
    ])
    outputs.push(rerun.stdout, rerun.stderr)
    expect(rerun.code).toBe(0)
    const rerunId = /Run (\S+) SUCCESS/.exec(rerun.stdout)?.[1] as string
    expect(rerunId).not.toBe(runId)
    const again = await show(rerunId)
    expect(again.attempts.map((a) => a.taskId).sort()).toEqual(['join', 'part_2'])
    for (const a of again.attempts) expect(['w-a', 'w-b']).toContain(a.worker)
  })

  it('SIGTERM on pipeline run aborts the attempt on the worker and records CANCELLED', async (test) => {
    if (!redis || !store) return test.skip('Redis or PostgreSQL is not running')
    const run = spawnCli(runArgs('e2e_hang'))
    await waitFor(run.output, /run (\S+) RUNNING/)
    const runId = /run (\S+) RUNNING/.exec(run.output())?.[1] as string
    await waitFor(
      () => workers.map((w) => w.output()).join(''),
      new RegExp(`${runId} wait_for_cancel attempt 1 started`),
    )
    run.child.kill('SIGTERM')
    const r = await run.done
    outputs.push(r.stdout, r.stderr)
    expect(r.code).toBe(143)
    expect(r.stderr).toContain('SIGTERM: cancelling run')
    // The worker process that ran the attempt saw its signal abort.
    const mark = join(marks.dir, `${runId}.cancelled`)
    await waitFor(() => (existsSync(mark) ? 'yes' : ''), 'yes', 30_000)
    expect(workers.map((w) => w.child.pid)).toContain(Number(readFileSync(mark, 'utf8')))
    const shown = await show(runId)
    expect(shown.run.status).toBe('CANCELLED')
    expect(shown.tasks[0]?.state).toBe('CANCELLED')
  })

  it("serve --executor bullmq runs the scheduled runs' tasks on the workers", async (test) => {
    if (!redis || !store) return test.skip('Redis or PostgreSQL is not running')
    const serve = spawnCli([
      'serve',
      '--pipelines',
      FIXTURE,
      '--executor',
      'bullmq',
      '--redis-url',
      redis.url,
      '--prefix',
      redis.prefix,
      '--backend-url',
      store.url,
    ])
    await waitFor(serve.output, /run (\S+) \(e2e_dist_tick, schedule\) SUCCESS/)
    serve.child.kill('SIGTERM')
    const r = await serve.done
    outputs.push(r.stdout, r.stderr)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(
      /serving 4 pipeline\(s\) .*, tasks on bullmq on redis:\/\/dfe2e_\w+:\*\*\*@/,
    )
    const runId = /run (\S+) \(e2e_dist_tick, schedule\) SUCCESS/.exec(r.stdout)?.[1] as string
    const shown = await show(runId)
    expect(shown.run.status).toBe('SUCCESS')
    expect(['w-a', 'w-b']).toContain(shown.attempts[0]?.worker)
    const result = shown.tasks[0]?.result as { pid: number }
    expect(workers.map((w) => w.child.pid)).toContain(result.pid)
    expect(result.pid).not.toBe(serve.child.pid)
  })

  it('warns when no worker serves the queue; SIGTERM then cancels the waiting attempts', async (test) => {
    if (!redis || !store) return test.skip('Redis or PostgreSQL is not running')
    const run = spawnCli([...runArgs('e2e_fanout'), '--queue', 'nobody'])
    await waitFor(run.output, /part_5 RUNNING|part_5 QUEUED/)
    run.child.kill('SIGTERM')
    const r = await run.done
    outputs.push(r.stdout, r.stderr)
    expect(r.code).toBe(143)
    expect(r.stderr).toContain(
      `[@df/cli] warning: no dremio-cli worker is connected to queue 'nobody' (prefix '${redis.prefix}') on redis://dfe2e_`,
    )
    expect(r.stderr).toContain(`--queue nobody --prefix ${redis.prefix}).`)
    const runId = /Run (\S+) CANCELLED/.exec(r.stdout)?.[1] as string
    expect((await show(runId)).run.status).toBe('CANCELLED')
  })

  it('kill -9 of pipeline run: pipeline recover --executor bullmq adopts the attempt on the worker', async (test) => {
    if (!redis || !store) return test.skip('Redis or PostgreSQL is not running')
    const run = spawnCli(runArgs('e2e_adopt'))
    await waitFor(run.output, /run (\S+) RUNNING/)
    const runId = /run (\S+) RUNNING/.exec(run.output())?.[1] as string
    await waitFor(
      () => workers.map((w) => w.output()).join(''),
      new RegExp(`${runId} long attempt 1 started`),
    )
    run.child.kill('SIGKILL')
    await run.done
    // The lease (3 s) must expire before another engine may take the run.
    await new Promise((r) => setTimeout(r, 3500))
    const recovered = await runCliProcess([
      'pipeline',
      'recover',
      FIXTURE,
      ...runArgs('e2e_adopt').slice(3),
    ])
    outputs.push(recovered.stdout, recovered.stderr)
    expect(recovered.stderr).toBe('')
    expect(recovered.code).toBe(0)
    expect(recovered.stdout).toContain(`Run ${runId} (e2e_adopt) recovered: SUCCESS`)
    const shown = await show(runId)
    expect(shown.run.status).toBe('SUCCESS')
    // `long` ran once, on a worker, and its outcome was adopted (not failed, not re-run).
    const longAttempts = shown.attempts.filter((a) => a.taskId === 'long')
    expect(longAttempts).toHaveLength(1)
    expect(longAttempts[0]?.state).toBe('SUCCESS')
    const started = workers
      .map((w) => w.output())
      .join('')
      .match(new RegExp(`${runId} long attempt 1 started`, 'g'))
    expect(started).toHaveLength(1)
  }, 60_000)

  it('needs --redis-url (or DF_REDIS_URL) for bullmq: exit 2, nothing started', async () => {
    const r = await runCliProcess(['pipeline', 'run', FIXTURE, '--executor', 'bullmq'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--executor bullmq needs a Redis: pass --redis-url')
    const w = await runCliProcess(['worker', '--pipelines', FIXTURE])
    expect(w.code).toBe(2)
    expect(w.stderr).toContain('dremio-cli worker needs a Redis')
    const bad = await runCliProcess(['pipeline', 'run', FIXTURE, '--executor', 'celery'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--executor must be one of in-process, bullmq')
  })

  it('ends at once, in one line, when the Redis cannot be reached or refuses the password', async (test) => {
    if (!redis) return test.skip('Redis is not running')
    const down = `redis://:${redis.password}@127.0.0.1:1`
    for (const args of [
      ['worker', '--pipelines', FIXTURE, '--redis-url', down],
      ['pipeline', 'run', FIXTURE, '-p', 'e2e_fanout', '--executor', 'bullmq', '--redis-url', down],
    ]) {
      const r = await runCliProcess(args)
      outputs.push(r.stdout, r.stderr)
      expect(r.code).toBe(1)
      expect(r.stderr.trim()).toBe(
        '[@df/cli] Redis at redis://:***@127.0.0.1:1 cannot be reached (ECONNREFUSED): start it, or pass the right --redis-url.',
      )
    }
    const wrong = new URL(redis.url)
    wrong.password = `${redis.password}x`
    const refused = await runCliProcess([
      'worker',
      '--pipelines',
      FIXTURE,
      '--redis-url',
      wrong.toString(),
    ])
    outputs.push(refused.stdout, refused.stderr)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('refused the credentials of the URL (WRONGPASS')
  })

  it('refuses a pipeline not built with ctx.executor instead of running it in-process', async (test) => {
    if (!redis || !store) return test.skip('Redis or PostgreSQL is not running')
    const inProcessOnly = join(import.meta.dirname, 'fixtures', 'serve', 'ticking.ts')
    const r = await runCliProcess([
      'pipeline',
      'run',
      inProcessOnly,
      '--executor',
      'bullmq',
      '--redis-url',
      redis.url,
      '--prefix',
      redis.prefix,
      '--backend-url',
      store.url,
    ])
    outputs.push(r.stdout, r.stderr)
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(
      "Pipeline 'e2e_tick' was not built with the CLI's executor (it has 'in-process')",
    )
    expect(r.stderr).toContain('executor: ctx.executor')
    expect(r.stdout).not.toContain('RUNNING')

    // serve warns instead (a directory may mix both kinds) and keeps serving.
    const serve = spawnCli([
      'serve',
      '--pipelines',
      inProcessOnly,
      '--executor',
      'bullmq',
      '--redis-url',
      redis.url,
      '--prefix',
      redis.prefix,
      '--backend-url',
      store.url,
    ])
    await waitFor(serve.output, /serving 1 pipeline/)
    serve.child.kill('SIGTERM')
    const s = await serve.done
    outputs.push(s.stdout, s.stderr)
    expect(s.code).toBe(0)
    expect(s.stdout).toContain(
      "warning: pipeline 'e2e_tick' was built with its own executor (in-process): its tasks run in this process, not on the bullmq workers.",
    )
  })

  it('SIGTERM on a worker drains and exits 0; the Redis password is in no output and no key', async (test) => {
    if (!redis || !store) return test.skip('Redis or PostgreSQL is not running')
    for (const w of workers) w.child.kill('SIGTERM')
    const results = await Promise.all(workers.map((w) => w.done))
    for (const r of results) {
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(/SIGTERM: stopping/)
      expect(r.stdout).toMatch(/\] stopped$/m)
      outputs.push(r.stdout, r.stderr)
    }
    const everything = outputs.join('\n')
    expect(everything).toContain(':***@')
    expect(everything).not.toContain(redis.password)
    const dump = await redisDump(redis)
    expect(dump.length).toBeGreaterThan(0)
    expect(dump).not.toContain(redis.password)
  })
})
