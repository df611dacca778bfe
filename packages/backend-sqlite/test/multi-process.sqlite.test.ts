/**
 * Several processes on one SQLite file (issue 4): zero lock errors, zero lost or doubled
 * updates, and no run claimed twice. Real child processes, real file, default options.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSqliteBackend, SQLITE_MIGRATIONS } from '@df/backend-sqlite'
import { newRun, seedOrphanedRun, seedRun } from '@df/conformance/backend'
import { afterAll, describe, expect, it } from 'vitest'

const dir = mkdtempSync(join(tmpdir(), 'df-sqlite-mp-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Report {
  type: 'done'
  updates: number
  conflicts: number
  claimed: string[]
  errors: string[]
}

function start(args: string[]): {
  child: ChildProcess
  ready: Promise<void>
  done: Promise<Report>
} {
  const child = fork(join(import.meta.dirname, 'fixtures', 'hammer.ts'), args, {
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
    child.on('exit', (code) => reject(new Error(`hammer exited with ${code} before reporting`)))
  })
  return { child, ready, done }
}

describe('several processes on one file', () => {
  it('never fail with a lock error, lose an update, double one, or double-claim a run', async () => {
    const path = join(dir, 'shared.db')
    const now = 1_800_000_000_000
    const taskCount = 3
    const workers = 4
    const rounds = 250
    const setup = createSqliteBackend({ path })
    await setup.init()
    // Held by a live owner, so the only claimable runs are the orphans.
    const run = await seedRun(setup, {
      status: 'QUEUED',
      owner: 'keeper',
      leaseExpiresAt: now + 10 ** 9,
      tasks: Array.from({ length: taskCount }, (_, i) => ({ taskId: `t${i}` })),
    })
    const orphans = await Promise.all(Array.from({ length: 40 }, () => seedOrphanedRun(setup, now)))
    await setup.close()

    const children = Array.from({ length: workers }, (_, w) =>
      start([path, String(w), String(rounds), run.id, String(taskCount), String(now)]),
    )
    // Start together, after every child has opened (and raced to migrate) the file.
    await Promise.all(children.map((c) => c.ready))
    for (const c of children) c.child.send('go')
    const reports = await Promise.all(children.map((c) => c.done))

    expect(reports.flatMap((r) => r.errors)).toEqual([])
    expect(reports.map((r) => r.updates)).toEqual(Array(workers).fill(rounds))
    const check = createSqliteBackend({ path })
    await check.init()
    const tasks = await check.getTasks(run.id)
    const total = tasks.reduce((sum, t) => sum + ((t.result as { count: number }).count ?? 0), 0)
    // Every successful compare-and-set counted exactly once: none lost, none doubled.
    expect(total).toBe(workers * rounds)
    for (const t of tasks) expect(t.version).toBe((t.result as { count: number }).count + 1)
    const claimed = reports.flatMap((r) => r.claimed)
    expect(new Set(claimed).size).toBe(claimed.length)
    expect(claimed.length).toBe(Math.min(orphans.length, workers * Math.ceil(rounds / 5)))
    for (const [w, report] of reports.entries()) {
      for (const id of report.claimed) expect((await check.getRun(id))?.owner).toBe(`w${w}`)
    }
    await check.close()
  }, 180_000)

  it('two processes creating the same new file migrate it exactly once', async () => {
    const path = join(dir, 'fresh.db')
    const children = Array.from({ length: 3 }, (_, w) =>
      start([path, String(w), '0', 'none', '1', '0']),
    )
    await Promise.all(children.map((c) => c.ready))
    for (const c of children) c.child.send('go')
    const reports = await Promise.all(children.map((c) => c.done))
    expect(reports.flatMap((r) => r.errors)).toEqual([])
    const backend = createSqliteBackend({ path })
    await backend.init()
    await backend.createRun(newRun())
    await backend.close()
    const { default: Database } = await import('better-sqlite3')
    const db = new Database(path, { readonly: true })
    expect(db.prepare('SELECT version FROM df_schema_version').all()).toEqual(
      SQLITE_MIGRATIONS.map((m) => ({ version: m.version })),
    )
    db.close()
  }, 120_000)

  it('survives a writer killed with SIGKILL mid-run: the file is consistent and writable at once', async () => {
    const path = join(dir, 'killed.db')
    const setup = createSqliteBackend({ path })
    await setup.init()
    const run = await seedRun(setup, {
      status: 'QUEUED',
      tasks: Array.from({ length: 3 }, (_, i) => ({ taskId: `t${i}` })),
    })
    await setup.close()
    const victim = start([path, '0', '1000000', run.id, '3', '0'])
    const survivor = start([path, '1', '200', run.id, '3', '0'])
    await Promise.all([victim.ready, survivor.ready])
    victim.child.send('go')
    survivor.child.send('go')
    // Let the victim commit for a while, then kill it wherever it is (possibly mid-transaction).
    await new Promise((resolve) => setTimeout(resolve, 400))
    victim.child.kill('SIGKILL')
    victim.done.catch(() => {})
    const report = await survivor.done
    expect(report.errors).toEqual([])
    expect(report.updates).toBe(200)
    const check = createSqliteBackend({ path })
    const tasks = await check.getTasks(run.id)
    // Every committed compare-and-set is whole: count and version moved together, nothing torn.
    for (const t of tasks)
      expect(t.version).toBe(((t.result as { count?: number })?.count ?? 0) + 1)
    const [after] = await check.updateTasks([
      { runId: run.id, taskId: 't0', expectedVersion: tasks[0]!.version, state: 'SUCCESS' },
    ])
    expect(after?.ok).toBe(true)
    await check.close()
  }, 180_000)
})
