/** Lifecycle: idempotent init and close, typed rejection after close, aborted signals. */
import {
  type FullBackend,
  hasRunControl,
  hasRunHistory,
  hasScheduleStore,
  hasWatermarkStore,
  OrchestrationError,
} from '@df/orchestration'
import { expect } from 'vitest'
import { expectCode, expectOk } from '../assertions.js'
import { type BackendCase, defineCase } from '../define-case.js'
import { newPipeline, newRun, newSchedule, seedRun, taskUpdate } from '../fixtures.js'

/**
 * One call of every data method the backend has (the required ones and those of the optional
 * interfaces it implements), so "every method" checks cannot miss a new one silently.
 */
function everyMethod(backend: FullBackend): Record<string, () => Promise<unknown>> {
  const calls: Record<string, () => Promise<unknown>> = {
    putPipeline: () => backend.putPipeline(newPipeline()),
    createRun: () => backend.createRun(newRun()),
    getRun: () => backend.getRun('r'),
    updateRun: () => backend.updateRun({ id: 'r', expectedVersion: 1, status: 'RUNNING' }),
    getTasks: () => backend.getTasks('r'),
    updateTasks: () => backend.updateTasks([taskUpdate('r', 't', 1, { state: 'QUEUED' })]),
    claimRuns: () => backend.claimRuns({ owner: 'o', now: 1, leaseExpiresAt: 2, limit: 1 }),
    renewLeases: () => backend.renewLeases({ owner: 'o', leaseExpiresAt: 2 }),
  }
  if (hasRunHistory(backend)) {
    calls.getPipeline = () => backend.getPipeline('p')
    calls.listPipelines = () => backend.listPipelines()
    calls.listRuns = () => backend.listRuns({})
    calls.deleteRuns = () => backend.deleteRuns({ before: 1 })
    calls.listAttempts = () => backend.listAttempts('r')
  }
  if (hasRunControl(backend)) {
    calls.requestCancel = () => backend.requestCancel({ runId: 'r', reason: 'x', at: 1 })
  }
  if (hasWatermarkStore(backend)) {
    calls.getWatermark = () => backend.getWatermark('k')
    calls.setWatermark = () =>
      backend.setWatermark('k', { value: '1', type: 'number', updatedAt: 1 }, undefined)
  }
  if (hasScheduleStore(backend)) {
    calls.putSchedule = () => backend.putSchedule(newSchedule())
    calls.getSchedule = () => backend.getSchedule('s')
    calls.listSchedules = () => backend.listSchedules()
    calls.claimSchedules = () =>
      backend.claimSchedules({ owner: 'o', now: 1, leaseExpiresAt: 2, ids: ['s'], limit: 1 })
    calls.updateSchedule = () =>
      backend.updateSchedule({ id: 's', expectedVersion: 1, paused: true, updatedAt: 1 })
    calls.deleteSchedule = () => backend.deleteSchedule('s')
    calls.countActiveRuns = () => backend.countActiveRuns({ pipelineId: 'p' })
  }
  return calls
}

/** The methods of each optional interface: a backend has all of them or none. */
const FEATURE_METHODS: Readonly<Record<string, readonly string[]>> = {
  RunHistory: ['getPipeline', 'listPipelines', 'listRuns', 'listAttempts', 'deleteRuns'],
  RunControl: ['requestCancel'],
  WatermarkStore: ['getWatermark', 'setWatermark'],
  ScheduleStore: [
    'putSchedule',
    'getSchedule',
    'listSchedules',
    'claimSchedules',
    'updateSchedule',
    'deleteSchedule',
    'countActiveRuns',
  ],
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
        expect(error.message, method).not.toBe('')
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
    'rejections are OrchestrationError (brand-checked) with a DF_ code and a message (asserted by code, never by wording)',
    async ({ backend }) => {
      const run = await seedRun(backend)
      let caught: unknown
      try {
        await backend.createRun(newRun({ id: run.id, pipelineId: run.pipelineId }))
      } catch (error) {
        caught = error
      }
      expect(OrchestrationError.is(caught)).toBe(true)
      expect((caught as OrchestrationError).code).toBe('DF_CONFLICT')
      expect((caught as OrchestrationError).message).not.toBe('')
    },
  ),

  defineCase(
    'lifecycle.features.whole',
    'implements each optional interface (RunHistory, RunControl, WatermarkStore, ScheduleStore) whole or not at all',
    async ({ backend }) => {
      for (const [feature, methods] of Object.entries(FEATURE_METHODS)) {
        const present = methods.filter(
          (m) => typeof (backend as unknown as Record<string, unknown>)[m] === 'function',
        )
        expect(
          present.length === 0 || present.length === methods.length,
          `${feature}: has ${present.join(', ')} of ${methods.join(', ')}`,
        ).toBe(true)
      }
    },
  ),
]
