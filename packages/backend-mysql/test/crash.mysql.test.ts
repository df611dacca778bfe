/**
 * Crash recovery on real MariaDB (issue 4, "Must show"), on a database of its own: a child process running a
 * pipeline is SIGKILLed while some tasks have SUCCEEDED and others are RUNNING; a second process
 * recovers the run. The run completes, nothing that SUCCEEDED runs again, nothing is lost, and
 * the killed attempts show the lease-expired failure and a retry. Real processes, real MariaDB.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { createMysqlBackend } from '@df/backend-mysql'
import { requireService } from '@df/conformance/backend'
import type { Backend, TaskRecord } from '@df/orchestration'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDatabase, dropDatabase, uniqueDatabase } from './helpers.js'

const url = requireService('DF_TEST_MYSQL_URL')
const database = uniqueDatabase()
const dir = mkdtempSync(join(tmpdir(), 'df-mysql-crash-'))
beforeAll(async () => {
  if (url !== undefined) await createDatabase(database)
}, 60_000)
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  if (url !== undefined) await dropDatabase(database)
}, 60_000)

interface Execution {
  task: string
  attempt: number
  runId: string
  pid: number
  phase: 'start' | 'end'
}

function spawnChild(args: string[]): { child: ChildProcess; messages: Array<{ type: string }> } {
  const child = fork(join(import.meta.dirname, 'fixtures', 'crash-pipeline.ts'), args, {
    execArgv: ['--conditions=@df/source', '--import', 'tsx'],
    cwd: join(import.meta.dirname, '..'),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const messages: Array<{ type: string }> = []
  child.on('message', (m: { type: string }) => messages.push(m))
  return { child, messages }
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)))
}

/** Polls the store until `ok(tasks)` holds for the newest run of 'crash'. */
async function waitForTasks(
  backend: Backend,
  ok: (tasks: Map<string, TaskRecord>) => boolean,
): Promise<{ runId: string; tasks: Map<string, TaskRecord> }> {
  const deadline = Date.now() + 90_000
  for (;;) {
    const [run] = (await backend.listRuns({ pipelineId: 'crash', limit: 1 })).items
    if (run) {
      const tasks = new Map((await backend.getTasks(run.id)).map((t) => [t.taskId, t]))
      if (ok(tasks)) return { runId: run.id, tasks }
    }
    if (Date.now() > deadline) throw new Error('the victim never reached the state to kill it in')
    await sleep(25)
  }
}

describe.skipIf(url === undefined)('crash recovery on one MariaDB database', () => {
  it('a SIGKILLed run is recovered by a second process: completes, no success re-runs, nothing lost', async () => {
    const execLog = join(dir, 'executions.log')
    const store = createMysqlBackend({ uri: url!, database, poolSize: 2 })
    await store.init()

    const victim = spawnChild([database, 'victim', execLog])
    const killAt = await waitForTasks(
      store,
      (t) =>
        ['fast_0', 'fast_1', 'fast_2', 'fan_in', 'fan_out'].every(
          (n) => t.get(n)?.state === 'SUCCESS',
        ) && ['slow_0', 'slow_1', 'slow_2'].every((n) => t.get(n)?.state === 'RUNNING'),
    )
    victim.child.kill('SIGKILL')
    await exited(victim.child)
    const victimPid = victim.child.pid!
    // What the store said when the victim died, read after the kill (nothing can change it now).
    const atKill = new Map((await store.getTasks(killAt.runId)).map((t) => [t.taskId, t]))
    expect((await store.getRun(killAt.runId))?.status).toBe('RUNNING')

    const rescuer = spawnChild([database, 'recover', execLog])
    expect(await exited(rescuer.child)).toBe(0)
    expect(rescuer.messages).toEqual([
      { type: 'recovered', runs: [{ id: killAt.runId, status: 'SUCCESS' }] },
    ])
    const rescuerPid = rescuer.child.pid!

    // The run completed and no run of the pipeline is left RUNNING.
    const run = await store.getRun(killAt.runId)
    expect(run?.status).toBe('SUCCESS')
    expect(run?.owner).toBeUndefined()
    expect((await store.listRuns({ pipelineId: 'crash', status: 'RUNNING' })).items).toEqual([])
    const tasks = await store.getTasks(killAt.runId)
    expect(tasks.map((t) => [t.taskId, t.state])).toEqual(tasks.map((t) => [t.taskId, 'SUCCESS']))
    // Nothing lost: total = Σ(after_i = fast_i·10 + 1) + fan_out = (10+1)+(20+1)+(30+1) + 600.
    expect(tasks.find((t) => t.taskId === 'total')?.result).toEqual({ value: 663 })

    const executions = readFileSync(execLog, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Execution)
    const ran = (task: string, pid: number, phase: Execution['phase'] = 'start') =>
      executions.filter((e) => e.task === task && e.pid === pid && e.phase === phase)
    for (const t of tasks) {
      const before = atKill.get(t.taskId)!
      if (before.state === 'SUCCESS') {
        // Succeeded before the crash: ran once, in the victim, and never again.
        expect(ran(t.taskId, victimPid, 'end'), t.taskId).toHaveLength(1)
        expect(ran(t.taskId, rescuerPid), t.taskId).toHaveLength(0)
        expect(t.attempt, t.taskId).toBe(1)
      } else if (before.state === 'RUNNING') {
        // Killed mid-attempt: attempt 1 started in the victim, attempt 2 ran in the rescuer.
        expect(
          ran(t.taskId, victimPid).map((e) => e.attempt),
          t.taskId,
        ).toEqual([1])
        expect(ran(t.taskId, victimPid, 'end'), t.taskId).toHaveLength(0)
        expect(
          ran(t.taskId, rescuerPid, 'end').map((e) => e.attempt),
          t.taskId,
        ).toEqual([2])
        const attempts = await store.listAttempts(killAt.runId, t.taskId)
        expect(
          attempts.map((a) => [a.attempt, a.state]),
          t.taskId,
        ).toEqual([
          [1, 'FAILED'],
          [2, 'SUCCESS'],
        ])
        expect(attempts[0]?.error?.message).toMatch(/engine lease expired/)
      } else {
        // Not started before the crash: runs exactly once, in the rescuer.
        expect(ran(t.taskId, victimPid), t.taskId).toHaveLength(0)
        expect(
          ran(t.taskId, rescuerPid, 'end').map((e) => e.attempt),
          t.taskId,
        ).toEqual([1])
      }
    }
    expect(executions.every((e) => e.runId === killAt.runId)).toBe(true)
    await store.close()
  }, 180_000)
})
