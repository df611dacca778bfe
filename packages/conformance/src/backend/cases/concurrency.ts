/**
 * Concurrency (mandatory for every backend): parallel claims never hand a run out twice, a race
 * on one version has exactly one winner, and writers on different rows never block each other
 * into failure. This is what actually differs between SQLite, MySQL and PostgreSQL.
 */
import type { RunRecord, UpdateResult } from '@df/orchestration'
import { expect } from 'vitest'
import { expectCode, expectOk } from '../assertions.js'
import { type BackendCase, defineCase } from '../define-case.js'
import {
  ensurePipeline,
  newPipeline,
  newRun,
  seedOrphanedRun,
  seedRun,
  taskUpdate,
  uniqueId,
} from '../fixtures.js'

const NOW = 1_800_000_000_000
const LEASE = NOW + 30_000
const PARALLEL = 8

const winners = <T>(results: readonly UpdateResult<T>[]): number =>
  results.filter((r) => r.ok).length

export const concurrencyCases: readonly BackendCase[] = [
  defineCase(
    'concurrency.claims.unique',
    `${PARALLEL} parallel claimRuns never return the same run twice, and every claim sticks`,
    async ({ backend }) => {
      for (let round = 0; round < 3; round++) {
        const now = NOW + round * 100_000
        // One pipeline per round: earlier rounds' leases have expired by this round's `now`.
        const pipelineIds = [uniqueId('pipe')]
        const runs = await Promise.all(
          Array.from({ length: 20 }, () =>
            seedOrphanedRun(backend, now, { pipelineId: pipelineIds[0] }),
          ),
        )
        const claims = await Promise.all(
          Array.from({ length: PARALLEL }, (_, i) =>
            backend.claimRuns({
              owner: `engine-${i}`,
              now,
              leaseExpiresAt: now + 30_000,
              limit: 4,
              pipelineIds,
            }),
          ),
        )
        const claimed = claims.flat()
        const ids = claimed.map((r) => r.id)
        expect(new Set(ids).size, 'no run claimed twice').toBe(ids.length)
        for (const [i, batch] of claims.entries()) {
          expect(batch.length).toBeLessThanOrEqual(4)
          for (const run of batch) expect((await backend.getRun(run.id))?.owner).toBe(`engine-${i}`)
        }
        // Nothing is lost: whatever the parallel round left is claimable afterwards.
        const rest = await backend.claimRuns({
          owner: 'sweeper',
          now,
          leaseExpiresAt: now + 1,
          limit: 100,
          pipelineIds,
        })
        expect([...ids, ...rest.map((r) => r.id)].sort()).toEqual(runs.map((r) => r.id).sort())
      }
    },
  ),

  defineCase(
    'concurrency.claims.complete',
    'with locking claims, parallel claims whose limits add up to the backlog claim all of it (capability: supportsLockingClaims)',
    async ({ backend }) => {
      const runs = await Promise.all(
        Array.from({ length: 16 }, () => seedOrphanedRun(backend, NOW)),
      )
      const claims = await Promise.all(
        Array.from({ length: 4 }, (_, i) =>
          backend.claimRuns({ owner: `engine-${i}`, now: NOW, leaseExpiresAt: LEASE, limit: 4 }),
        ),
      )
      const ids = claims.flat().map((r) => r.id)
      expect(new Set(ids).size).toBe(ids.length)
      if (backend.capabilities.supportsLockingClaims) {
        // SKIP LOCKED: a claimer skips rows another holds and takes free ones, so none come back short.
        expect(ids.sort()).toEqual(runs.map((r) => r.id).sort())
      } else {
        // Optimistic claims may come back short after a lost race, never with duplicates.
        expect(ids.length).toBeGreaterThan(0)
        expect(ids.length).toBeLessThanOrEqual(16)
      }
    },
  ),

  defineCase(
    'concurrency.run.race',
    `${PARALLEL} parallel updateRun calls at one version: exactly one wins, the rest conflict`,
    async ({ backend }) => {
      const run = await seedRun(backend, { status: 'RUNNING' })
      const results = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          backend.updateRun({ id: run.id, expectedVersion: 1, message: `writer ${i}` }),
        ),
      )
      expect(winners(results)).toBe(1)
      for (const r of results) if (!r.ok) expect(r.reason).toBe('conflict')
      const won = results.findIndex((r) => r.ok)
      expect(await backend.getRun(run.id)).toMatchObject({ message: `writer ${won}`, version: 2 })
    },
  ),

  defineCase(
    'concurrency.claim-vs-update',
    "a claim racing the owner's final updateRun: exactly one of them takes effect",
    async ({ backend }) => {
      const runs = await Promise.all(
        Array.from({ length: 10 }, () => seedOrphanedRun(backend, NOW)),
      )
      const [claims, ...updates] = await Promise.all([
        backend.claimRuns({ owner: 'thief', now: NOW, leaseExpiresAt: LEASE, limit: 100 }),
        ...runs.map((r) =>
          backend.updateRun({ id: r.id, expectedVersion: 1, status: 'SUCCESS', owner: null }),
        ),
      ])
      const claimedIds = new Set((claims as RunRecord[]).map((r) => r.id))
      for (const [i, run] of runs.entries()) {
        const update = updates[i] as UpdateResult<RunRecord>
        const stored = await backend.getRun(run.id)
        expect(update.ok !== claimedIds.has(run.id), `run ${i}: exactly one winner`).toBe(true)
        expect(stored).toMatchObject(
          update.ok ? { status: 'SUCCESS', version: 2 } : { owner: 'thief', version: 2 },
        )
      }
    },
  ),

  defineCase(
    'concurrency.task.race',
    `${PARALLEL} parallel updateTasks on one task at one version: one winner, only its attempt record is written`,
    async ({ backend }) => {
      const run = await seedRun(backend)
      const results = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          backend.updateTasks([
            taskUpdate(run.id, 'extract', 1, {
              state: 'RUNNING',
              attempt: 1,
              attemptRecord: {
                runId: run.id,
                taskId: 'extract',
                attempt: 1,
                state: 'RUNNING',
                startedAt: i,
                worker: `w${i}`,
              },
            }),
          ]),
        ),
      )
      const flat = results.map((r) => r[0]!)
      expect(winners(flat)).toBe(1)
      for (const r of flat) if (!r.ok) expect(r.reason).toBe('conflict')
      const won = flat.findIndex((r) => r.ok)
      expect(await backend.listAttempts(run.id)).toEqual([
        {
          runId: run.id,
          taskId: 'extract',
          attempt: 1,
          state: 'RUNNING',
          startedAt: won,
          worker: `w${won}`,
        },
      ])
      expect((await backend.getTasks(run.id))[0]).toMatchObject({ state: 'RUNNING', version: 2 })
    },
    ['RunHistory'],
  ),

  defineCase(
    'concurrency.tasks.disjoint',
    'parallel updateTasks on different tasks of one run all succeed (no false conflicts, no lock errors)',
    async ({ backend }) => {
      const taskIds = Array.from({ length: 24 }, (_, i) => `t${i}`)
      const run = await seedRun(backend, { taskIds })
      for (let step = 1; step <= 3; step++) {
        const results = await Promise.all(
          taskIds.map((taskId) =>
            backend.updateTasks([
              taskUpdate(run.id, taskId, step, { attempt: step, result: { step } }),
            ]),
          ),
        )
        for (const r of results) expectOk(r[0])
      }
      const tasks = await backend.getTasks(run.id)
      expect(tasks.map((t) => [t.taskId, t.version, t.attempt, t.result])).toEqual(
        taskIds.map((id) => [id, 4, 3, { step: 3 }]),
      )
    },
  ),

  defineCase(
    'concurrency.runs.disjoint',
    'parallel createRun, updateRun and updateTasks on different runs all succeed',
    async ({ backend }) => {
      const runs = await Promise.all(
        Array.from({ length: 12 }, () => seedRun(backend, { status: 'RUNNING' })),
      )
      const outcomes = await Promise.all(
        runs.flatMap((run) => [
          backend.updateRun({ id: run.id, expectedVersion: 1, message: 'updated' }),
          backend
            .updateTasks([taskUpdate(run.id, 'load', 1, { state: 'QUEUED' })])
            .then((r) => r[0]!),
        ]),
      )
      for (const outcome of outcomes) expectOk(outcome as UpdateResult<unknown>)
    },
  ),

  defineCase(
    'concurrency.create.duplicate',
    `${PARALLEL} parallel createRun with one id: exactly one succeeds, the rest reject with DF_CONFLICT`,
    async ({ backend }) => {
      const template = newRun({ pipelineId: uniqueId('pipe') })
      await ensurePipeline(backend, template.pipelineId)
      const settled = await Promise.allSettled(
        Array.from({ length: PARALLEL }, (_, i) =>
          backend.createRun({ ...template, message: `creator ${i}` }),
        ),
      )
      expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1)
      for (const s of settled)
        if (s.status === 'rejected') await expectCode(Promise.reject(s.reason), 'DF_CONFLICT')
      expect(await backend.getTasks(template.id)).toHaveLength(3)
    },
  ),

  defineCase(
    'concurrency.watermark.race',
    `${PARALLEL} parallel setWatermark from one expected value: exactly one wins`,
    async ({ backend }) => {
      const key = uniqueId('wm')
      const base = { value: '0', type: 'number', updatedAt: 1 } as const
      expectOk(await backend.setWatermark(key, base, undefined))
      const results = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          backend.setWatermark(key, { value: String(i + 1), type: 'number', updatedAt: 2 }, base),
        ),
      )
      expect(winners(results)).toBe(1)
      const won = results.findIndex((r) => r.ok)
      expect(await backend.getWatermark(key)).toEqual({
        value: String(won + 1),
        type: 'number',
        updatedAt: 2,
      })
      const creates = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          backend.setWatermark(
            `${key}-new`,
            { value: String(i), type: 'number', updatedAt: 3 },
            undefined,
          ),
        ),
      )
      expect(winners(creates)).toBe(1)
    },
    ['WatermarkStore'],
  ),

  defineCase(
    'concurrency.pipelines.put',
    `${PARALLEL} parallel putPipeline of one id all succeed; the stored definition is one of them, whole`,
    async ({ backend }) => {
      const id = uniqueId('pipe')
      const versions = Array.from({ length: PARALLEL }, (_, i) => ({
        ...newPipeline({ id, description: `writer ${i}` }),
        definitionHash: `hash-${i}`,
        updatedAt: i,
      }))
      await Promise.all(versions.map((p) => backend.putPipeline(p)))
      const stored = await backend.getPipeline(id)
      expect(versions).toContainEqual(stored)
      expect((await backend.listPipelines()).items.filter((p) => p.id === id)).toHaveLength(1)
    },
    ['RunHistory'],
  ),
]
