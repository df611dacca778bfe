/** Migrations on real PostgreSQL: idempotent, and safe when several processes start at once. */
import { afterAll, describe, expect, it } from 'vitest'
import { POSTGRES_MIGRATIONS } from '../src/index.js'
import { adminQuery, dropSchema, newBackend, uniqueSchema } from './helpers.js'

const schemas: string[] = []
afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema)
}, 60_000)

async function versions(schema: string): Promise<number[]> {
  const rows = await adminQuery<{ version: number }>(
    `SELECT "version" FROM "${schema}"."schema_version" ORDER BY "version"`,
  )
  return rows.map((r) => r.version)
}

describe('postgres migrations', () => {
  it('applies every migration once when init() runs twice and on a second backend', async () => {
    const schema = uniqueSchema()
    schemas.push(schema)
    const a = newBackend(schema, 1)
    await a.init()
    await a.init()
    await a.close()
    const b = newBackend(schema, 1)
    await b.init()
    await b.close()
    expect(await versions(schema)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version))
  })

  it('applies every migration once when four backends (four pools) init at the same time', async () => {
    const schema = uniqueSchema()
    schemas.push(schema)
    const backends = Array.from({ length: 4 }, () => newBackend(schema, 1))
    try {
      await Promise.all(backends.map((b) => b.init()))
      expect(await versions(schema)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version))
      // The schema is usable from every one of them.
      await backends[0]!.putPipeline({
        id: 'p',
        tasks: [],
        options: {},
        definitionHash: 'h',
        updatedAt: 1,
      })
      for (const b of backends) expect((await b.getPipeline('p'))?.id).toBe('p')
    } finally {
      await Promise.all(backends.map((b) => b.close()))
    }
  })

  it('keeps existing data when init() runs on a populated schema', async () => {
    const schema = uniqueSchema()
    schemas.push(schema)
    const a = newBackend(schema, 1)
    await a.setWatermark('k', { value: '1', type: 'number', updatedAt: 1 }, undefined)
    await a.close()
    const b = newBackend(schema, 1)
    await b.init()
    expect(await b.getWatermark('k')).toEqual({ value: '1', type: 'number', updatedAt: 1 })
    await b.close()
  })
})

describe('postgres migration 5', () => {
  it('drops only the task → run foreign key; a schema at version 4 upgrades and deleteRuns still removes tasks and attempts', async () => {
    const schema = uniqueSchema()
    schemas.push(schema)
    const a = newBackend(schema, 1)
    await a.init()
    await a.close()
    // Back to version 4 as an older release left it: the key restored, the record removed.
    await adminQuery(
      `ALTER TABLE "${schema}"."task_instances" ADD CONSTRAINT "task_instances_run_id_fkey"
        FOREIGN KEY ("run_id") REFERENCES "${schema}"."runs" ("id") ON DELETE CASCADE`,
    )
    await adminQuery(`DELETE FROM "${schema}"."schema_version" WHERE "version" = 5`)
    const keys = () =>
      adminQuery<{ conname: string }>(
        `SELECT c.conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
          WHERE n.nspname = $1 AND c.contype = 'f' ORDER BY c.conname`,
        [schema],
      ).then((rows) => rows.map((r) => r.conname))
    expect(await keys()).toEqual(['attempts_run_id_task_id_fkey', 'task_instances_run_id_fkey'])
    const b = newBackend(schema, 1)
    try {
      await b.init()
      expect(await keys()).toEqual(['attempts_run_id_task_id_fkey'])
      expect(await versions(schema)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version))
      const run = await b.createRun({
        id: 'r1',
        pipelineId: 'p',
        status: 'RUNNING',
        params: {},
        logicalDate: '2026-01-01T00:00:00.000Z',
        trigger: 'manual',
        definitionHash: 'h',
        createdAt: 1000,
        tasks: [{ taskId: 'a' }, { taskId: 'b' }],
      })
      const [won] = await b.updateTasks([
        {
          runId: run.id,
          taskId: 'a',
          expectedVersion: 1,
          state: 'RUNNING',
          attempt: 1,
          attemptRecord: { runId: run.id, taskId: 'a', attempt: 1, state: 'RUNNING', startedAt: 1 },
        },
      ])
      expect(won?.ok).toBe(true)
      expect(await b.deleteRuns({ before: 2000 })).toBe(1)
      const left = await adminQuery<{ n: number }>(
        `SELECT (SELECT count(*) FROM "${schema}"."task_instances")::int
          + (SELECT count(*) FROM "${schema}"."attempts")::int AS n`,
      )
      expect(left[0]?.n).toBe(0)
    } finally {
      await b.close()
    }
  })
})
