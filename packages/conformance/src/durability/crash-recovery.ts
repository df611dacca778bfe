/**
 * `describeCrashRecovery`: crash recovery on a real store (issue 4, "Must show"), one suite for
 * every durable backend. A child process running a pipeline is SIGKILLed while some tasks have
 * SUCCEEDED and others are RUNNING; a second process recovers the run. With retries left, the run
 * completes: nothing that SUCCEEDED runs again, nothing is lost, and the killed attempts show the
 * lease-expired failure and a retry. Without, the run ends FAILED (never RUNNING forever) and a
 * rerun finishes it, redoing only the rest. Real processes, real store.
 */
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { type Backend, hasRunHistory, type TaskRecord } from '@df/orchestration'
import { afterAll, describe, expect, it } from 'vitest'
import { type DurabilityHarness, exited, forkFixture } from './harness.js'

interface Execution {
  task: string
  attempt: number
  runId: string
  pid: number
  phase: 'start' | 'end'
}

const SUCCEEDED_BEFORE = ['fast_0', 'fast_1', 'fast_2', 'fan_in', 'fan_out']
const KILLED = ['slow_0', 'slow_1', 'slow_2']
const NOT_STARTED = ['after_0', 'after_1', 'after_2', 'total']

type Spawn = (args: string[]) => { child: ChildProcess; messages: Array<{ type: string }> }

function spawner(harness: DurabilityHarness, url: string): Spawn {
  return (args) => {
    const child = forkFixture(harness, url, 'crash-pipeline', args)
    const messages: Array<{ type: string }> = []
    child.on('message', (m: { type: string }) => messages.push(m))
    return { child, messages }
  }
}

function readExecutions(execLog: string): Execution[] {
  return readFileSync(execLog, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Execution)
}

/** The run id of the first complete line of `execLog`, once there is one. */
function firstRunId(execLog: string): string | undefined {
  if (!existsSync(execLog)) return undefined
  const text = readFileSync(execLog, 'utf8')
  const end = text.indexOf('\n')
  return end < 0 ? undefined : (JSON.parse(text.slice(0, end)) as Execution).runId
}

/**
 * Starts the victim, waits until the store shows the successes and the RUNNING attempts, and
 * SIGKILLs it. Returns the run and what the store held at the kill (read after it: nothing can
 * change it any more).
 */
async function crashMidRun(store: Backend, spawnChild: Spawn, args: string[], execLog: string) {
  const victim = spawnChild(args)
  const deadline = Date.now() + 90_000
  let runId: string
  for (;;) {
    // The run id from the victim's execution log: needs no RunHistory of the backend.
    const id = firstRunId(execLog)
    if (id !== undefined) {
      const tasks = new Map((await store.getTasks(id)).map((t) => [t.taskId, t]))
      const ok =
        SUCCEEDED_BEFORE.every((n) => tasks.get(n)?.state === 'SUCCESS') &&
        KILLED.every((n) => tasks.get(n)?.state === 'RUNNING')
      if (ok) {
        runId = id
        break
      }
    }
    if (Date.now() > deadline) throw new Error('the victim never reached the state to kill it in')
    await sleep(25)
  }
  victim.child.kill('SIGKILL')
  await exited(victim.child)
  const atKill = new Map<string, TaskRecord>(
    (await store.getTasks(runId)).map((t) => [t.taskId, t]),
  )
  expect((await store.getRun(runId))?.status).toBe('RUNNING')
  return { runId, atKill, victimPid: victim.child.pid! }
}

/** No run of the pipeline is left RUNNING (checked where the backend keeps run history). */
async function expectNothingRunning(store: Backend): Promise<void> {
  if (!hasRunHistory(store)) return
  expect((await store.listRuns({ pipelineId: 'crash', status: 'RUNNING' })).items).toEqual([])
}

/**
 * Registers the crash-recovery suite for one backend: each case gets a fresh store from
 * `harness.newStore`, children open it by URL; `harness.cleanup` runs after the suite.
 */
export function describeCrashRecovery(harness: DurabilityHarness): void {
  describe.skipIf(harness.skip === true)(`crash recovery on one ${harness.label}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'df-crash-'))
    afterAll(async () => {
      rmSync(dir, { recursive: true, force: true })
      await harness.cleanup?.()
    }, 60_000)

    /** A fresh store: its URL, the parent's own backend on it and a child spawner. */
    async function newStore(name: string) {
      const url = await harness.newStore(name)
      const store = await harness.open(url)
      await store.init()
      return { store, spawnChild: spawner(harness, url) }
    }

    it('a SIGKILLed run is recovered by a second process: completes, no success re-runs, nothing lost', async () => {
      const { store, spawnChild } = await newStore('retries')
      const execLog = join(dir, 'retries.log')
      const { runId, atKill, victimPid } = await crashMidRun(
        store,
        spawnChild,
        ['victim', execLog, '2'],
        execLog,
      )

      const rescuer = spawnChild(['recover', execLog, '2'])
      expect(await exited(rescuer.child)).toBe(0)
      expect(rescuer.messages).toEqual([
        { type: 'recovered', runs: [{ id: runId, status: 'SUCCESS' }] },
      ])
      const rescuerPid = rescuer.child.pid!

      // The run completed and no run of the pipeline is left RUNNING.
      const run = await store.getRun(runId)
      expect(run?.status).toBe('SUCCESS')
      expect(run?.owner).toBeUndefined()
      await expectNothingRunning(store)
      const tasks = await store.getTasks(runId)
      expect(tasks.map((t) => [t.taskId, t.state])).toEqual(tasks.map((t) => [t.taskId, 'SUCCESS']))
      // Nothing lost: total = Σ(after_i = fast_i·10 + 1) + fan_out = (10+1)+(20+1)+(30+1) + 600.
      expect(tasks.find((t) => t.taskId === 'total')?.result).toEqual({ value: 663 })

      const executions = readExecutions(execLog)
      const ran = (task: string, pid: number, phase: Execution['phase'] = 'start') =>
        executions.filter((e) => e.task === task && e.pid === pid && e.phase === phase)
      for (const t of tasks) {
        const before = atKill.get(t.taskId)!.state
        if (before === 'SUCCESS') {
          // Succeeded before the crash: ran once, in the victim, and never again.
          expect(ran(t.taskId, victimPid, 'end'), t.taskId).toHaveLength(1)
          expect(ran(t.taskId, rescuerPid), t.taskId).toHaveLength(0)
          expect(t.attempt, t.taskId).toBe(1)
        } else if (before === 'RUNNING') {
          // Killed mid-attempt: attempt 1 started in the victim, attempt 2 ran in the rescuer.
          expect(ran(t.taskId, victimPid).map((e) => e.attempt)).toEqual([1])
          expect(ran(t.taskId, victimPid, 'end'), t.taskId).toHaveLength(0)
          expect(ran(t.taskId, rescuerPid, 'end').map((e) => e.attempt)).toEqual([2])
          if (hasRunHistory(store)) {
            const attempts = await store.listAttempts(runId, t.taskId)
            expect(attempts.map((a) => [a.attempt, a.state])).toEqual([
              [1, 'FAILED'],
              [2, 'SUCCESS'],
            ])
            expect(attempts[0]?.error?.code).toBe('DF_LEASE_EXPIRED')
          }
          expect(t.attempt, t.taskId).toBe(2)
        } else {
          // Not started before the crash: runs exactly once, in the rescuer.
          expect(ran(t.taskId, victimPid), t.taskId).toHaveLength(0)
          expect(ran(t.taskId, rescuerPid, 'end').map((e) => e.attempt)).toEqual([1])
        }
      }
      expect(new Set(atKill.keys())).toEqual(
        new Set([...SUCCEEDED_BEFORE, ...KILLED, ...NOT_STARTED]),
      )
      expect(executions.every((e) => e.runId === runId)).toBe(true)
      await store.close()
    }, 180_000)

    it('without retries the recovered run ends FAILED, and a rerun finishes it without redoing successes', async () => {
      const { store, spawnChild } = await newStore('no-retries')
      const execLog = join(dir, 'no-retries.log')
      const { runId, victimPid } = await crashMidRun(
        store,
        spawnChild,
        ['victim', execLog, '0'],
        execLog,
      )

      const rescuer = spawnChild(['recover', execLog, '0'])
      expect(await exited(rescuer.child)).toBe(0)
      expect(rescuer.messages).toEqual([
        { type: 'recovered', runs: [{ id: runId, status: 'FAILED' }] },
      ])
      const failed = new Map((await store.getTasks(runId)).map((t) => [t.taskId, t]))
      for (const n of SUCCEEDED_BEFORE) expect(failed.get(n)?.state, n).toBe('SUCCESS')
      for (const n of KILLED) {
        expect(failed.get(n)).toMatchObject({ state: 'FAILED', attempt: 1 })
        expect(failed.get(n)?.error?.code).toBe('DF_LEASE_EXPIRED')
      }
      for (const n of NOT_STARTED) expect(failed.get(n)?.state, n).toBe('UPSTREAM_FAILED')
      expect((await store.getRun(runId))?.status).toBe('FAILED')
      await expectNothingRunning(store)

      const rerunner = spawnChild(['rerun', execLog, '0', runId])
      expect(await exited(rerunner.child)).toBe(0)
      const [message] = rerunner.messages as Array<{
        type: string
        run: { id: string; status: string }
      }>
      expect(message?.run.status).toBe('SUCCESS')
      const rerun = await store.getTasks(message!.run.id)
      expect(rerun.find((t) => t.taskId === 'total')?.result).toEqual({ value: 663 })
      // The rerun executed exactly the tasks that had not succeeded, once each.
      const executions = readExecutions(execLog)
      const byRerun = executions.filter((e) => e.pid === rerunner.child.pid && e.phase === 'end')
      expect(byRerun.map((e) => e.task).sort()).toEqual([...KILLED, ...NOT_STARTED].sort())
      const inVictim = executions.filter((e) => e.pid === victimPid && e.phase === 'end')
      expect(inVictim.map((e) => e.task).sort()).toEqual([...SUCCEEDED_BEFORE].sort())
      // The rescuer only failed the dead attempts; it executed nothing.
      expect(executions.filter((e) => e.pid === rescuer.child.pid)).toEqual([])
      await store.close()
    }, 180_000)
  })
}
