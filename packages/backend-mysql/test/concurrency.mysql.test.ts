/**
 * Races across separate pools on real MariaDB/MySQL: what differs between stores (house style §9.5).
 * Each backend has its own pool, as separate engine processes would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MysqlBackend } from '../src/index.js'
import { createDatabase, dropDatabase, newBackend, newRun, uniqueDatabase } from './helpers.js'

const schema = uniqueDatabase()
let backends: MysqlBackend[] = []

beforeAll(async () => {
  await createDatabase(schema)
  backends = Array.from({ length: 4 }, () => newBackend(schema, 3))
  await backends[0]!.init()
  await Promise.all(backends.map((b) => b.init()))
}, 60_000)

afterAll(async () => {
  await Promise.all(backends.map((b) => b.close()))
  await dropDatabase(schema)
}, 60_000)

describe('mysql concurrency', () => {
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
      expect(results.filter((r) => r[0]?.ok === false && r[0].reason === 'conflict')).toHaveLength(
        3,
      )
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
    const results = await Promise.allSettled(backends.map((b) => b.createRun(newRun('same-id', 5))))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of results) {
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'DF_CONFLICT' })
    }
    expect(await backends[1]!.getTasks('same-id')).toHaveLength(5)
  })
})
