/**
 * Schedules (`ScheduleStore`): put keeps the state unless the definition changed, get/list/
 * delete, and compare-and-set updates; plus the run fields scheduled runs carry (every backend).
 */
import type { ScheduleRecord } from '@df/orchestration'
import { expect } from 'vitest'
import { expectCode, expectFailed, expectOk } from '../assertions.js'
import { type BackendCase, defineCase } from '../define-case.js'
import { BASE_TIME, ensurePipeline, newRun, newSchedule, uniqueId } from '../fixtures.js'
import { scheduleClaimCases } from './schedule-claims.js'

const SPEC = { every: 60_000, timezone: 'UTC', catchup: 'latest', params: { region: 'eu' } }

export const scheduleCases: readonly BackendCase[] = [
  defineCase(
    'runs.create.schedule-fields',
    'stores the schedule id and the data interval of a scheduled run (every backend: they are run fields)',
    async ({ backend }) => {
      const input = newRun({
        trigger: 'schedule',
        scheduleId: `${uniqueId('sched')} "daily" ü`,
        logicalDate: '2026-03-28T01:00:00.000Z',
        dataIntervalStart: '2026-03-28T01:00:00.000Z',
        dataIntervalEnd: '2026-03-29T00:00:00.000Z',
        owner: 'engine-a',
        leaseExpiresAt: BASE_TIME,
        status: 'RUNNING',
      })
      await ensurePipeline(backend, input.pipelineId)
      const { tasks: _tasks, ...expected } = input
      expect(await backend.createRun(input)).toEqual({ ...expected, version: 1 })
      expect(await backend.getRun(input.id)).toEqual({ ...expected, version: 1 })
      const [claimed] = await backend.claimRuns({
        owner: 'engine-b',
        now: BASE_TIME + 1,
        leaseExpiresAt: BASE_TIME + 60_000,
        pipelineIds: [input.pipelineId],
        limit: 5,
      })
      expect(claimed).toMatchObject({
        scheduleId: input.scheduleId,
        dataIntervalStart: input.dataIntervalStart,
        dataIntervalEnd: input.dataIntervalEnd,
      })
      const updated = expectOk(
        await backend.updateRun({ id: input.id, expectedVersion: 2, status: 'SUCCESS' }),
      )
      expect(updated.scheduleId).toBe(input.scheduleId)
      expect(updated.dataIntervalEnd).toBe(input.dataIntervalEnd)
    },
  ),

  defineCase(
    'schedules.put.create',
    'a new schedule is stored as given: version 1, no waiting ticks, no owner',
    async ({ backend }) => {
      const input = newSchedule({ spec: { ...SPEC, cron: '0 2 * * *', note: 'ü “q”' } })
      const expected: ScheduleRecord = {
        id: input.id,
        pipelineId: input.pipelineId,
        spec: input.spec,
        specHash: input.specHash,
        paused: false,
        lastTick: input.lastTick,
        nextDueAt: input.nextDueAt as number,
        pending: [],
        updatedAt: input.updatedAt,
        version: 1,
      }
      expect(await backend.putSchedule(input)).toEqual(expected)
      expect(await backend.getSchedule(input.id)).toEqual(expected)
      const paused = newSchedule({ paused: true, nextDueAt: undefined })
      const { nextDueAt: _n, ...rest } = paused
      expect(await backend.putSchedule(paused)).toEqual({ ...rest, pending: [], version: 1 })
    },
    ['ScheduleStore'],
  ),

  defineCase(
    'schedules.put.keeps-state',
    'putting the same definition changes nothing; a changed one replaces spec and nextDueAt, keeps the state, version + 1',
    async ({ backend }) => {
      const first = await backend.putSchedule(newSchedule())
      const state = expectOk(
        await backend.updateSchedule({
          id: first.id,
          expectedVersion: 1,
          paused: true,
          lastTick: BASE_TIME + 120_000,
          pending: [BASE_TIME + 60_000, BASE_TIME + 120_000],
          lastRunId: 'run-1',
          updatedAt: BASE_TIME + 1,
        }),
      )
      const same = await backend.putSchedule(
        newSchedule({ id: first.id, lastTick: 5, nextDueAt: 7, paused: false, updatedAt: 9 }),
      )
      expect(same).toEqual(state)
      const changed = await backend.putSchedule(
        newSchedule({
          id: first.id,
          pipelineId: 'renamed',
          spec: { ...SPEC, every: 30_000 },
          specHash: 'sha256:changed',
          paused: false,
          lastTick: 5,
          nextDueAt: BASE_TIME + 150_000,
          updatedAt: BASE_TIME + 2,
        }),
      )
      expect(changed).toEqual({
        ...state,
        pipelineId: 'renamed',
        spec: { ...SPEC, every: 30_000 },
        specHash: 'sha256:changed',
        nextDueAt: BASE_TIME + 150_000,
        updatedAt: BASE_TIME + 2,
        version: state.version + 1,
      })
      expect(await backend.getSchedule(first.id)).toEqual(changed)
    },
    ['ScheduleStore'],
  ),

  defineCase(
    'schedules.get.missing',
    'an unknown schedule is undefined; deleting it is false',
    async ({ backend }) => {
      expect(await backend.getSchedule(uniqueId('sched'))).toBeUndefined()
      expect(await backend.deleteSchedule(uniqueId('sched'))).toBe(false)
    },
    ['ScheduleStore'],
  ),

  defineCase(
    'schedules.list.order',
    'lists by id, filters by pipeline, pages with a cursor; a bad limit is DF_OPTION_INVALID',
    async ({ backend }) => {
      const pipelineId = uniqueId('pipe')
      const prefix = uniqueId('sched')
      const ids = ['c', 'a', 'e', 'b', 'd'].map((x) => `${prefix}-${x}`)
      for (const id of ids) await backend.putSchedule(newSchedule({ id, pipelineId }))
      await backend.putSchedule(newSchedule({ id: `${prefix}-0`, pipelineId: uniqueId('pipe') }))
      const sorted = [...ids].sort()
      const first = await backend.listSchedules({ pipelineId, limit: 2 })
      expect(first.items.map((s) => s.id)).toEqual(sorted.slice(0, 2))
      expect(first.nextCursor).toBeDefined()
      const rest = await backend.listSchedules({ pipelineId, limit: 10, cursor: first.nextCursor })
      expect(rest.items.map((s) => s.id)).toEqual(sorted.slice(2))
      expect(rest.nextCursor).toBeUndefined()
      const all = (await backend.listSchedules({ limit: 1000 })).items.map((s) => s.id)
      expect(all).toEqual([...all].sort())
      expect(all).toContain(`${prefix}-0`)
      await expectCode(backend.listSchedules({ limit: 0 }), 'DF_OPTION_INVALID')
    },
    ['ScheduleStore'],
  ),

  defineCase(
    'schedules.update.cas',
    'updates on the expected version (version + 1), keeps fields left out; stale is conflict, missing is not-found',
    async ({ backend }) => {
      const s = await backend.putSchedule(newSchedule())
      const [claimed] = await backend.claimSchedules({
        owner: 'scheduler-a',
        now: s.nextDueAt as number,
        leaseExpiresAt: BASE_TIME + 600_000,
        ids: [s.id],
        limit: 1,
      })
      expect(claimed).toMatchObject({ owner: 'scheduler-a', version: 2 })
      const advanced = expectOk(
        await backend.updateSchedule({
          id: s.id,
          expectedVersion: 2,
          lastTick: BASE_TIME + 60_000,
          pending: [BASE_TIME + 60_000],
          nextDueAt: BASE_TIME + 61_000,
          lastRunId: 'run-7',
          owner: null,
          updatedAt: BASE_TIME + 60_500,
        }),
      )
      const { owner: _o, leaseExpiresAt: _l, ...unowned } = claimed as ScheduleRecord
      expect(advanced).toEqual({
        ...unowned,
        lastTick: BASE_TIME + 60_000,
        pending: [BASE_TIME + 60_000],
        nextDueAt: BASE_TIME + 61_000,
        lastRunId: 'run-7',
        updatedAt: BASE_TIME + 60_500,
        version: 3,
      })
      expect(await backend.getSchedule(s.id)).toEqual(advanced)
      expectFailed(
        await backend.updateSchedule({ id: s.id, expectedVersion: 2, paused: true, updatedAt: 1 }),
        'conflict',
      )
      expectFailed(
        await backend.updateSchedule({
          id: uniqueId('sched'),
          expectedVersion: 1,
          paused: true,
          updatedAt: 1,
        }),
        'not-found',
      )
      const ended = expectOk(
        await backend.updateSchedule({
          id: s.id,
          expectedVersion: 3,
          nextDueAt: null,
          pending: [],
          paused: true,
          updatedAt: BASE_TIME + 70_000,
        }),
      )
      expect(ended.nextDueAt).toBeUndefined()
      expect(ended).toMatchObject({ paused: true, pending: [], lastRunId: 'run-7', version: 4 })
      expect(await backend.getSchedule(s.id)).toEqual(ended)
    },
    ['ScheduleStore'],
  ),

  defineCase(
    'schedules.delete',
    'deletes one schedule (true), leaves the others and the runs it made',
    async ({ backend }) => {
      const a = await backend.putSchedule(newSchedule())
      const b = await backend.putSchedule(newSchedule())
      const run = newRun({ trigger: 'schedule', scheduleId: a.id })
      await ensurePipeline(backend, run.pipelineId)
      await backend.createRun(run)
      expect(await backend.deleteSchedule(a.id)).toBe(true)
      expect(await backend.getSchedule(a.id)).toBeUndefined()
      expect(await backend.getSchedule(b.id)).toEqual(b)
      expect((await backend.getRun(run.id))?.scheduleId).toBe(a.id)
    },
    ['ScheduleStore'],
  ),

  defineCase(
    'schedules.ids.awkward',
    'schedule ids with quotes, unicode, padding, case and 250 characters are stored exactly and never collide',
    async ({ backend }) => {
      const base = uniqueId('sched')
      const ids = [
        base,
        `${base} `,
        base.toUpperCase(),
        `${base}'; DROP TABLE x; --`,
        `${base}:日本:ключ`,
        `${base}${'s'.repeat(250 - base.length)}`,
      ]
      for (const [i, id] of ids.entries()) {
        await backend.putSchedule(newSchedule({ id, lastTick: i, spec: { ...SPEC, i } }))
      }
      for (const [i, id] of ids.entries()) {
        const stored = await backend.getSchedule(id)
        expect(stored?.id, id).toBe(id)
        expect(stored?.lastTick, id).toBe(i)
      }
    },
    ['ScheduleStore'],
  ),

  ...scheduleClaimCases,
]
