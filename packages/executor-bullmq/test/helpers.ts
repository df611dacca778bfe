/** Shared test plumbing: the Redis URL, a unique key prefix per file, cleanup. */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import type { TaskDispatch } from '@df/orchestration'
import { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, afterEach } from 'vitest'
import { slowPipeline } from './fixtures/pipelines.js'

/** A prefix no other test file uses, so parallel projects never share keys. */
export function uniquePrefix(tag: string): string {
  return `dft-${tag}-${process.pid}-${randomBytes(3).toString('hex')}`
}

/** Deletes every key under `prefix`. */
export async function dropPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url)
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
      cursor = next
      if (keys.length > 0) await redis.del(...keys)
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}

const fixtures = join(import.meta.dirname, 'fixtures')

/** A child process running a fixture script, with its stdout JSON lines collected. */
export interface Proc {
  readonly child: ChildProcess
  readonly pid: number
  /** Parsed JSON lines of stdout, in order. */
  readonly events: Record<string, unknown>[]
  /** Resolves with the first line (seen or future) matching `pred`. */
  waitFor(
    pred: (e: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>
  readonly exited: Promise<number | null>
  stderr(): string
}

/** Spawns `node --conditions=@df/source --import tsx fixtures/<script>` with `env` added. */
export function spawnFixture(script: string, env: Record<string, string>): Proc {
  const child = spawn(
    process.execPath,
    ['--conditions=@df/source', '--import', 'tsx', join(fixtures, script)],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const events: Record<string, unknown>[] = []
  const waiters: Array<{
    pred: (e: Record<string, unknown>) => boolean
    resolve: (e: Record<string, unknown>) => void
  }> = []
  let buffer = ''
  let err = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk
    let nl = buffer.indexOf('\n')
    while (nl >= 0) {
      const line = buffer.slice(0, nl)
      buffer = buffer.slice(nl + 1)
      nl = buffer.indexOf('\n')
      let e: Record<string, unknown>
      try {
        e = JSON.parse(line) as Record<string, unknown>
      } catch {
        continue
      }
      events.push(e)
      for (const w of waiters.splice(0)) {
        if (w.pred(e)) w.resolve(e)
        else waiters.push(w)
      }
    }
  })
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err = (err + chunk).slice(-20_000)
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return {
    child,
    pid: child.pid!,
    events,
    exited,
    stderr: () => err,
    waitFor(pred, timeoutMs = 30_000) {
      const seen = events.find(pred)
      if (seen) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `${script} (pid ${child.pid}) sent no matching line in ${timeoutMs} ms; stderr: ${err}`,
              ),
            ),
          timeoutMs,
        )
        waiters.push({
          pred,
          resolve: (e) => {
            clearTimeout(timer)
            resolve(e)
          },
        })
      })
    },
  }
}

/** Starts `count` worker processes and waits until each is ready. */
export async function startWorkers(
  count: number,
  env: Record<string, string>,
  tag = 'w',
): Promise<Proc[]> {
  const procs = Array.from({ length: count }, (_, i) =>
    spawnFixture('worker-main.ts', { ...env, DF_WORKER_NAME: `${tag}${i + 1}` }),
  )
  await Promise.all(procs.map((p) => p.waitFor((e) => e.type === 'ready', 60_000)))
  return procs
}

/** Kills (SIGKILL) whatever is still running. */
export async function killAll(procs: readonly Proc[]): Promise<void> {
  for (const p of procs)
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL')
  await Promise.all(procs.map((p) => p.exited))
}

/** A PostgreSQL schema no other test uses. */
export function uniqueSchema(): string {
  return `df_bq_${process.pid}_${randomBytes(4).toString('hex')}`
}

export async function dropSchemas(url: string, schemas: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
  } finally {
    await client.end()
  }
}

/** A dispatch of `slowPipeline`'s `slow` task (attempt 1) that sleeps `ms`, as an engine sends it. */
export function slowDispatch(runId: string, ms: number, timeoutMs?: number): TaskDispatch {
  return {
    runId,
    pipelineId: 'slow',
    taskId: 'slow',
    attempt: 1,
    type: 'function',
    idempotencyKey: `${runId}/slow/1`,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    logicalDate: new Date().toISOString(),
    params: { ms },
    definitionHash: slowPipeline().definitionHash,
    inputs: { first: { at: 1 } },
  }
}

/**
 * One test file's state on Redis: a unique key prefix (dropped after the file), the worker
 * processes and the cleanups of the current test (killed and run after each test).
 */
export function redisTestScope(url: string | undefined, tag: string) {
  const scope = {
    prefix: uniquePrefix(tag),
    procs: [] as Proc[],
    cleanup: [] as Array<() => Promise<void>>,
  }
  afterEach(async () => {
    await killAll(scope.procs)
    scope.procs = []
    for (const c of scope.cleanup.splice(0)) await c()
  })
  afterAll(async () => {
    if (url !== undefined) await dropPrefix(url, scope.prefix)
  })
  return scope
}
