/**
 * `describeStoredShapes`: checks of the stored shapes every SQL backend shares beyond the
 * conformance contract (a batch touching one task twice, nullable fields cleared with `null`,
 * lease renewal, cursors), and that an abort frees a call blocked on a row lock at once.
 */
import {
  createInProcessExecutor,
  type FullBackend,
  NonRetryableError,
  Pipeline,
  requireBackendFeature,
  Task,
} from '@df/orchestration'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DurabilityHarness } from './harness.js'
import { newRun } from './pool-races.js'

/**
 * Registers the stored-shape checks for one SQL backend on one store from
 * `harness.newStore('shapes')`, and (when the harness can hold a row lock) the abort check.
 */
export function describeStoredShapes(harness: DurabilityHarness): void {
  let url = ''
  let backend: FullBackend

  beforeAll(async () => {
    if (harness.skip === true) return
    url = await harness.newStore('shapes')
    backend = requireBackendFeature(
      await harness.open(url),
      'RunHistory',
      'describeStoredShapes',
    ) as FullBackend
    await backend.init()
  }, 60_000)

  afterAll(async () => {
    await backend?.close()
    await harness.cleanup?.()
  }, 60_000)

  describe.skipIf(harness.skip === true)(`stored shapes on one ${harness.label}`, () => {
    it('round-trips a pipeline definition and lists pipelines by id with a cursor', async () => {
      for (const id of ['b', 'a', 'C', 'ä']) {
        await backend.putPipeline({
          id,
          tasks: [
            { name: 'x', type: 'function', upstream: [], triggerRule: 'all_success', retries: 1 },
          ],
          options: { maxWorkers: 4 },
          definitionHash: `h-${id}`,
          updatedAt: 5,
        })
      }
      expect(await backend.getPipeline('a')).toStrictEqual({
        id: 'a',
        tasks: [
          { name: 'x', type: 'function', upstream: [], triggerRule: 'all_success', retries: 1 },
        ],
        options: { maxWorkers: 4 },
        definitionHash: 'h-a',
        updatedAt: 5,
      })
      const first = await backend.listPipelines({ limit: 2 })
      expect(first.items.map((p) => p.id)).toEqual(['C', 'a'])
      const second = await backend.listPipelines({ limit: 2, cursor: first.nextCursor! })
      expect(second.items.map((p) => p.id)).toEqual(['b', 'ä'])
      expect(second.nextCursor).toBeUndefined()
    })

    it('applies a batch touching the same task twice in order, with attempts', async () => {
      await backend.createRun(newRun('r-batch', 2))
      const results = await backend.updateTasks([
        { runId: 'r-batch', taskId: 't0', expectedVersion: 1, state: 'QUEUED' },
        {
          runId: 'r-batch',
          taskId: 't0',
          expectedVersion: 2,
          state: 'RUNNING',
          attempt: 1,
          startedAt: 10,
          attemptRecord: {
            runId: 'r-batch',
            taskId: 't0',
            attempt: 1,
            state: 'RUNNING',
            startedAt: 10,
          },
        },
        { runId: 'r-batch', taskId: 't1', expectedVersion: 7, state: 'QUEUED' },
        { runId: 'r-batch', taskId: 'nope', expectedVersion: 1, state: 'QUEUED' },
      ])
      expect(results.map((r) => (r.ok ? r.value.version : r.reason))).toEqual([
        2,
        3,
        'conflict',
        'not-found',
      ])
      const done = await backend.updateTasks([
        {
          runId: 'r-batch',
          taskId: 't0',
          expectedVersion: 3,
          state: 'SUCCESS',
          endedAt: 20,
          result: null,
          attemptRecord: {
            runId: 'r-batch',
            taskId: 't0',
            attempt: 1,
            state: 'SUCCESS',
            startedAt: 10,
            endedAt: 20,
            meta: { dremioJobId: 'job-1' },
            log: 'ok',
            worker: 'host:1',
          },
        },
      ])
      expect(done[0]).toStrictEqual({
        ok: true,
        value: {
          runId: 'r-batch',
          taskId: 't0',
          state: 'SUCCESS',
          attempt: 1,
          startedAt: 10,
          endedAt: 20,
          result: null,
          version: 4,
        },
      })
      expect(await backend.listAttempts('r-batch')).toStrictEqual([
        {
          runId: 'r-batch',
          taskId: 't0',
          attempt: 1,
          state: 'SUCCESS',
          startedAt: 10,
          endedAt: 20,
          meta: { dremioJobId: 'job-1' },
          log: 'ok',
          worker: 'host:1',
        },
      ])
    })

    it('clears nullable task fields with null and keeps absent ones', async () => {
      await backend.createRun(newRun('r-null', 1))
      const error = { message: 'boom', name: 'Error', stack: 'Error: boom\n  at x' }
      const set = await backend.updateTasks([
        {
          runId: 'r-null',
          taskId: 't0',
          expectedVersion: 1,
          state: 'UP_FOR_RETRY',
          nextAttemptAt: 99,
          error,
          reason: 'flaky',
        },
      ])
      expect(set[0]).toMatchObject({
        ok: true,
        value: { nextAttemptAt: 99, error, reason: 'flaky' },
      })
      const cleared = await backend.updateTasks([
        { runId: 'r-null', taskId: 't0', expectedVersion: 2, nextAttemptAt: null, error: null },
      ])
      expect(cleared[0]).toStrictEqual({
        ok: true,
        value: {
          runId: 'r-null',
          taskId: 't0',
          state: 'UP_FOR_RETRY',
          attempt: 0,
          reason: 'flaky',
          version: 3,
        },
      })
    })

    it("a run's result from run() is what the store holds (results, retries, errors, skips)", async () => {
      const p = new Pipeline('shapes-result', {
        backend,
        executor: createInProcessExecutor(),
      })
      const extract = new Task({ name: 'extract', run: () => ({ rows: 3, note: 'é"\'' }) })
      const flaky = new Task({
        name: 'flaky',
        retries: 1,
        retryDelay: 0,
        run: (ctx) => {
          if (ctx.attempt === 1) throw new Error('transient')
          return [1, 2]
        },
      })
      const broken = new Task({
        name: 'broken',
        run: () => {
          throw new NonRetryableError('bad input')
        },
      })
      const after = new Task({ name: 'after', run: () => 'unreached' })
      const cleanup = new Task({ name: 'cleanup', triggerRule: 'all_done', run: () => undefined })
      p.addTask(extract, flaky, broken, after, cleanup)
      extract.setDownstream(flaky)
      extract.setDownstream(broken)
      broken.setDownstream(after)
      after.setDownstream(cleanup)
      flaky.setDownstream(cleanup)
      try {
        const run = await p.run()
        // The only leaf (cleanup, all_done) succeeded, so the run did (Airflow's leaf rule).
        expect(run.status).toBe('SUCCESS')
        expect(run.tasks.broken?.error?.message).toContain('bad input')
        expect(run.tasks.after?.state).toBe('UPSTREAM_FAILED')
        expect(run.tasks.flaky).toMatchObject({ state: 'SUCCESS', attempt: 2, result: [1, 2] })
        expect(run).toStrictEqual(await p.getRun(run.id))
      } finally {
        await p.close()
      }
    })

    it('renews only unfinished runs without ids (version unchanged), and clears the lease with the owner', async () => {
      const run = await backend.createRun(newRun('r-lease', 0, { owner: 'e1', leaseExpiresAt: 50 }))
      await backend.createRun(
        newRun('r-lease-queued', 0, { owner: 'e1', leaseExpiresAt: 50, status: 'QUEUED' }),
      )
      await backend.createRun(
        newRun('r-lease-done', 0, { owner: 'e1', leaseExpiresAt: 50, status: 'SUCCESS' }),
      )
      expect(await backend.renewLeases({ owner: 'e1', leaseExpiresAt: 80 })).toEqual({
        renewed: ['r-lease', 'r-lease-queued'],
      })
      expect(await backend.getRun('r-lease')).toMatchObject({ leaseExpiresAt: 80, version: 1 })
      expect(await backend.getRun('r-lease-done')).toMatchObject({ leaseExpiresAt: 50, version: 1 })
      const cleared = await backend.updateRun({ id: run.id, expectedVersion: 1, owner: null })
      expect(cleared.ok && cleared.value).toMatchObject({ version: 2 })
      const stored = await backend.getRun('r-lease')
      expect(stored?.owner).toBeUndefined()
      expect(stored?.leaseExpiresAt).toBeUndefined()
    })

    it('rejects an unknown cursor and a limit below 1 with DF_OPTION_INVALID', async () => {
      await expect(backend.listRuns({ cursor: 'garbage' })).rejects.toMatchObject({
        code: 'DF_OPTION_INVALID',
      })
      await expect(backend.listRuns({ limit: 0 })).rejects.toMatchObject({
        code: 'DF_OPTION_INVALID',
      })
    })
  })

  const lockRunRow = harness.lockRunRow
  describe.skipIf(harness.skip === true || lockRunRow === undefined)(
    `abort while waiting on one ${harness.label}`,
    () => {
      it('an abort rejects a call blocked on a row lock with the reason, at once', async () => {
        await backend.createRun(newRun('r-abort', 0))
        // Another connection holds the run's row lock, so the update below blocks on it.
        const release = await lockRunRow!(url, 'r-abort')
        try {
          const controller = new AbortController()
          const call = backend.updateRun(
            { id: 'r-abort', expectedVersion: 1, message: 'late' },
            { signal: controller.signal },
          )
          const reason = new Error('stop waiting')
          controller.abort(reason)
          await expect(call).rejects.toBe(reason)
        } finally {
          await release()
        }
      })
    },
  )
}
