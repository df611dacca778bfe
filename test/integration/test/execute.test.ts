/** DDL/DML through `client.execute()`: parsed result shapes of reference §12. */
import { type DremioClient, DremioJobFailedError, ident, quotePath, sql } from '@df/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, patClient, startEmulator, thrown } from './helpers.js'

let emu: Emulator
let client: DremioClient
const space = 'exec space'

beforeAll(async () => {
  emu = await startEmulator()
  client = patClient(emu)
  await client.catalog.createSpace(space)
}, 60_000)

afterAll(async () => {
  await client?.close()
  await emu?.close()
})

describe('execute', () => {
  it('parses CREATE / INSERT / UPDATE / DELETE / DROP results', async () => {
    const t = ident([space, 'orders'])
    expect(await client.execute(sql`CREATE TABLE ${t} (id INTEGER, name VARCHAR)`)).toMatchObject({
      kind: 'ddl',
      ok: true,
    })
    expect(
      await client.execute(
        sql`INSERT INTO ${t} VALUES (${1}, ${'a'}), (${2}, ${"O'Hara"}), (3, NULL)`,
      ),
    ).toEqual({ kind: 'dml', recordsAffected: 3 })
    expect(await client.execute(sql`UPDATE ${t} SET name = ${'z'} WHERE id >= ${2}`)).toEqual({
      kind: 'dml',
      recordsAffected: 2,
    })
    expect(await client.execute(sql`DELETE FROM ${t} WHERE id = ${3}`)).toEqual({
      kind: 'dml',
      recordsAffected: 1,
    })
    expect(await client.query(sql`SELECT id, name FROM ${t} ORDER BY id`)).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'z' },
    ])
    expect(await client.execute(sql`SELECT COUNT(*) AS c FROM ${t}`)).toEqual({
      kind: 'rows',
      rows: [{ c: 2 }],
    })
    const dropped = await client.execute(sql`DROP TABLE ${t}`)
    expect(dropped.kind).toBe('ddl')
  })

  it('parses CTAS, MERGE, OPTIMIZE and VACUUM results', async () => {
    const t = ident([space, 'ctas'])
    expect(
      await client.execute(sql`CREATE TABLE ${t} AS SELECT 1 AS id UNION ALL SELECT 2`),
    ).toEqual({
      kind: 'dml',
      recordsAffected: 2,
    })
    const merged = await client.execute(
      sql`MERGE INTO ${t} AS d USING (SELECT 2 AS id UNION ALL SELECT 3) AS s ON (d.id = s.id)
          WHEN MATCHED THEN UPDATE SET id = s.id WHEN NOT MATCHED THEN INSERT (id) VALUES (s.id)`,
    )
    expect(merged).toEqual({ kind: 'dml', recordsAffected: 2 })
    expect(await client.execute(sql`OPTIMIZE TABLE ${t}`)).toMatchObject({ kind: 'optimize' })
    const vacuum = await client.execute(sql`VACUUM TABLE ${t} EXPIRE SNAPSHOTS`)
    expect(vacuum.kind).toBe('vacuum')
    if (vacuum.kind === 'vacuum') expect(vacuum.counters).toHaveProperty('deletedDataFilesCount')
  })

  it('never runs SQL smuggled into an identifier', async () => {
    const victim = [space, 'victim']
    await client.execute(`CREATE TABLE ${quotePath(victim)} (id INTEGER)`)
    const evil = [space, 'x"; DROP TABLE "exec space"."victim"; --']
    const error = await thrown(() => client.query(sql`SELECT * FROM ${ident(evil)}`))
    expect(error).toBeInstanceOf(DremioJobFailedError)
    // The table the payload aimed at is still there.
    expect(await client.query(`SELECT COUNT(*) AS c FROM ${quotePath(victim)}`)).toEqual([{ c: 0 }])
  })

  it('reports a failing statement as a FAILED job', async () => {
    const error = await thrown(() => client.execute('DROP TABLE "exec space"."never_there"'))
    expect(error).toBeInstanceOf(DremioJobFailedError)
    expect(String(error.errorMessage)).not.toBe('')
  })
})
