/** Migrations on real MariaDB/MySQL: idempotent, and safe when several processes start at once. */
import { afterAll, describe, expect, it } from 'vitest'
import { MYSQL_MIGRATIONS } from '../src/index.js'
import { adminQuery, createDatabase, dropDatabase, newBackend, uniqueDatabase } from './helpers.js'

const databases: string[] = []
afterAll(async () => {
  for (const db of databases) await dropDatabase(db)
}, 60_000)

async function fresh(): Promise<string> {
  const db = uniqueDatabase()
  databases.push(db)
  await createDatabase(db)
  return db
}

async function versions(db: string): Promise<number[]> {
  const rows = (await adminQuery(
    `SELECT \`version\` FROM \`${db}\`.\`schema_version\` ORDER BY \`version\``,
  )) as { version: number }[]
  return rows.map((r) => r.version)
}

describe('mysql migrations', () => {
  it('applies every migration once when init() runs twice and on a second backend', async () => {
    const db = await fresh()
    const a = newBackend(db, 1)
    await a.init()
    await a.init()
    await a.close()
    const b = newBackend(db, 1)
    await b.init()
    await b.close()
    expect(await versions(db)).toEqual(MYSQL_MIGRATIONS.map((m) => m.version))
  })

  it('applies every migration once when four backends (four pools) init at the same time', async () => {
    const db = await fresh()
    const backends = Array.from({ length: 4 }, () => newBackend(db, 1))
    try {
      await Promise.all(backends.map((b) => b.init()))
      expect(await versions(db)).toEqual(MYSQL_MIGRATIONS.map((m) => m.version))
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

  it('repairs a half-applied migration and keeps existing data', async () => {
    const db = await fresh()
    const a = newBackend(db, 1)
    await a.setWatermark('k', { value: '1', type: 'number', updatedAt: 1 }, undefined)
    await a.close()
    // As if a process died after some DDL but before recording the version (DDL is not
    // transactional in MySQL): every statement must be re-runnable.
    await adminQuery(`DELETE FROM \`${db}\`.\`schema_version\``)
    const b = newBackend(db, 1)
    await b.init()
    expect(await b.getWatermark('k')).toEqual({ value: '1', type: 'number', updatedAt: 1 })
    expect(await versions(db)).toEqual(MYSQL_MIGRATIONS.map((m) => m.version))
    await b.close()
  })

  it('declares SKIP LOCKED claims on this server (MariaDB 10.6+ / MySQL 8.0.1+)', async () => {
    const db = await fresh()
    const backend = newBackend(db, 1)
    await backend.init()
    const [row] = (await adminQuery('SELECT VERSION() AS v')) as { v: string }[]
    const [major, minor] = row!.v.split('.').map(Number)
    const expected = /mariadb/i.test(row!.v)
      ? major! > 10 || (major === 10 && minor! >= 6)
      : major! >= 8
    expect(backend.capabilities.supportsLockingClaims).toBe(expected)
    await backend.close()
  })
})
