/**
 * Two `dremio-cli serve` processes on one PostgreSQL schema run one 1-second schedule: each tick
 * has exactly one run (the multi-process suite with a SIGKILL is `describeScheduling` in the
 * backend packages; this checks the real command wires the same guarantees).
 */
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { createBackendFromUrl, requireBackendFeature } from '@df/orchestration'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnCli, waitFor } from './helpers.js'
import { postgresStore, type TestStore } from './services.js'

describe('two serve processes on one PostgreSQL schema', () => {
  let store: TestStore | undefined
  beforeAll(async () => {
    store = await postgresStore()
  })
  afterAll(async () => store?.drop())

  it('fire each tick of a shared 1-second schedule exactly once', async (test) => {
    if (!store) return test.skip('PostgreSQL is not running')
    const args = ['serve', '--pipelines', join(import.meta.dirname, 'fixtures', 'serve')]
    const a = spawnCli([...args, '--backend-url', store.url])
    const b = spawnCli([...args, '--backend-url', store.url])
    await waitFor(a.output, /serving 1 pipeline/)
    await waitFor(b.output, /serving 1 pipeline/)
    await sleep(5_000)
    a.child.kill('SIGTERM')
    b.child.kill('SIGTERM')
    const [ra, rb] = await Promise.all([a.done, b.done])
    expect([ra.code, rb.code]).toEqual([0, 0])
    const fired = [
      ...`${ra.stdout}${rb.stdout}`.matchAll(/schedule e2e_tick: (\S+) -> run (\S+)(.*)/g),
    ]
    const created = fired.filter((m) => !m[3]?.includes('created before'))
    const backend = requireBackendFeature(
      await createBackendFromUrl(store.url, { importer: (s) => import(s) }),
      'RunHistory',
      'test',
    )
    await backend.init()
    try {
      const runs = (await backend.listRuns({ pipelineId: 'e2e_tick', limit: 1000 })).items
      const ticks = runs.map((r) => r.dataIntervalEnd).sort()
      expect(new Set(ticks).size).toBe(runs.length)
      expect(runs.length).toBe(created.length)
      expect(runs.length).toBeGreaterThanOrEqual(3)
      // Consecutive: no tick between the first and the last was dropped.
      const times = ticks.map((t) => Date.parse(t ?? ''))
      expect((times[times.length - 1] as number) - (times[0] as number)).toBe(
        (runs.length - 1) * 1000,
      )
      expect(runs.every((r) => r.status === 'SUCCESS')).toBe(true)
    } finally {
      await backend.close()
    }
  }, 90_000)
})
