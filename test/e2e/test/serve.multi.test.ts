/**
 * Issue 12's "Must show" through the real command: three `dremio-cli serve` processes on one
 * PostgreSQL schema (and one MariaDB database) run a shared 1-second schedule for 20 s; half-way
 * one of them is SIGKILLed. Every tick has exactly one run, no tick between the first and the
 * last is missing, and every run ends SUCCESS (the dead process's runs are adopted once their
 * 3-second leases expire). The suite with a kill between "run created" and "schedule advanced"
 * is `describeScheduling` in the backend packages.
 */
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { createBackendFromUrl, type RunRecord, requireBackendFeature } from '@df/orchestration'
import { describe, expect, it } from 'vitest'
import { spawnCli, waitFor } from './helpers.js'
import { mysqlStore, postgresStore, type TestStore } from './services.js'

const SERVE = ['serve', '--pipelines', join(import.meta.dirname, 'fixtures', 'serve')]

for (const [db, open] of [
  ['PostgreSQL', postgresStore],
  ['MariaDB', mysqlStore],
] as const) {
  describe(`three serve processes on one ${db} store`, () => {
    it('fire each tick of a shared 1-second schedule exactly once, one SIGKILLed half-way', async (test) => {
      const store: TestStore | undefined = await open()
      if (!store) return test.skip(`${db} is not running`)
      const serves = [0, 1, 2].map(() =>
        spawnCli([...SERVE, '--backend-url', store.url, '--recover-interval', '1s']),
      )
      try {
        for (const s of serves) await waitFor(s.output, /serving 1 pipeline/, 30_000)
        await sleep(10_000)
        const [killed, ...survivors] = serves as [(typeof serves)[0], ...(typeof serves)[number][]]
        killed.child.kill('SIGKILL')
        await sleep(10_000)
        for (const s of survivors) s.child.kill('SIGTERM')
        const results = await Promise.all(survivors.map((s) => s.done))
        expect(results.map((r) => r.code)).toEqual([0, 0])
        expect((await killed.done).signal).toBe('SIGKILL')

        const backend = requireBackendFeature(
          await createBackendFromUrl(store.url, { importer: (s) => import(s) }),
          'RunHistory',
          'test',
        )
        await backend.init()
        try {
          const runs = (await backend.listRuns({ pipelineId: 'e2e_tick', limit: 1000 })).items
          const ticks = runs.map((r: RunRecord) => r.dataIntervalEnd).sort()
          // Exactly one run per tick, and no tick missing between the first and the last.
          expect(new Set(ticks).size).toBe(runs.length)
          const times = ticks.map((t) => Date.parse(t ?? ''))
          expect((times.at(-1) as number) - (times[0] as number)).toBe((runs.length - 1) * 1000)
          expect(runs.length).toBeGreaterThanOrEqual(15)
          // The killed process's runs were adopted (3 s lease, 1 s recovery) and finished.
          expect(runs.filter((r: RunRecord) => r.status !== 'SUCCESS')).toEqual([])
        } finally {
          await backend.close()
        }
      } finally {
        for (const s of serves) s.child.kill('SIGKILL')
        await store.drop()
      }
    }, 120_000)
  })
}
