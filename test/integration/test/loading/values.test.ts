/**
 * `method: 'values'` end to end on the emulator: every awkward value (quotes, unicode, NULLs,
 * dates, timestamps, decimals, binary, 64-bit integers) round-trips exactly through real INSERT
 * statements; statements stay under the size cap; bad rows are reported by index and column.
 */
import type { DremioClient } from '@df/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, patClient, startEmulator, thrown, unique } from '../helpers.js'
import { createTable, DremioLoadError, insertRows, type LoadProgress } from './loading-api.js'

let emu: Emulator
let client: DremioClient
const space = unique('values')

beforeAll(async () => {
  emu = await startEmulator()
  client = patClient(emu)
  await emu.query(`CREATE FOLDER ${space}`)
}, 60_000)

afterAll(async () => {
  await client?.close()
  await emu?.close()
})

const awkward = [
  "O'Brien",
  "'; DROP TABLE x; --",
  'tab\tnew\nline \\ backslash',
  'emoji 😀 and ☃ and 日本語',
  '',
  'double "quotes"',
]

/** Reads back every column as text, so nothing is lost to JSON number parsing. */
async function readBack(table: string): Promise<Record<string, unknown>[]> {
  return client.query(
    `SELECT id, CAST(big AS VARCHAR) AS big, txt, CAST(amount AS VARCHAR) AS amount, ` +
      `d, ts, flag, ratio, bin ` +
      `FROM ${space}.${table} ORDER BY id`,
  )
}

describe("method: 'values'", () => {
  it('round-trips quotes, unicode, NULLs, dates, timestamps, decimals and binary exactly', async () => {
    await emu.query(
      `CREATE TABLE ${space}.rt (id INT, big BIGINT, txt VARCHAR, amount DECIMAL(18,4), ` +
        'd DATE, ts TIMESTAMP, flag BOOLEAN, ratio DOUBLE, bin VARBINARY)',
    )
    const rows = awkward.map((txt, i) => ({
      id: i,
      big: i === 0 ? 9007199254740993n : BigInt(-i) * 1_000_000_000_000n,
      txt,
      amount: i === 1 ? '-12345678901234.5678' : `${i}.${i}`,
      d: i === 2 ? null : new Date(Date.UTC(2024, 1, 29 - i)),
      ts: i === 3 ? null : new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678 + i)),
      flag: i % 2 === 0 ? true : i === 5 ? null : false,
      ratio: i === 4 ? null : i / 3,
      bin: i === 5 ? null : new Uint8Array([0, 255, 39, 10, i]),
    }))
    rows.push({
      id: 99,
      big: null as never,
      txt: null as never,
      amount: null as never,
      d: null,
      ts: null,
      flag: null,
      ratio: null,
      bin: null,
    })
    const result = await client.insert([space, 'rt'], rows, { method: 'values' })
    expect(result).toEqual({ method: 'values', rowsWritten: rows.length, statements: 1, files: 0 })
    const back = await readBack('rt')
    expect(back).toHaveLength(rows.length)
    back.forEach((r, i) => {
      const src = rows[i]!
      expect(r.id).toBe(src.id)
      expect(r.big).toBe(src.big === null ? null : String(src.big))
      expect(r.txt).toBe(src.txt)
      expect(r.d).toBe(src.d === null ? null : src.d.toISOString().slice(0, 10))
      expect(r.ts).toBe(
        src.ts === null ? null : src.ts.toISOString().replace('T', ' ').replace('Z', ''),
      )
      expect(r.flag).toBe(src.flag)
      expect(r.ratio).toBe(src.ratio)
      const bin = src.bin === null ? null : Buffer.from(src.bin).toString('base64')
      expect(r.bin).toBe(bin)
    })
    expect(back.map((r) => r.amount)).toEqual([
      '0.0000',
      '-12345678901234.5678',
      '2.2000',
      '3.3000',
      '4.4000',
      '5.5000',
      null,
    ])
  })

  it('creates a table from rows with inferred types and splits statements at the size cap', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => ({
      id: i,
      name: `row ${i} ${"'".repeat(i % 5)}`,
      ts: new Date(Date.UTC(2024, 0, 1) + i * 1000),
    }))
    const events: LoadProgress[] = []
    const result = await createTable(client, `${space}.created`, rows, {
      method: 'values',
      maxStatementBytes: 4096,
      onProgress: (p) => events.push(p),
    })
    expect(result.rowsWritten).toBe(500)
    expect(result.statements).toBeGreaterThan(5)
    expect(events.length).toBe(result.statements)
    expect(events.at(-1)).toEqual({
      method: 'values',
      phase: 'writing',
      rowsDone: 500,
      rowsTotal: 500,
    })
    const sqls = emu.jobs
      .list()
      .map((j) => j.sql)
      .filter((s) => s.includes('"created"') && s.startsWith('INSERT'))
    expect(sqls.length).toBe(result.statements)
    for (const s of sqls) expect(Buffer.byteLength(s)).toBeLessThanOrEqual(4096)
    const [count] = await client.query(
      `SELECT COUNT(*) AS n, MAX(name) AS mx FROM ${space}.created`,
    )
    expect(count).toEqual({ n: 500, mx: "row 99 ''''" })
    const cols = await client.query(`SELECT id, ts FROM ${space}.created WHERE id = 499`)
    expect(cols).toEqual([{ id: 499, ts: '2024-01-01 00:08:19.000' }])
  })

  it('reports the first bad row with its index and column, and writes nothing', async () => {
    await emu.query(`CREATE TABLE ${space}.strict (id INT, amount DECIMAL(5,2))`)
    const rows = [
      { id: 1, amount: '1.50' },
      { id: 2, amount: '123.456' },
    ]
    const error = await thrown(() => insertRows(client, `${space}.strict`, rows))
    expect(DremioLoadError.isLoadError(error)).toBe(true)
    expect(error).toMatchObject({ reason: 'DF_LOAD_INVALID_DATA', rowIndex: 1, column: 'amount' })
    expect(error.message).toMatch(/^\[@df\/client\] Row 1, column "amount"/)
    expect(await client.query(`SELECT COUNT(*) AS n FROM ${space}.strict`)).toEqual([{ n: 0 }])
  })

  it('drops the table again when the load of a create fails', async () => {
    // Columns come from the schema, so the table is created before row 2 turns out bad.
    const schema = (await client.queryArrow('SELECT CAST(1 AS INT) AS id')).schema
    const rows = [{ id: 1 }, { id: 2 }, { id: 'three' }]
    const error = await thrown(() =>
      createTable(client, `${space}.dropped`, rows, { method: 'values', schema }),
    )
    expect(error).toMatchObject({ reason: 'DF_LOAD_INVALID_DATA', rowIndex: 2, column: 'id' })
    const sqls = emu.jobs.list().map((j) => j.sql)
    expect(sqls).toContain(`CREATE TABLE "${space}"."dropped" ("id" INT)`)
    expect(sqls).toContain(`DROP TABLE IF EXISTS "${space}"."dropped"`)
    expect(await client.catalog.getByPath([space, 'dropped'])).toBeUndefined()
  })

  it('inserts nothing from empty input, and needs a schema to create from it', async () => {
    await emu.query(`CREATE TABLE ${space}.empty (id INT)`)
    expect(await insertRows(client, `${space}.empty`, [])).toEqual({
      method: 'values',
      rowsWritten: 0,
      statements: 0,
      files: 0,
    })
    async function* nothing() {}
    const error = await thrown(() => createTable(client, `${space}.never`, nothing()))
    expect(error).toMatchObject({ reason: 'DF_LOAD_INVALID_INPUT' })
    expect(await client.catalog.getByPath([space, 'never'])).toBeUndefined()
  })
})
