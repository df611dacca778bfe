/**
 * `describePoolRaces`: compare-and-set, claim and create races across separate pools on one real
 * store (house style §9.5: what differs between stores). Each backend has its own pool, as
 * separate engine processes would.
 */
import { type FullBackend, type NewRun, requireBackendFeature } from '@df/orchestration'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DurabilityHarness } from './harness.js'

/** A minimal RUNNING run of `taskCount` tasks `t0`, `t1`, … (shared with the stored-shape checks). */
export function newRun(id: string, taskCount: number, overrides: Partial<NewRun> = {}): NewRun {
  return {
    id,
    pipelineId: 'p1',
    status: 'RUNNING',
    params: { day: '2026-11-27' },
    logicalDate: '2026-11-27T00:00:00.000Z',
    trigger: 'manual',
    definitionHash: 'h1',
    createdAt: 1_700_000_000_000,
    tasks: Array.from({ length: taskCount }, (_, i) => ({ taskId: `t${i}` })),
    ...overrides,
  }
}

/**
 * Registers the pool-race suite for one backend: four backends (four pools, as four engine
 * processes would have) on one store from `harness.newStore('races')`.
 */
export function describePoolRaces(harness: DurabilityHarness): void {
  describe.skipIf(harness.skip === true)(`races across four pools on one ${harness.label}`, () => {
    let backends: FullBackend[] = []

    beforeAll(async () => {
      const url = await harness.newStore('races')
      backends = (
        await Promise.all(Array.from({ length: 4 }, () => harness.open(url, { poolSize: 3 })))
      ).map((b) => requireBackendFeature(b, 'RunHistory', 'describePoolRaces') as FullBackend)
      // The first init migrates; the others then race only to find it done.
      await backends[0]!.init()
      await Promise.all(backends.map((b) => b.init()))
    }, 60_000)

    afterAll(async () => {
      await Promise.all(backends.map((b) => b.close()))
      await harness.cleanup?.()
    }, 60_000)

    it('a task compare-and-set raced from four pools has exactly one winner, every time', async () => {
      await backends[0]!.createRun(newRun('race-tasks', 20))
      for (let i = 0; i < 20; i++) {
        const results = await Promise.all(
          backends.map((b, n) =>
            b.updateTasks([
              {
                runId: 'race-tasks',
                taskId: `t${i}`,
                expectedVersion: 1,
                state: 'RUNNING',
                attempt: 1,
                attemptRecord: {
                  runId: 'race-tasks',
                  taskId: `t${i}`,
                  attempt: 1,
                  state: 'RUNNING',
                  startedAt: n,
                  worker: `w${n}`,
                },
              },
            ]),
          ),
        )
        const winners = results.filter((r) => r[0]?.ok)
        expect(winners).toHaveLength(1)
        expect(
          results.filter((r) => r[0]?.ok === false && r[0].reason === 'conflict'),
        ).toHaveLength(3)
        // Only the winner's attempt was written.
        const attempts = await backends[0]!.listAttempts('race-tasks', `t${i}`)
        expect(attempts).toHaveLength(1)
        const winner = results.findIndex((r) => r[0]?.ok)
        expect(attempts[0]?.worker).toBe(`w${winner}`)
      }
    })

    it('a run compare-and-set raced from four pools has exactly one winner', async () => {
      await backends[0]!.createRun(newRun('race-run', 0))
      for (let version = 1; version <= 10; version++) {
        const results = await Promise.all(
          backends.map((b, n) =>
            b.updateRun({ id: 'race-run', expectedVersion: version, message: `m${n}` }),
          ),
        )
        expect(results.filter((r) => r.ok)).toHaveLength(1)
      }
      expect((await backends[0]!.getRun('race-run'))?.version).toBe(11)
    })

    it('claimRuns from four pools never hands one run to two owners and misses none', async () => {
      const ids = Array.from({ length: 60 }, (_, i) => `claim-${String(i).padStart(2, '0')}`)
      for (const id of ids) {
        await backends[0]!.createRun(
          newRun(id, 0, { pipelineId: 'claims', owner: 'dead', leaseExpiresAt: 10 }),
        )
      }
      const claimedBy = new Map<string, string[]>()
      await Promise.all(
        backends.map(async (b, n) => {
          for (;;) {
            const runs = await b.claimRuns({
              owner: `e${n}`,
              now: 100,
              leaseExpiresAt: 1_000,
              pipelineIds: ['claims'],
              limit: 3,
            })
            if (runs.length === 0) return
            for (const run of runs) {
              expect(run.owner).toBe(`e${n}`)
              claimedBy.set(run.id, [...(claimedBy.get(run.id) ?? []), `e${n}`])
            }
          }
        }),
      )
      expect([...claimedBy.keys()].sort()).toEqual(ids)
      for (const owners of claimedBy.values()) expect(owners).toHaveLength(1)
    })

    it('concurrent createRun with one id: one succeeds, the others get DF_CONFLICT', async () => {
      const results = await Promise.allSettled(
        backends.map((b) => b.createRun(newRun('same-id', 5))),
      )
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
      for (const r of results) {
        if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'DF_CONFLICT' })
      }
      expect(await backends[1]!.getTasks('same-id')).toHaveLength(5)
    })
  })
}
