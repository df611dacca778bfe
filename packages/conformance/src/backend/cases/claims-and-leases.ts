/** Crash recovery: claiming runs whose lease expired, and renewing the leases an engine holds. */
import { expect } from 'vitest'
import { expectOk } from '../assertions.js'
import { type BackendCase, defineCase } from '../define-case.js'
import { seedOrphanedRun, seedRun, uniqueId } from '../fixtures.js'

const NOW = 1_800_000_000_000
const LEASE = NOW + 30_000

export const claimCases: readonly BackendCase[] = [
  defineCase(
    'claims.eligible',
    'claims only QUEUED and RUNNING runs whose lease ended at or before `now`, or that have no owner',
    async ({ backend }) => {
      const expired = await seedOrphanedRun(backend, NOW)
      const boundary = await seedOrphanedRun(backend, NOW, { leaseExpiresAt: NOW })
      const ownerless = await seedRun(backend, { status: 'RUNNING' })
      const queued = await seedOrphanedRun(backend, NOW, { status: 'QUEUED' })
      const live = await seedOrphanedRun(backend, NOW, { owner: 'alive', leaseExpiresAt: NOW + 1 })
      const liveQueued = await seedOrphanedRun(backend, NOW, {
        status: 'QUEUED',
        owner: 'alive',
        leaseExpiresAt: NOW + 1,
      })
      const others = await Promise.all(
        (['SUCCESS', 'FAILED', 'CANCELLED'] as const).map((status) =>
          seedOrphanedRun(backend, NOW, { status }),
        ),
      )
      const claimed = await backend.claimRuns({
        owner: 'me',
        now: NOW,
        leaseExpiresAt: LEASE,
        limit: 100,
      })
      expect(claimed.map((r) => r.id).sort()).toEqual(
        [expired.id, boundary.id, ownerless.id, queued.id].sort(),
      )
      for (const run of claimed) {
        const before = [expired, boundary, ownerless, queued].find((r) => r.id === run.id)!
        const expected = {
          ...before,
          owner: 'me',
          leaseExpiresAt: LEASE,
          version: before.version + 1,
        }
        expect(run).toEqual(expected)
        expect(await backend.getRun(run.id)).toEqual(expected)
      }
      expect(await backend.getRun(live.id)).toEqual(live)
      expect(await backend.getRun(liveQueued.id)).toEqual(liveQueued)
      for (const other of others) expect(await backend.getRun(other.id)).toEqual(other)
      // Everything claimable is now held by `me` until LEASE: a second claim finds nothing.
      expect(
        await backend.claimRuns({ owner: 'you', now: NOW, leaseExpiresAt: LEASE, limit: 100 }),
      ).toEqual([])
    },
  ),

  defineCase(
    'claims.limit',
    'claims at most `limit` runs; later claims take the rest; limit 0 claims nothing',
    async ({ backend }) => {
      const runs = await Promise.all(Array.from({ length: 7 }, () => seedOrphanedRun(backend, NOW)))
      expect(
        await backend.claimRuns({ owner: 'a', now: NOW, leaseExpiresAt: LEASE, limit: 0 }),
      ).toEqual([])
      const first = await backend.claimRuns({
        owner: 'a',
        now: NOW,
        leaseExpiresAt: LEASE,
        limit: 3,
      })
      const second = await backend.claimRuns({
        owner: 'b',
        now: NOW,
        leaseExpiresAt: LEASE,
        limit: 3,
      })
      const third = await backend.claimRuns({
        owner: 'c',
        now: NOW,
        leaseExpiresAt: LEASE,
        limit: 3,
      })
      expect([first.length, second.length, third.length]).toEqual([3, 3, 1])
      const ids = [...first, ...second, ...third].map((r) => r.id)
      expect(new Set(ids).size).toBe(7)
      expect(ids.sort()).toEqual(runs.map((r) => r.id).sort())
    },
  ),

  defineCase(
    'claims.pipelines',
    'claims only runs of the given pipelineIds',
    async ({ backend }) => {
      const [p1, p2, p3] = [uniqueId('pipe'), uniqueId('pipe'), uniqueId('pipe')]
      const r1 = await seedOrphanedRun(backend, NOW, { pipelineId: p1 })
      const r2 = await seedOrphanedRun(backend, NOW, { pipelineId: p2 })
      const r3 = await seedOrphanedRun(backend, NOW, { pipelineId: p3 })
      const claimed = await backend.claimRuns({
        owner: 'me',
        now: NOW,
        leaseExpiresAt: LEASE,
        limit: 10,
        pipelineIds: [p1, p3, uniqueId('unknown')],
      })
      expect(claimed.map((r) => r.id).sort()).toEqual([r1.id, r3.id].sort())
      expect(await backend.getRun(r2.id)).toEqual(r2)
      expect(
        await backend.claimRuns({
          owner: 'me',
          now: NOW,
          leaseExpiresAt: LEASE,
          limit: 10,
          pipelineIds: [],
        }),
      ).toEqual([])
    },
  ),

  defineCase(
    'claims.then-update',
    'a claimed run can be updated by its new owner at the returned version; the old version conflicts',
    async ({ backend }) => {
      const run = await seedOrphanedRun(backend, NOW)
      const [claimed] = await backend.claimRuns({
        owner: 'me',
        now: NOW,
        leaseExpiresAt: LEASE,
        limit: 1,
      })
      expect(claimed?.id).toBe(run.id)
      expect(
        await backend.updateRun({ id: run.id, expectedVersion: run.version, status: 'FAILED' }),
      ).toEqual({ ok: false, reason: 'conflict' })
      const done = expectOk(
        await backend.updateRun({
          id: run.id,
          expectedVersion: claimed!.version,
          status: 'SUCCESS',
          owner: null,
        }),
      )
      expect(done).toMatchObject({ status: 'SUCCESS', version: claimed!.version + 1 })
      expect(done.owner).toBeUndefined()
    },
  ),

  defineCase(
    'leases.renew.owned',
    'renews every run the owner holds (all, or the given runIds) and returns their ids; leaves others alone',
    async ({ backend }) => {
      const mine = await Promise.all(
        [0, 1, 2].map(() =>
          seedOrphanedRun(backend, NOW, { owner: 'me', leaseExpiresAt: NOW + 5 }),
        ),
      )
      const theirs = await seedOrphanedRun(backend, NOW, { owner: 'them', leaseExpiresAt: NOW + 5 })
      const unowned = await seedRun(backend, { status: 'RUNNING' })
      const { renewed } = await backend.renewLeases({ owner: 'me', leaseExpiresAt: LEASE })
      expect([...renewed].sort()).toEqual(mine.map((r) => r.id).sort())
      for (const run of mine) expect((await backend.getRun(run.id))?.leaseExpiresAt).toBe(LEASE)
      expect(await backend.getRun(theirs.id)).toEqual(theirs)
      expect(await backend.getRun(unowned.id)).toEqual(unowned)
      const some = await backend.renewLeases({
        owner: 'me',
        runIds: [mine[0]!.id, theirs.id, uniqueId('run')],
        leaseExpiresAt: LEASE + 1,
      })
      expect(some.renewed).toEqual([mine[0]!.id])
      expect((await backend.getRun(mine[0]!.id))?.leaseExpiresAt).toBe(LEASE + 1)
      expect((await backend.getRun(mine[1]!.id))?.leaseExpiresAt).toBe(LEASE)
      expect(await backend.getRun(theirs.id)).toEqual(theirs)
      expect(
        (await backend.renewLeases({ owner: 'me', runIds: [], leaseExpiresAt: LEASE })).renewed,
      ).toEqual([])
    },
  ),

  defineCase(
    'leases.renew.lost',
    'a lease taken over by another engine is not renewed and stays with the new owner',
    async ({ backend }) => {
      const run = await seedOrphanedRun(backend, NOW, { owner: 'old', leaseExpiresAt: NOW - 10 })
      const [claimed] = await backend.claimRuns({
        owner: 'new',
        now: NOW,
        leaseExpiresAt: LEASE,
        limit: 1,
      })
      expect(claimed?.id).toBe(run.id)
      expect(
        (await backend.renewLeases({ owner: 'old', leaseExpiresAt: LEASE + 99 })).renewed,
      ).toEqual([])
      expect(
        (await backend.renewLeases({ owner: 'old', runIds: [run.id], leaseExpiresAt: LEASE + 99 }))
          .renewed,
      ).toEqual([])
      expect(await backend.getRun(run.id)).toMatchObject({ owner: 'new', leaseExpiresAt: LEASE })
    },
  ),

  defineCase(
    'leases.renew.version',
    "a renewal leaves the run's version alone: the holder's next updateRun at the version it knows applies",
    async ({ backend }) => {
      const run = await seedOrphanedRun(backend, NOW, { owner: 'me', leaseExpiresAt: NOW + 5 })
      expect(
        (await backend.renewLeases({ owner: 'me', runIds: [run.id], leaseExpiresAt: LEASE }))
          .renewed,
      ).toEqual([run.id])
      const renewed = await backend.getRun(run.id)
      expect(renewed).toEqual({ ...run, leaseExpiresAt: LEASE })
      const done = expectOk(
        await backend.updateRun({ id: run.id, expectedVersion: run.version, status: 'SUCCESS' }),
      )
      expect(done).toMatchObject({
        status: 'SUCCESS',
        version: run.version + 1,
        leaseExpiresAt: LEASE,
      })
    },
  ),

  defineCase(
    'claims.queued',
    'claims a QUEUED run without an owner (a run request) oldest first, leaving it QUEUED at version + 1',
    async ({ backend }) => {
      const pipelineId = uniqueId('requests')
      const newer = await seedRun(backend, { pipelineId, status: 'QUEUED', createdAt: NOW - 10 })
      const older = await seedRun(backend, { pipelineId, status: 'QUEUED', createdAt: NOW - 20 })
      const [first] = await backend.claimRuns({
        owner: 'serve',
        now: NOW,
        leaseExpiresAt: LEASE,
        limit: 1,
        pipelineIds: [pipelineId],
      })
      expect(first).toEqual({
        ...older,
        owner: 'serve',
        leaseExpiresAt: LEASE,
        version: older.version + 1,
      })
      const [second] = await backend.claimRuns({
        owner: 'serve',
        now: NOW,
        leaseExpiresAt: LEASE,
        limit: 5,
        pipelineIds: [pipelineId],
      })
      expect(second).toMatchObject({ id: newer.id, status: 'QUEUED', owner: 'serve' })
    },
  ),
]
