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
