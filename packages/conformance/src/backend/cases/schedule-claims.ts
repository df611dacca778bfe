/**
 * Schedule claims (what makes one tick fire once across processes) and the active-run counts
 * that `maxActiveRuns` and the overlap policy read across processes.
 */
import type { Backend, ScheduleStore } from '@df/orchestration'
import { expect } from 'vitest'
import { expectOk } from '../assertions.js'
import { type BackendCase, defineCase } from '../define-case.js'
import { newSchedule, seedRun, uniqueId } from '../fixtures.js'

const NOW = 1_800_000_000_000
const PARALLEL = 8

async function seedDue(
  backend: Backend & ScheduleStore,
  count: number,
  dueAt: (i: number) => number,
): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    ids.push((await backend.putSchedule(newSchedule({ nextDueAt: dueAt(i) }))).id)
  }
  return ids
}

export const scheduleClaimCases: readonly BackendCase[] = [
  defineCase(
    'schedules.claim.due',
    'claims exactly the asked-for schedules that are due and not held by a live lease, earliest due first; owner, lease, version + 1',
    async ({ backend }) => {
      const due = await backend.putSchedule(newSchedule({ nextDueAt: NOW - 10 }))
      const dueNow = await backend.putSchedule(newSchedule({ nextDueAt: NOW }))
      const later = await backend.putSchedule(newSchedule({ nextDueAt: NOW + 1 }))
      const ended = await backend.putSchedule(newSchedule({ nextDueAt: undefined }))
      const notAsked = await backend.putSchedule(newSchedule({ nextDueAt: NOW - 20 }))
      const held = await backend.putSchedule(newSchedule({ nextDueAt: NOW - 30 }))
      const expired = await backend.putSchedule(newSchedule({ nextDueAt: NOW - 40 }))
      const claimFor = (owner: string, ids: string[], leaseExpiresAt: number, now = NOW - 30) =>
        backend.claimSchedules({ owner, now, leaseExpiresAt, ids, limit: 10 })
      expect((await claimFor('other', [held.id], NOW + 60_000)).map((s) => s.id)).toEqual([held.id])
      expect((await claimFor('dead', [expired.id], NOW - 1)).map((s) => s.id)).toEqual([expired.id])
      const asked = [due, dueNow, later, ended, held, expired].map((s) => s.id)
      const claimed = await backend.claimSchedules({
        owner: 'scheduler-a',
        now: NOW,
        leaseExpiresAt: NOW + 10_000,
        ids: [...asked, uniqueId('missing')],
        limit: 10,
      })
      expect(claimed.map((s) => s.id)).toEqual([expired.id, due.id, dueNow.id])
      for (const s of claimed) {
        expect(s).toMatchObject({ owner: 'scheduler-a', leaseExpiresAt: NOW + 10_000 })
        expect(await backend.getSchedule(s.id)).toEqual(s)
      }
      expect(claimed.find((s) => s.id === due.id)?.version).toBe(due.version + 1)
      expect(claimed.find((s) => s.id === expired.id)?.version).toBe(expired.version + 2)
      expect(await backend.getSchedule(notAsked.id)).toEqual(notAsked)
      // Held now: a second claim at the same instant gets nothing.
      expect(await claimFor('scheduler-b', asked, NOW + 10_000, NOW)).toEqual([])
    },
    ['ScheduleStore'],
  ),

  defineCase(
    'schedules.claim.limit',
    'takes at most limit (the earliest due); limit 0 or no ids claims nothing',
    async ({ backend }) => {
      const ids = await seedDue(backend, 6, (i) => NOW - 1000 + ((i * 7) % 6) * 10)
      const order = (await Promise.all(ids.map((id) => backend.getSchedule(id))))
        .sort((a, b) => (a?.nextDueAt ?? 0) - (b?.nextDueAt ?? 0))
        .map((s) => s?.id)
      const claim = (limit: number, asked = ids) =>
        backend.claimSchedules({
          owner: 'scheduler-a',
          now: NOW,
          leaseExpiresAt: NOW + 10_000,
          ids: asked,
          limit,
        })
      expect(await claim(0)).toEqual([])
      expect(await claim(5, [])).toEqual([])
      expect((await claim(2)).map((s) => s.id)).toEqual(order.slice(0, 2))
      expect((await claim(10)).map((s) => s.id)).toEqual(order.slice(2))
    },
    ['ScheduleStore'],
  ),

  defineCase(
    'schedules.claim.parallel',
    `${PARALLEL} parallel claims never take a schedule twice, and repeated claims take them all`,
    async ({ backend }) => {
      const ids = await seedDue(backend, 20, (i) => NOW - i)
      const claims = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          backend.claimSchedules({
            owner: `scheduler-${i}`,
            now: NOW,
            leaseExpiresAt: NOW + 10_000,
            ids,
            limit: 4,
          }),
        ),
      )
      const taken = claims.flat().map((s) => s.id)
      expect(new Set(taken).size, 'no schedule claimed twice').toBe(taken.length)
      for (const [i, batch] of claims.entries()) {
        expect(batch.length).toBeLessThanOrEqual(4)
        for (const s of batch)
          expect((await backend.getSchedule(s.id))?.owner).toBe(`scheduler-${i}`)
      }
      const rest = await backend.claimSchedules({
        owner: 'sweeper',
        now: NOW,
        leaseExpiresAt: NOW + 10_000,
        ids,
        limit: 20,
      })
      expect([...taken, ...rest.map((s) => s.id)].sort()).toEqual([...ids].sort())
    },
    ['ScheduleStore'],
  ),

  defineCase(
    'schedules.count.active',
    'counts QUEUED and RUNNING runs of a pipeline, and of those the ones a schedule created',
    async ({ backend }) => {
      const pipelineId = uniqueId('pipe')
      const schedule = uniqueId('sched')
      const seed = (
        status: 'QUEUED' | 'RUNNING' | 'SUCCESS',
        scheduleId?: string,
        pipe = pipelineId,
      ) =>
        seedRun(backend, {
          pipelineId: pipe,
          status,
          ...(scheduleId !== undefined ? { trigger: 'schedule' as const, scheduleId } : {}),
        })
      const running = await seed('RUNNING', schedule)
      await seed('QUEUED', schedule)
      await seed('SUCCESS', schedule)
      await seed('RUNNING')
      await seed('QUEUED', uniqueId('sched'))
      await seed('RUNNING', schedule, uniqueId('pipe'))
      expect(await backend.countActiveRuns({ pipelineId, scheduleId: schedule })).toEqual({
        pipeline: 4,
        schedule: 2,
      })
      expect(await backend.countActiveRuns({ pipelineId })).toEqual({ pipeline: 4, schedule: 0 })
      expect(await backend.countActiveRuns({ pipelineId: uniqueId('pipe') })).toEqual({
        pipeline: 0,
        schedule: 0,
      })
      expectOk(await backend.updateRun({ id: running.id, expectedVersion: 1, status: 'FAILED' }))
      expect(await backend.countActiveRuns({ pipelineId, scheduleId: schedule })).toEqual({
        pipeline: 3,
        schedule: 1,
      })
    },
    ['ScheduleStore'],
  ),
]
