/**
 * Awkward ids and big batches: the original's MySQL backend broke on task names containing `"`
 * (reference §2.4), and SQL drivers have per-statement parameter limits a large run can hit.
 */
import { expect } from 'vitest'
import { expectOk } from '../assertions.js'
import { type BackendCase, defineCase } from '../define-case.js'
import { seedRun, taskUpdate, uniqueId } from '../fixtures.js'

const AWKWARD_IDS = [
  'with "double" quotes',
  "with 'single' quotes",
  'dots.and$dollars[0]',
  'back\\slash',
  'ünïcødé 日本語 🚀',
  '  padded  ',
  'UPPER',
  'upper',
  '%_like_wildcards_%',
  'x'.repeat(200),
]

export const sizeAndNameCases: readonly BackendCase[] = [
  defineCase(
    'runs.ids.awkward',
    'pipeline, run and task ids with quotes, dots, unicode, padding, case and 200 characters are stored exactly',
    async ({ backend }) => {
      const pipelineId = `${uniqueId('pipe')} "quoted" ü`
      const run = await seedRun(backend, {
        id: `${uniqueId('run')} 'quoted' ✓`,
        pipelineId,
        taskIds: AWKWARD_IDS,
      })
      expect((await backend.getPipeline(pipelineId))?.id).toBe(pipelineId)
      expect((await backend.getRun(run.id))?.id).toBe(run.id)
      expect((await backend.listRuns({ pipelineId })).items.map((r) => r.id)).toEqual([run.id])
      const results = await backend.updateTasks(
        AWKWARD_IDS.map((taskId, i) => taskUpdate(run.id, taskId, 1, { result: { i } })),
      )
      results.forEach((r, i) => {
        expect(expectOk(r).taskId, AWKWARD_IDS[i]).toBe(AWKWARD_IDS[i])
      })
      const tasks = await backend.getTasks(run.id)
      expect(tasks.map((t) => [t.taskId, t.result])).toEqual(
        AWKWARD_IDS.map((id, i) => [id, { i }]),
      )
      await backend.updateTasks([
        taskUpdate(run.id, 'upper', 2, {
          attemptRecord: {
            runId: run.id,
            taskId: 'upper',
            attempt: 1,
            state: 'RUNNING',
            startedAt: 1,
          },
        }),
      ])
      expect(await backend.listAttempts(run.id, 'UPPER')).toEqual([])
      expect(await backend.listAttempts(run.id, 'upper')).toHaveLength(1)
    },
    ['RunHistory'],
  ),

  defineCase(
    'runs.create.many-tasks',
    'creates a run with 5,000 task instances in one call (no per-statement parameter limit leaks out)',
    async ({ backend }) => {
      const taskIds = Array.from({ length: 5000 }, (_, i) => `task-${String(i).padStart(4, '0')}`)
      const run = await seedRun(backend, { taskIds: [...taskIds].reverse() })
      const tasks = await backend.getTasks(run.id)
      expect(tasks).toHaveLength(5000)
      expect(tasks.map((t) => t.taskId)).toEqual([...taskIds].reverse())
    },
  ),

  defineCase(
    'tasks.update.large-batch',
    'applies a batch of 2,000 updates (with attempt records) and returns 2,000 results in order',
    async ({ backend }) => {
      const taskIds = Array.from({ length: 2000 }, (_, i) => `t${i}`)
      const run = await seedRun(backend, { taskIds })
      const results = await backend.updateTasks(
        taskIds.map((taskId, i) =>
          taskUpdate(run.id, taskId, i % 100 === 7 ? 5 : 1, {
            state: 'RUNNING',
            attempt: 1,
            attemptRecord: { runId: run.id, taskId, attempt: 1, state: 'RUNNING', startedAt: i },
          }),
        ),
      )
      expect(results).toHaveLength(2000)
      results.forEach((r, i) => {
        if (i % 100 === 7) expect(r).toEqual({ ok: false, reason: 'conflict' })
        else expect(expectOk(r).taskId).toBe(taskIds[i])
      })
      expect(await backend.listAttempts(run.id)).toHaveLength(1980)
    },
    ['RunHistory'],
  ),
]
