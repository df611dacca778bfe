/**
 * `describeScheduling`: several scheduler processes on one real store (issue 12, "Must show"),
 * one suite for every durable backend. Three `serve`-like processes run the same 1-second
 * schedule for 20 s; half-way one of them SIGKILLs itself between creating a tick's run and
 * advancing the schedule (the parent kills it if that moment has not come by then). Every tick
 * fires exactly once (the set of scheduled runs is exactly the set of ticks), the dead process's
 * runs are adopted and finish, and the stored schedule ends with nothing left to do.
 */
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { hasRunHistory, hasScheduleStore, type RunRecord } from '@df/orchestration'
import { afterAll, describe, expect, it } from 'vitest'
import { type DurabilityHarness, forkFixture } from './harness.js'

const SECONDS = 20
const SURVIVORS = 2

interface Worker {
  readonly child: ChildProcess
  readonly ready: Promise<void>
  readonly done: Promise<{ created: string[]; errors: string[] } | undefined>
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

function start(harness: DurabilityHarness, url: string, args: string[]): Worker {
  const child = forkFixture(harness, url, 'schedule-worker', args)
  let onReady: () => void = () => {}
  const ready = new Promise<void>((resolve) => {
    onReady = resolve
  })
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  const done = new Promise<{ created: string[]; errors: string[] } | undefined>((resolve) => {
    child.on('message', (m: { type: string; created?: string[]; errors?: string[] }) => {
      if (m.type === 'ready') onReady()
      else resolve({ created: m.created ?? [], errors: m.errors ?? [] })
    })
    void exit.then(() => resolve(undefined))
  })
  return { child, ready, done, exit }
}

/**
 * Registers the scheduling suite for one backend: one store from `harness.newStore('sched')`;
 * `harness.cleanup` runs after the suite.
 */
export function describeScheduling(harness: DurabilityHarness): void {
  describe.skipIf(harness.skip === true)(`scheduling on one ${harness.label}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'df-scheduling-'))
    afterAll(async () => {
      rmSync(dir, { recursive: true, force: true })
      await harness.cleanup?.()
    }, 60_000)

    it(`3 processes, a 1-second schedule for ${SECONDS} s, one SIGKILLed half-way: every tick fired exactly once`, async () => {
      const url = await harness.newStore('sched')
      const workers = Array.from({ length: SURVIVORS }, () => start(harness, url, ['survivor']))
      // The victim learns its kill time from its argv, so t0 is fixed before it starts.
      await Promise.all(workers.map((w) => w.ready))
      const t0 = Math.ceil((Date.now() + 3_000) / 1000) * 1000
      const t1 = t0 + SECONDS * 1000
      const killAt = t0 + (SECONDS * 1000) / 2
      const marker = join(dir, 'victim-killed-itself')
      const victim = start(harness, url, ['victim', String(killAt), marker])
      await victim.ready
      for (const w of [...workers, victim]) w.child.send({ t0, t1 })

      // Fallback: if the victim did not win a claim within 4 s of killAt, kill it from here
      // (at an arbitrary point of its work instead of between the two writes).
      await sleep(Math.max(0, killAt + 4_000 - Date.now()))
      if (victim.child.exitCode === null && victim.child.signalCode === null) {
        victim.child.kill('SIGKILL')
      }
      const victimExit = await victim.exit
      expect(victimExit.signal).toBe('SIGKILL')
      console.info(
        `[scheduling ${harness.label}] the victim was SIGKILLed ${existsSync(marker) ? 'by itself between creating a run and advancing the schedule' : 'by the parent'}`,
      )

      // Let the survivors finish the last tick and adopt the victim's runs (2 s leases).
      await sleep(Math.max(0, t1 + 6_000 - Date.now()))
      for (const w of workers) w.child.send('stop')
      const reports = await Promise.all(workers.map((w) => w.done))
      expect(
        reports.every((r) => r !== undefined),
        'every survivor reported',
      ).toBe(true)
      expect(reports.flatMap((r) => r?.errors ?? [])).toEqual([])

      const store = await harness.open(url)
      await store.init()
      try {
        expect(hasRunHistory(store) && hasScheduleStore(store)).toBe(true)
        if (!hasRunHistory(store) || !hasScheduleStore(store)) return
        const page = await store.listRuns({ pipelineId: 'sched_durable', limit: 1000 })
        const runs: RunRecord[] = [...page.items]
        const expected = Array.from({ length: SECONDS }, (_, i) =>
          new Date(t0 + i * 1000).toISOString(),
        )
        const ticks = runs.map((r) => r.dataIntervalEnd ?? '?').sort()
        // Exactly once: every tick has a run, and no tick has two.
        expect(ticks).toEqual(expected)
        expect(new Set(runs.map((r) => r.id)).size).toBe(SECONDS)
        expect(runs.every((r) => r.trigger === 'schedule' && r.scheduleId === 'tick')).toBe(true)
        // The dead process's runs were adopted: nothing is left RUNNING or owned.
        expect(runs.filter((r) => r.status !== 'SUCCESS' || r.owner !== undefined)).toEqual([])
        // Two survivors created most runs between them; the victim some before it died.
        const bySurvivors = reports.flatMap((r) => r?.created ?? [])
        expect(bySurvivors.length).toBeGreaterThan(0)
        expect(bySurvivors.length).toBeLessThanOrEqual(SECONDS)
        const schedule = await store.getSchedule('tick')
        expect(schedule).toMatchObject({ lastTick: t1 - 1000, pending: [] })
        expect(schedule?.nextDueAt).toBeUndefined()
        expect(schedule?.owner).toBeUndefined()
      } finally {
        await store.close()
      }
    }, 120_000)
  })
}
