/**
 * Contention on one PostgreSQL schema (issue 4, "Must show"): 4 processes × 2 pipelines each, several
 * concurrent runs per pipeline, plus `recover()` polling: zero lock errors, zero lost or doubled
 * task executions, every run SUCCESS. Real processes, real PostgreSQL.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPostgresBackend } from '@df/backend-postgres'
import { requireService } from '@df/conformance/backend'
import { afterAll, describe, expect, it } from 'vitest'
import { dropSchema, uniqueSchema } from './helpers.js'

const url = requireService('DF_TEST_POSTGRES_URL')
const schema = uniqueSchema()
const dir = mkdtempSync(join(tmpdir(), 'df-postgres-contention-'))
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  if (url !== undefined) await dropSchema(schema)
}, 60_000)

const PROCESSES = 4
const RUNS_PER_PIPELINE = 4
const TASKS_PER_RUN = 20

interface Report {
  type: 'done'
  runs: Array<{ id: string; pipelineId: string; status: string; message?: string }>
  errors: string[]
  claimed: string[]
}

function startWorker(args: string[]): {
  child: ChildProcess
  ready: Promise<void>
  done: Promise<Report>
} {
  const child = fork(join(import.meta.dirname, 'fixtures', 'contention-worker.ts'), args, {
    execArgv: ['--conditions=@df/source', '--import', 'tsx'],
    cwd: join(import.meta.dirname, '..'),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  let onReady: () => void = () => {}
  const ready = new Promise<void>((resolve) => {
    onReady = resolve
  })
  const done = new Promise<Report>((resolve, reject) => {
    child.on('message', (m: { type: string }) => {
      if (m.type === 'ready') onReady()
      else resolve(m as Report)
    })
    child.on('exit', (code) => reject(new Error(`worker exited with ${code} before reporting`)))
  })
  return { child, ready, done }
}

describe.skipIf(url === undefined)('contention on one PostgreSQL schema', () => {
  it('4 processes × 2 pipelines: no lock error, no lost or doubled execution, every run SUCCESS', async () => {
    const logs = Array.from({ length: PROCESSES }, (_, i) => join(dir, `exec-${i}.log`))
    const workers = logs.map((log) => startWorker([schema, String(RUNS_PER_PIPELINE), log]))
    // Start together, after every process has opened (and raced to migrate) the schema.
    await Promise.all(workers.map((w) => w.ready))
    for (const w of workers) w.child.send('go')
    const reports = await Promise.all(workers.map((w) => w.done))

    expect(reports.flatMap((r) => r.errors)).toEqual([])
    // No live run was taken over: every lease was being renewed.
    expect(reports.flatMap((r) => r.claimed)).toEqual([])
    const runs = reports.flatMap((r) => r.runs)
    expect(runs).toHaveLength(PROCESSES * 2 * RUNS_PER_PIPELINE)
    expect(runs.filter((r) => r.status !== 'SUCCESS')).toEqual([])

    // Every task of every run executed exactly once (attempt 1), in the process that ran it.
    const executions = logs
      .filter((log) => existsSync(log))
      .flatMap((log) => readFileSync(log, 'utf8').trim().split('\n'))
      .map((line) => JSON.parse(line) as { runId: string; task: string; attempt: number })
    const perTask = new Map<string, number>()
    for (const e of executions) {
      expect(e.attempt).toBe(1)
      perTask.set(`${e.runId}/${e.task}`, (perTask.get(`${e.runId}/${e.task}`) ?? 0) + 1)
    }
    expect(perTask.size).toBe(runs.length * TASKS_PER_RUN)
    expect([...perTask.values()].every((n) => n === 1)).toBe(true)

    // The store agrees: every run and task SUCCESS, one attempt each, nothing left RUNNING.
    const store = createPostgresBackend({ connectionString: url!, schema, poolSize: 2 })
    await store.init()
    for (const pipelineId of ['contention_a', 'contention_b']) {
      const page = await store.listRuns({ pipelineId, limit: 100 })
      expect(page.items).toHaveLength(PROCESSES * RUNS_PER_PIPELINE)
      expect(page.items.every((r) => r.status === 'SUCCESS' && r.owner === undefined)).toBe(true)
    }
    for (const run of runs) {
      const tasks = await store.getTasks(run.id)
      expect(tasks.filter((t) => t.state !== 'SUCCESS' || t.attempt !== 1)).toEqual([])
      expect(await store.listAttempts(run.id)).toHaveLength(TASKS_PER_RUN)
    }
    await store.close()
  }, 240_000)
})
