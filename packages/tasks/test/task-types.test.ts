import { Pipeline, Task } from '@df/orchestration'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerDremioClient } from '../src/client-registry.js'
import { dq } from '../src/data-quality/checks.js'
import { DataQualityTask } from '../src/data-quality/data-quality-task.js'
import { DremioQueryTask } from '../src/dremio-query-task.js'
import { OptimizeTask, VacuumTask } from '../src/iceberg-tasks.js'
import '../src/task-types.js' // registers the library's task types, as importing @df/tasks does
import { registerTaskType, taskFromDescription } from '@df/orchestration'
import { type Harness, jobsWith, startHarness, uniqueFolder } from './emulator-harness.js'

let h: Harness
let f: string
beforeAll(async () => {
  h = await startHarness()
  f = uniqueFolder('types')
  await h.emu.query(`CREATE FOLDER ${f}`)
  await h.emu.query(`CREATE TABLE ${f}.t AS SELECT 1 AS id`)
})
afterAll(async () => {
  await h.close()
})

/** What crosses a process: JSON text of the description. */
function overTheWire(t: Task) {
  return JSON.parse(JSON.stringify({ name: t.name, type: t.type, options: t.options }))
}

describe('serialisable task descriptions', () => {
  it('store the client by name, never the client, its URL or its token', () => {
    const t = new DremioQueryTask({ name: 'q', client: h.client, sql: 'SELECT 1', retries: 1 })
    const text = JSON.stringify(overTheWire(t))
    expect(text).not.toContain('df-emulator-token')
    expect(text).not.toContain(h.emu.url)
    expect(overTheWire(t)).toEqual({
      name: 'q',
      type: 'dremio.query',
      options: { client: 'default', sql: 'SELECT 1' },
    })
  })

  it('rebuild every task type on a "worker" that resolves the client by name', async () => {
    const unregister = registerDremioClient('warehouse', h.client)
    try {
      const originals = [
        new DremioQueryTask({
          name: 'query',
          client: h.client,
          clientName: 'warehouse',
          sql: `SELECT '${f} {{ ds }}' AS marker`,
          context: [f],
          returnRows: { max: 1 },
        }),
        new OptimizeTask({ name: 'opt', client: 'warehouse', table: [f, 't'], minInputFiles: 2 }),
        new VacuumTask({
          name: 'vac',
          client: 'warehouse',
          table: [f, 't'],
          olderThan: new Date('2026-11-20T00:00:00Z'),
          retainLast: 2,
        }),
        new DataQualityTask({
          name: 'dq',
          client: 'warehouse',
          table: `${f}.t`,
          checks: [dq.not_null('id')],
        }),
      ]
      const rebuilt = originals.map((t) => taskFromDescription(overTheWire(t)))
      for (const [i, t] of rebuilt.entries()) {
        expect(t.type).toBe(originals[i]?.type)
        expect(t.options).toEqual(originals[i]?.options)
      }
      const p = new Pipeline('rebuilt').addTask(...rebuilt)
      const run = await p.run({ logicalDate: '2026-11-26T00:00:00Z' })
      await p.close()
      expect(run.status).toBe('SUCCESS')
      expect(run.tasks.query?.result).toMatchObject({ rows: [{ marker: `${f} 2026-11-26` }] })
      expect(jobsWith(h.emu, `VACUUM TABLE "${f}"."t"`)[0]?.sql).toBe(
        `VACUUM TABLE "${f}"."t" EXPIRE SNAPSHOTS older_than = '2026-11-20 00:00:00.000' retain_last = 2`,
      )
      expect(run.tasks.dq?.result).toMatchObject({ passed: true })
    } finally {
      unregister()
    }
  })

  it('fails clearly for an unregistered client name and an unknown type', async () => {
    const t = taskFromDescription({
      name: 'q',
      type: 'dremio.query',
      options: { client: 'nowhere', sql: 'SELECT 1' },
    })
    const p = new Pipeline('noclient').addTask(t)
    const run = await p.run()
    await p.close()
    expect(run.tasks.q?.error?.message).toContain(
      "No Dremio client is registered as 'nowhere': call registerDremioClient('nowhere', client)",
    )
    expect(() => taskFromDescription({ name: 'f', type: 'function' })).toThrow(
      /function tasks run only where the pipeline code is loaded/,
    )
    expect(() =>
      taskFromDescription({ name: 'q', type: 'dremio.query', options: { client: 'x' } }),
    ).toThrow(/sql must be SQL text/)
  })

  it('lets other task types register', () => {
    const factory = (d: { name: string }) =>
      new Task({ name: d.name, type: 'test.echo', run: () => 1 })
    registerTaskType('test.echo', factory)
    registerTaskType('test.echo', factory)
    expect(taskFromDescription({ name: 'e', type: 'test.echo' }).type).toBe('test.echo')
    expect(() => registerTaskType('test.echo', () => factory({ name: 'x' }))).toThrow(
      /already registered/,
    )
    expect(() => registerTaskType('dremio.query', () => factory({ name: 'x' }))).toThrow(
      /already registered/,
    )
  })
})
