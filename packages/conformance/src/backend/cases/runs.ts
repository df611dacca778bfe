/** Runs: creation with task instances, reads, compare-and-set updates, deletion. */
import { expect } from 'vitest'
import { expectCode, expectFailed, expectOk, expectOrchestrationError } from '../assertions.js'
import { type BackendCase, defineCase } from '../define-case.js'
import { ensurePipeline, newRun, seedRun, taskUpdate, uniqueId } from '../fixtures.js'

export const runCases: readonly BackendCase[] = [
  defineCase(
    'runs.create.roundtrip',
    'returns the stored run at version 1; getRun returns the same; absent fields stay absent (not null)',
    async ({ backend }) => {
      const input = newRun({ params: { a: 1, nested: { list: [1, 'two', null, true] } } })
      await ensurePipeline(backend, input.pipelineId)
      const { tasks: _tasks, ...expected } = input
      const created = await backend.createRun(input)
      expect(created).toEqual({ ...expected, version: 1 })
      expect(await backend.getRun(input.id)).toEqual({ ...expected, version: 1 })
      for (const key of ['rerunOf', 'startedAt', 'endedAt', 'message', 'owner', 'leaseExpiresAt']) {
        expect((created as unknown as Record<string, unknown>)[key], key).toBeUndefined()
      }
    },
  ),

  defineCase(
    'runs.create.all-fields',
    'stores every optional run field (rerunOf, timings, message, owner, lease)',
    async ({ backend }) => {
      const input = newRun({
        status: 'RUNNING',
        trigger: 'rerun',
        rerunOf: uniqueId('run'),
        startedAt: 1_704_067_300_123,
        endedAt: 1_704_067_400_456,
        message: '2 tasks failed: load, check — “quoted”',
        owner: 'engine-a',
        leaseExpiresAt: 1_704_067_500_789,
      })
      await ensurePipeline(backend, input.pipelineId)
      const { tasks: _tasks, ...expected } = input
      await backend.createRun(input)
      expect(await backend.getRun(input.id)).toEqual({ ...expected, version: 1 })
    },
  ),

  defineCase(
    'runs.create.tasks',
    'creates one task instance per NewTask in creation order: PENDING (or the given state), attempt 0, version 1',
    async ({ backend }) => {
      const run = await seedRun(backend, {
        tasks: [{ taskId: 'zeta' }, { taskId: 'alpha' }, { taskId: 'mid', state: 'SKIPPED' }],
      })
      const tasks = await backend.getTasks(run.id)
      expect(tasks).toEqual([
        { runId: run.id, taskId: 'zeta', state: 'PENDING', attempt: 0, version: 1 },
        { runId: run.id, taskId: 'alpha', state: 'PENDING', attempt: 0, version: 1 },
        { runId: run.id, taskId: 'mid', state: 'SKIPPED', attempt: 0, version: 1 },
      ])
    },
  ),

  defineCase(
    'runs.create.duplicate',
    'rejects an existing id with DF_CONFLICT and leaves the stored run and its tasks untouched',
    async ({ backend }) => {
      const run = await seedRun(backend, { taskIds: ['a', 'b'] })
      await expectCode(
        backend.createRun(newRun({ id: run.id, status: 'FAILED', taskIds: ['c'] })),
        'DF_CONFLICT',
      )
      expect(await backend.getRun(run.id)).toEqual(run)
      expect((await backend.getTasks(run.id)).map((t) => t.taskId)).toEqual(['a', 'b'])
    },
  ),

  defineCase(
    'runs.create.atomic',
    'a run whose tasks cannot be created (duplicate task id) is not created at all',
    async ({ backend }) => {
      const run = newRun({ taskIds: ['a', 'b', 'a'] })
      await ensurePipeline(backend, run.pipelineId)
      await expectOrchestrationError(backend.createRun(run))
      expect(await backend.getRun(run.id)).toBeUndefined()
      expect(await backend.getTasks(run.id)).toEqual([])
    },
  ),

  defineCase('runs.get.missing', 'returns undefined for an unknown run', async ({ backend }) => {
    expect(await backend.getRun(uniqueId('run'))).toBeUndefined()
  }),

  defineCase(
    'runs.update.cas',
    'applies the given fields at the expected version, keeps the others, increments version',
    async ({ backend }) => {
      const run = await seedRun(backend, { message: 'queued' })
      const first = expectOk(
        await backend.updateRun({
          id: run.id,
          expectedVersion: 1,
          status: 'RUNNING',
          startedAt: run.createdAt + 5,
        }),
      )
      expect(first).toEqual({ ...run, status: 'RUNNING', startedAt: run.createdAt + 5, version: 2 })
      const second = expectOk(
        await backend.updateRun({
          id: run.id,
          expectedVersion: 2,
          status: 'SUCCESS',
          endedAt: run.createdAt + 9,
          message: 'All 3 tasks succeeded.',
        }),
      )
      const expected = {
        ...first,
        status: 'SUCCESS',
        endedAt: run.createdAt + 9,
        message: 'All 3 tasks succeeded.',
        version: 3,
      }
      expect(second).toEqual(expected)
      expect(await backend.getRun(run.id)).toEqual(expected)
    },
  ),

  defineCase(
    'runs.update.version-rule',
    'an applied update sets version = expectedVersion + 1, whatever it changes',
    async ({ backend }) => {
      const run = await seedRun(backend)
      let version = run.version
      expect(version).toBe(1)
      for (const update of [
        { status: 'RUNNING' as const },
        { message: 'half way' },
        { owner: 'a', leaseExpiresAt: run.createdAt + 100 },
        {},
      ]) {
        const next = expectOk(
          await backend.updateRun({ id: run.id, expectedVersion: version, ...update }),
        )
        expect(next.version).toBe(version + 1)
        version = next.version
      }
      expect((await backend.getRun(run.id))?.version).toBe(version)
    },
  ),

  defineCase(
    'runs.update.task-counts',
    'stores taskCounts given with an update (set when a run ends) and returns them as given',
    async ({ backend }) => {
      const run = await seedRun(backend, { status: 'RUNNING' })
      const counts = { SUCCESS: 2, FAILED: 1, SKIPPED: 0 }
      const done = expectOk(
        await backend.updateRun({
          id: run.id,
          expectedVersion: 1,
          status: 'SUCCESS',
          endedAt: run.createdAt + 9,
          taskCounts: counts,
        }),
      )
      expect(done.taskCounts).toEqual(counts)
      expect(await backend.getRun(run.id)).toEqual({
        ...run,
        status: 'SUCCESS',
        endedAt: run.createdAt + 9,
        taskCounts: counts,
        version: 2,
      })
      expect(run.taskCounts).toBeUndefined()
    },
  ),

  defineCase(
    'runs.update.conflict',
    'rejects a stale version as { ok: false, reason: "conflict" } and changes nothing',
    async ({ backend }) => {
      const run = await seedRun(backend)
      expectOk(await backend.updateRun({ id: run.id, expectedVersion: 1, status: 'RUNNING' }))
      expectFailed(
        await backend.updateRun({ id: run.id, expectedVersion: 1, status: 'FAILED' }),
        'conflict',
      )
      expectFailed(
        await backend.updateRun({ id: run.id, expectedVersion: 7, status: 'FAILED' }),
        'conflict',
      )
      expect(await backend.getRun(run.id)).toMatchObject({ status: 'RUNNING', version: 2 })
    },
  ),

  defineCase(
    'runs.update.not-found',
    'reports an unknown run as "not-found"',
    async ({ backend }) => {
      expectFailed(
        await backend.updateRun({ id: uniqueId('run'), expectedVersion: 1, status: 'RUNNING' }),
        'not-found',
      )
    },
  ),

  defineCase(
    'runs.update.lease',
    'sets owner and lease; leaseExpiresAt null clears the lease only; owner null clears owner AND lease',
    async ({ backend }) => {
      const run = await seedRun(backend, { status: 'RUNNING' })
      const held = expectOk(
        await backend.updateRun({
          id: run.id,
          expectedVersion: 1,
          owner: 'engine-a',
          leaseExpiresAt: 1_704_070_000_000,
        }),
      )
      expect(held).toMatchObject({ owner: 'engine-a', leaseExpiresAt: 1_704_070_000_000 })
      const noLease = expectOk(
        await backend.updateRun({ id: run.id, expectedVersion: 2, leaseExpiresAt: null }),
      )
      expect(noLease.owner).toBe('engine-a')
      expect(noLease.leaseExpiresAt).toBeUndefined()
      expectOk(
        await backend.updateRun({
          id: run.id,
          expectedVersion: 3,
          leaseExpiresAt: 1_704_080_000_000,
        }),
      )
      const released = expectOk(
        await backend.updateRun({ id: run.id, expectedVersion: 4, owner: null }),
      )
      expect(released.owner).toBeUndefined()
      expect(released.leaseExpiresAt).toBeUndefined()
      const stored = await backend.getRun(run.id)
      expect(stored).toEqual({ ...run, version: 5 })
    },
  ),

  defineCase(
    'runs.delete.before',
    'deletes runs created strictly before `before` (optionally of one pipeline) with their tasks and attempts',
    async ({ backend }) => {
      const p1 = uniqueId('pipe')
      const p2 = uniqueId('pipe')
      const old1 = await seedRun(backend, { pipelineId: p1, createdAt: 1000 })
      const old2 = await seedRun(backend, { pipelineId: p2, createdAt: 2000 })
      const edge = await seedRun(backend, { pipelineId: p1, createdAt: 3000 })
      const young = await seedRun(backend, { pipelineId: p2, createdAt: 4000 })
      expectOk(
        (
          await backend.updateTasks([
            taskUpdate(old1.id, 'extract', 1, {
              state: 'RUNNING',
              attempt: 1,
              attemptRecord: {
                runId: old1.id,
                taskId: 'extract',
                attempt: 1,
                state: 'RUNNING',
                startedAt: 1001,
              },
            }),
          ])
        )[0],
      )
      expect(await backend.deleteRuns({ before: 3000, pipelineId: p1 })).toBe(1)
      expect(await backend.getRun(old1.id)).toBeUndefined()
      expect(await backend.getTasks(old1.id)).toEqual([])
      expect(await backend.listAttempts(old1.id)).toEqual([])
      expect(await backend.getRun(old2.id)).toEqual(old2)
      expect(await backend.deleteRuns({ before: 3000 })).toBe(1)
      expect(await backend.getRun(old2.id)).toBeUndefined()
      expect(await backend.getRun(edge.id)).toEqual(edge)
      expect(await backend.getRun(young.id)).toEqual(young)
      expect(await backend.deleteRuns({ before: 0 })).toBe(0)
      expect((await backend.getTasks(edge.id)).length).toBe(3)
    },
    ['RunHistory'],
  ),
]
