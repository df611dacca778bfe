/** Task instances and attempts: batch compare-and-set, null-clearing, atomic attempt upserts. */
import type { AttemptRecord } from '@df/orchestration'
import { expect } from 'vitest'
import { expectFailed, expectOk } from '../assertions.js'
import { type BackendCase, defineCase } from '../define-case.js'
import { seedRun, taskUpdate, uniqueId } from '../fixtures.js'

const attempt = (runId: string, taskId: string, n: number, extra: Partial<AttemptRecord> = {}) =>
  ({
    runId,
    taskId,
    attempt: n,
    state: 'RUNNING',
    startedAt: 1_704_067_200_000 + n,
    ...extra,
  }) as const

export const taskCases: readonly BackendCase[] = [
  defineCase('tasks.get.missing-run', 'getTasks of an unknown run is []', async ({ backend }) => {
    expect(await backend.getTasks(uniqueId('run'))).toEqual([])
  }),

  defineCase(
    'tasks.update.fields',
    'sets the given fields at the expected version, keeps the others, increments version',
    async ({ backend }) => {
      const run = await seedRun(backend)
      const [r1] = await backend.updateTasks([
        taskUpdate(run.id, 'transform', 1, { state: 'RUNNING', attempt: 1, startedAt: 10 }),
      ])
      expect(expectOk(r1)).toEqual({
        runId: run.id,
        taskId: 'transform',
        state: 'RUNNING',
        attempt: 1,
        startedAt: 10,
        version: 2,
      })
      const [r2] = await backend.updateTasks([
        taskUpdate(run.id, 'transform', 2, {
          state: 'UP_FOR_RETRY',
          endedAt: 20,
          nextAttemptAt: 30,
          error: {
            message: 'boom',
            name: 'DremioJobFailedError',
            code: 'DF_TASK_FAILED',
            stack: 'at x\n  at y',
          },
          reason: 'attempt 1 of 3 failed',
        }),
      ])
      const expected = {
        runId: run.id,
        taskId: 'transform',
        state: 'UP_FOR_RETRY',
        attempt: 1,
        startedAt: 10,
        endedAt: 20,
        nextAttemptAt: 30,
        error: {
          message: 'boom',
          name: 'DremioJobFailedError',
          code: 'DF_TASK_FAILED',
          stack: 'at x\n  at y',
        },
        reason: 'attempt 1 of 3 failed',
        version: 3,
      }
      expect(expectOk(r2)).toEqual(expected)
      const tasks = await backend.getTasks(run.id)
      expect(tasks.map((t) => t.taskId)).toEqual(['extract', 'transform', 'load'])
      expect(tasks[1]).toEqual(expected)
      expect(tasks[0]).toMatchObject({ state: 'PENDING', version: 1 })
    },
  ),

  defineCase(
    'tasks.update.clear',
    'null clears nextAttemptAt, error and reason; undefined keeps them',
    async ({ backend }) => {
      const run = await seedRun(backend)
      expectOk(
        (
          await backend.updateTasks([
            taskUpdate(run.id, 'load', 1, {
              state: 'UP_FOR_RETRY',
              nextAttemptAt: 99,
              error: { message: 'first failure' },
              reason: 'retrying',
            }),
          ])
        )[0],
      )
      const kept = expectOk(
        (await backend.updateTasks([taskUpdate(run.id, 'load', 2, { state: 'QUEUED' })]))[0],
      )
      expect(kept).toMatchObject({
        nextAttemptAt: 99,
        error: { message: 'first failure' },
        reason: 'retrying',
      })
      const cleared = expectOk(
        (
          await backend.updateTasks([
            taskUpdate(run.id, 'load', 3, { nextAttemptAt: null, error: null, reason: null }),
          ])
        )[0],
      )
      expect(cleared).toEqual({
        runId: run.id,
        taskId: 'load',
        state: 'QUEUED',
        attempt: 0,
        version: 4,
      })
      expect((await backend.getTasks(run.id))[2]).toEqual(cleared)
    },
  ),

  defineCase(
    'tasks.update.batch-independent',
    'each update in a batch succeeds or fails on its own; results come back in input order',
    async ({ backend }) => {
      const run = await seedRun(backend, { taskIds: ['a', 'b', 'c', 'd'] })
      const results = await backend.updateTasks([
        taskUpdate(run.id, 'a', 1, { state: 'QUEUED' }),
        taskUpdate(run.id, 'b', 5, { state: 'QUEUED' }),
        taskUpdate(run.id, 'nope', 1, { state: 'QUEUED' }),
        taskUpdate(uniqueId('run'), 'a', 1, { state: 'QUEUED' }),
        taskUpdate(run.id, 'd', 1, { state: 'SKIPPED', reason: 'branch not taken' }),
      ])
      expect(results).toHaveLength(5)
      expect(expectOk(results[0])).toMatchObject({ taskId: 'a', state: 'QUEUED', version: 2 })
      expectFailed(results[1], 'conflict')
      expectFailed(results[2], 'not-found')
      expectFailed(results[3], 'not-found')
      expect(expectOk(results[4])).toMatchObject({ taskId: 'd', state: 'SKIPPED', version: 2 })
      const tasks = await backend.getTasks(run.id)
      expect(tasks.map((t) => [t.taskId, t.state, t.version])).toEqual([
        ['a', 'QUEUED', 2],
        ['b', 'PENDING', 1],
        ['c', 'PENDING', 1],
        ['d', 'SKIPPED', 2],
      ])
    },
  ),

  defineCase(
    'tasks.update.batch-sequential',
    "updates of one task within a batch apply in order (the second may expect the first one's version)",
    async ({ backend }) => {
      const run = await seedRun(backend)
      const results = await backend.updateTasks([
        taskUpdate(run.id, 'extract', 1, { state: 'QUEUED' }),
        taskUpdate(run.id, 'extract', 2, { state: 'RUNNING', attempt: 1 }),
        taskUpdate(run.id, 'extract', 2, { state: 'FAILED' }),
      ])
      expect(expectOk(results[0]).version).toBe(2)
      expect(expectOk(results[1])).toMatchObject({ state: 'RUNNING', version: 3 })
      expectFailed(results[2], 'conflict')
      expect((await backend.getTasks(run.id))[0]).toMatchObject({ state: 'RUNNING', version: 3 })
    },
  ),

  defineCase('tasks.update.empty', 'an empty batch returns []', async ({ backend }) => {
    expect(await backend.updateTasks([])).toEqual([])
  }),

  defineCase(
    'tasks.attempts.upsert',
    'attempt records are upserted by (runId, taskId, attempt) and listed by task order then attempt',
    async ({ backend }) => {
      const run = await seedRun(backend, { taskIds: ['second', 'first'] })
      const a1 = attempt(run.id, 'first', 1, { worker: 'host:1' })
      const b1 = attempt(run.id, 'second', 1)
      const results = await backend.updateTasks([
        taskUpdate(run.id, 'first', 1, { state: 'RUNNING', attempt: 1, attemptRecord: a1 }),
        taskUpdate(run.id, 'second', 1, { state: 'RUNNING', attempt: 1, attemptRecord: b1 }),
      ])
      results.forEach(expectOk)
      const a1done: AttemptRecord = {
        ...a1,
        state: 'UP_FOR_RETRY',
        endedAt: a1.startedAt + 50,
        error: { message: 'timeout', name: 'TimeoutError', stack: 'Error: timeout\n    at run' },
        meta: { dremioJobId: '1a2b3c4d-0000-1111-2222-333344445555' },
        log: 'line 1\nline 2 ✓\n',
      }
      const a2 = attempt(run.id, 'first', 2, { worker: 'host:2' })
      expectOk(
        (await backend.updateTasks([taskUpdate(run.id, 'first', 2, { attemptRecord: a1done })]))[0],
      )
      expectOk(
        (
          await backend.updateTasks([
            taskUpdate(run.id, 'first', 3, { attempt: 2, attemptRecord: a2 }),
          ])
        )[0],
      )
      expect(await backend.listAttempts(run.id)).toEqual([b1, a1done, a2])
      expect(await backend.listAttempts(run.id, 'first')).toEqual([a1done, a2])
      expect(await backend.listAttempts(run.id, 'nope')).toEqual([])
      expect(await backend.listAttempts(uniqueId('run'))).toEqual([])
    },
    ['RunHistory'],
  ),

  defineCase(
    'tasks.attempts.atomic',
    'a task update that loses its compare-and-set writes no attempt record',
    async ({ backend }) => {
      const run = await seedRun(backend)
      const [lost] = await backend.updateTasks([
        taskUpdate(run.id, 'extract', 9, {
          state: 'RUNNING',
          attempt: 1,
          attemptRecord: attempt(run.id, 'extract', 1),
        }),
      ])
      expectFailed(lost, 'conflict')
      expect(await backend.listAttempts(run.id)).toEqual([])
      expect((await backend.getTasks(run.id))[0]).toMatchObject({
        state: 'PENDING',
        attempt: 0,
        version: 1,
      })
    },
    ['RunHistory'],
  ),

  defineCase(
    'tasks.attempts.meta',
    "an attempt's meta (what the task recorded about external work) round-trips as JSON, replaced whole",
    async ({ backend }) => {
      const run = await seedRun(backend)
      const first = attempt(run.id, 'extract', 1, {
        meta: { dremioJobId: 'job-1', statements: 2, ids: ['a', 'b'], nested: { ok: true } },
      })
      expectOk(
        (
          await backend.updateTasks([
            taskUpdate(run.id, 'extract', 1, {
              state: 'RUNNING',
              attempt: 1,
              attemptRecord: first,
            }),
          ])
        )[0],
      )
      expect(await backend.listAttempts(run.id)).toEqual([first])
      const replaced = {
        ...first,
        state: 'SUCCESS' as const,
        endedAt: first.startedAt + 1,
        meta: { dremioJobId: 'job-2' },
      }
      expectOk(
        (
          await backend.updateTasks([taskUpdate(run.id, 'extract', 2, { attemptRecord: replaced })])
        )[0],
      )
      expect(await backend.listAttempts(run.id)).toEqual([replaced])
    },
    ['RunHistory'],
  ),
]
