/** Lifecycle: idempotent init and close, typed rejection after close, aborted signals. */
import type { Backend } from '@df/orchestration'
import { OrchestrationError } from '@df/orchestration'
import { expect } from 'vitest'
import { expectCode, expectOk } from '../assertions.js'
import { type BackendCase, defineCase } from '../define-case.js'
import { newPipeline, newRun, seedRun, taskUpdate } from '../fixtures.js'

/** One call of every data method, so "every method" checks cannot miss a new one silently. */
function everyMethod(backend: Backend): Record<string, () => Promise<unknown>> {
  return {
    putPipeline: () => backend.putPipeline(newPipeline()),
    getPipeline: () => backend.getPipeline('p'),
    listPipelines: () => backend.listPipelines(),
    createRun: () => backend.createRun(newRun()),
    getRun: () => backend.getRun('r'),
    listRuns: () => backend.listRuns({}),
    updateRun: () => backend.updateRun({ id: 'r', expectedVersion: 1, status: 'RUNNING' }),
    deleteRuns: () => backend.deleteRuns({ before: 1 }),
    getTasks: () => backend.getTasks('r'),
    updateTasks: () => backend.updateTasks([taskUpdate('r', 't', 1, { state: 'QUEUED' })]),
    listAttempts: () => backend.listAttempts('r'),
    claimRuns: () => backend.claimRuns({ owner: 'o', now: 1, leaseExpiresAt: 2, limit: 1 }),
    renewLeases: () => backend.renewLeases({ owner: 'o', leaseExpiresAt: 2 }),
    getWatermark: () => backend.getWatermark('k'),
    setWatermark: () =>
      backend.setWatermark('k', { value: '1', type: 'number', updatedAt: 1 }, undefined),
  }
}

export const lifecycleCases: readonly BackendCase[] = [
  defineCase(
    'lifecycle.identity',
    'has a non-empty name and boolean capabilities',
    async ({ backend }) => {
      expect(backend.name).toMatch(/^\S+$/)
      expect(typeof backend.capabilities.supportsLockingClaims).toBe('boolean')
      expect(typeof backend.capabilities.supportsMultipleProcesses).toBe('boolean')
    },
  ),

  defineCase(
    'lifecycle.init.idempotent',
    'init() again (and twice in parallel) succeeds and keeps the stored data',
    async ({ backend }) => {
      const run = await seedRun(backend)
      await backend.init()
      await Promise.all([backend.init(), backend.init()])
      expect(await backend.getRun(run.id)).toEqual(run)
    },
  ),

  defineCase(
    'lifecycle.close.idempotent',
    'close() twice, and in parallel, resolves',
    async ({ backend }) => {
      await backend.close()
      await backend.close()
      await Promise.all([backend.close(), backend.close()])
    },
  ),

  defineCase(
    'lifecycle.closed.rejects',
    'after close(), every method (init included) rejects with DF_BACKEND_CLOSED',
    async ({ backend }) => {
      await seedRun(backend)
      await backend.close()
      for (const [method, call] of Object.entries(everyMethod(backend))) {
        const error = await expectCode(call(), 'DF_BACKEND_CLOSED')
        expect(error.message, method).toMatch(/^\[@df\//)
      }
      await expectCode(backend.init(), 'DF_BACKEND_CLOSED')
    },
  ),

  defineCase(
    'lifecycle.signal.aborted',
    "an already-aborted signal rejects with the signal's reason and writes nothing",
    async ({ backend }) => {
      const reason = new Error('stop now')
      const signal = AbortSignal.abort(reason)
      const run = newRun()
      await backend.putPipeline(newPipeline({ id: run.pipelineId }))
      await expect(backend.createRun(run, { signal })).rejects.toBe(reason)
      expect(await backend.getRun(run.id)).toBeUndefined()
      await expect(backend.getRun(run.id, { signal })).rejects.toBe(reason)
      const stored = await backend.createRun(run)
      await expect(
        backend.updateTasks([taskUpdate(run.id, 'extract', 1, { state: 'QUEUED' })], { signal }),
      ).rejects.toBe(reason)
      expect((await backend.getTasks(run.id))[0]?.version).toBe(1)
      expectOk(await backend.updateRun({ id: stored.id, expectedVersion: 1, status: 'RUNNING' }))
    },
  ),

  defineCase(
    'lifecycle.errors.typed',
    'rejections are OrchestrationError (brand-checked) with a DF_ code and a [@df/…] message',
    async ({ backend }) => {
      const run = await seedRun(backend)
      let caught: unknown
      try {
        await backend.createRun(newRun({ id: run.id, pipelineId: run.pipelineId }))
      } catch (error) {
        caught = error
      }
      expect(OrchestrationError.is(caught)).toBe(true)
      expect((caught as OrchestrationError).code).toMatch(/^DF_[A-Z_]+$/)
      expect((caught as OrchestrationError).message).toMatch(/^\[@df\//)
    },
  ),
]
