/**
 * `describeContention`: contention on one real store (issue 4, "Must show"), one suite for every
 * durable backend: 4 processes × 2 pipelines each, several concurrent runs per pipeline, plus
 * `recover()` polling: zero lock errors, zero lost or doubled task executions, every run SUCCESS.
 * Real processes, real store.
 */
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hasRunHistory } from '@df/orchestration'
import { afterAll, describe, expect, it } from 'vitest'
import { type DurabilityHarness, forkFixture } from './harness.js'

const PROCESSES = 4
const RUNS_PER_PIPELINE = 4
const TASKS_PER_RUN = 20

interface Report {
  type: 'done'
  runs: Array<{ id: string; pipelineId: string; status: string; message?: string }>
  errors: string[]
  claimed: string[]
}

function startWorker(
  harness: DurabilityHarness,
  url: string,
  args: string[],
): {
  child: ChildProcess
  ready: Promise<void>
  done: Promise<Report>
} {
  const child = forkFixture(harness, url, 'contention-worker', args)
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

/**
 * Registers the contention suite for one backend: one store from `harness.newStore('shared')`
 * that every worker opens by URL; `harness.cleanup` runs after the suite.
 */
export function describeContention(harness: DurabilityHarness): void {
  describe.skipIf(harness.skip === true)(`contention on one ${harness.label}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'df-contention-'))
    afterAll(async () => {
      rmSync(dir, { recursive: true, force: true })
      await harness.cleanup?.()
    }, 60_000)

    it('4 processes × 2 pipelines: no lock error, no lost or doubled execution, every run SUCCESS', async () => {
      const logs = Array.from({ length: PROCESSES }, (_, i) => join(dir, `exec-${i}.log`))
      const url = await harness.newStore('shared')
      const workers = logs.map((log) => startWorker(harness, url, [String(RUNS_PER_PIPELINE), log]))
      // Start together, after every process has opened (and raced to migrate) the store.
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
      const store = await harness.open(url)
      await store.init()
      if (hasRunHistory(store)) {
        for (const pipelineId of ['contention_a', 'contention_b']) {
          const page = await store.listRuns({ pipelineId, limit: 100 })
          expect(page.items).toHaveLength(PROCESSES * RUNS_PER_PIPELINE)
          expect(page.items.every((r) => r.status === 'SUCCESS' && r.owner === undefined)).toBe(
            true,
          )
        }
      }
      for (const run of runs) {
        const stored = await store.getRun(run.id)
        expect(stored?.status === 'SUCCESS' && stored.owner === undefined, run.id).toBe(true)
        const tasks = await store.getTasks(run.id)
        expect(tasks.filter((t) => t.state !== 'SUCCESS' || t.attempt !== 1)).toEqual([])
        if (hasRunHistory(store)) {
          expect(await store.listAttempts(run.id)).toHaveLength(TASKS_PER_RUN)
        }
      }
      await store.close()
    }, 240_000)
  })
}
