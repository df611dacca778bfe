/**
 * `RunControl`: cancel requests stored on the run, so a cancel from any process (the UI, the CLI)
 * reaches the engine that drives the run at its next lease renewal.
 */
import { expect } from 'vitest'
import { expectOk } from '../assertions.js'
import { type BackendCase, defineCase } from '../define-case.js'
import { seedOrphanedRun, seedRun, uniqueId } from '../fixtures.js'

const NOW = 1_800_000_000_000
const LEASE = NOW + 30_000
const NEEDS = ['RunControl'] as const

export const controlCases: readonly BackendCase[] = [
  defineCase(
    'control.cancel.owned',
    'on an owned run it stores the request without changing the version; the owner sees it in renewLeases',
    async ({ backend }) => {
      const run = await seedOrphanedRun(backend, NOW, { owner: 'me', leaseExpiresAt: LEASE })
      const requested = expectOk(
        await backend.requestCancel({ runId: run.id, reason: 'stop it', at: NOW + 1 }),
      )
      const expected = { ...run, cancelRequestedAt: NOW + 1, cancelReason: 'stop it' }
      expect(requested).toEqual(expected)
      expect(await backend.getRun(run.id)).toEqual(expected)
      const other = await backend.renewLeases({ owner: 'someone', leaseExpiresAt: LEASE })
      expect(other.cancelRequested ?? []).toEqual([])
      const mine = await backend.renewLeases({ owner: 'me', leaseExpiresAt: LEASE + 1 })
      expect(mine.renewed).toEqual([run.id])
      expect(mine.cancelRequested).toEqual([{ runId: run.id, reason: 'stop it' }])
      // Still the owner's run at the version it knows.
      expectOk(
        await backend.updateRun({ id: run.id, expectedVersion: run.version, status: 'CANCELLED' }),
      )
    },
    NEEDS,
  ),

  defineCase(
    'control.cancel.unowned',
    'on a QUEUED run nobody owns (a run request) it ends the run CANCELLED at once, version + 1',
    async ({ backend }) => {
      const run = await seedRun(backend, { status: 'QUEUED' })
      const cancelled = expectOk(
        await backend.requestCancel({ runId: run.id, reason: 'not needed', at: NOW }),
      )
      expect(cancelled).toMatchObject({ id: run.id, status: 'CANCELLED', endedAt: NOW })
      expect(cancelled.version).toBe(run.version + 1)
      expect(typeof cancelled.message).toBe('string')
      expect(await backend.getRun(run.id)).toEqual(cancelled)
      expect(
        await backend.claimRuns({ owner: 'serve', now: NOW, leaseExpiresAt: LEASE, limit: 10 }),
      ).not.toContainEqual(expect.objectContaining({ id: run.id }))
    },
    NEEDS,
  ),

  defineCase(
    'control.cancel.finished',
    'on a finished run it is a conflict and changes nothing',
    async ({ backend }) => {
      const run = await seedRun(backend, { status: 'SUCCESS', endedAt: NOW })
      expect(await backend.requestCancel({ runId: run.id, reason: 'late', at: NOW })).toEqual({
        ok: false,
        reason: 'conflict',
      })
      expect(await backend.getRun(run.id)).toEqual(run)
    },
    NEEDS,
  ),

  defineCase(
    'control.cancel.missing',
    'on an unknown run it is not-found',
    async ({ backend }) => {
      expect(await backend.requestCancel({ runId: uniqueId('run'), reason: 'x', at: NOW })).toEqual(
        { ok: false, reason: 'not-found' },
      )
    },
    NEEDS,
  ),

  defineCase(
    'control.cancel.claimed',
    "a request on a dead engine's run survives the take-over and reaches the new owner",
    async ({ backend }) => {
      const run = await seedOrphanedRun(backend, NOW)
      expectOk(await backend.requestCancel({ runId: run.id, reason: 'abandon', at: NOW }))
      const [claimed] = await backend.claimRuns({
        owner: 'heir',
        now: NOW,
        leaseExpiresAt: LEASE,
        limit: 1,
      })
      expect(claimed).toMatchObject({ id: run.id, cancelRequestedAt: NOW, cancelReason: 'abandon' })
      const renewal = await backend.renewLeases({ owner: 'heir', leaseExpiresAt: LEASE + 5 })
      expect(renewal.cancelRequested).toEqual([{ runId: run.id, reason: 'abandon' }])
    },
    NEEDS,
  ),
]
