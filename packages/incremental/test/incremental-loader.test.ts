/**
 * IncrementalLoader against @df/emulator with real SQL: typed watermarks, runs that insert
 * nothing the second time, loud failures when the watermark cannot be read, lookback without
 * duplicates, a merge that updates and inserts, and an `@df/orchestration` memory backend used
 * as the `WatermarkStore` (proof that the structural contract fits).
 */
import { DremioClient } from '@df/client'
import { createEmulator } from '@df/emulator'
import { createMemoryBackend } from '@df/orchestration'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IncrementalError, IncrementalLoader, type WatermarkStore } from '../src/index.js'

type Emulator = Awaited<ReturnType<typeof createEmulator>>
let emu: Emulator
let client: DremioClient
const sp = `inc_${process.pid}_${Math.random().toString(36).slice(2, 8)}`

beforeAll(async () => {
  emu = await createEmulator({ port: 0 })
  client = new DremioClient({
    url: emu.url,
    pat: 'df-emulator-token',
    retry: { retries: 1, minDelayMs: 1, maxDelayMs: 5 },
  })
  await emu.query(`CREATE FOLDER ${sp}`)
}, 60_000)

afterAll(async () => {
  await client?.close()
  await emu?.close()
})

async function count(table: string): Promise<number> {
  const [row] = await client.query(`SELECT COUNT(*) AS n FROM ${sp}.${table}`)
  return row?.n as number
}

async function thrown(fn: () => Promise<unknown>): Promise<IncrementalError> {
  try {
    await fn()
  } catch (error) {
    return error as IncrementalError
  }
  throw new Error('expected a failure')
}

describe('loadIncremental', () => {
  it('loads everything into an empty target, then only newer rows, then nothing', async () => {
    await emu.query(`CREATE TABLE ${sp}.src (id INT, "event time" TIMESTAMP, note VARCHAR)`)
    await emu.query(`CREATE TABLE ${sp}.dst (id INT, "event time" TIMESTAMP, note VARCHAR)`)
    await emu.query(
      `INSERT INTO ${sp}.src VALUES (1, TIMESTAMP '2024-01-01 10:00:00.100', 'a'), ` +
        `(2, TIMESTAMP '2024-01-01 10:00:00.200', 'O''Brien')`,
    )
    const loader = new IncrementalLoader(client)
    const opts = { source: [sp, 'src'], target: `${sp}.dst`, watermarkColumn: 'event time' }
    const first = await loader.loadIncremental(opts)
    expect(first).toMatchObject({ rowsInserted: 2, fullLoad: true, previousWatermark: undefined })
    expect(first.watermark).toMatchObject({ type: 'timestamp', value: '2024-01-01T10:00:00.200Z' })

    const second = await loader.loadIncremental(opts)
    expect(second).toMatchObject({ rowsInserted: 0, fullLoad: false })
    expect(await count('dst')).toBe(2)

    // A row 1 ms newer than the watermark is picked up; the typed literal keeps milliseconds.
    await emu.query(`INSERT INTO ${sp}.src VALUES (3, TIMESTAMP '2024-01-01 10:00:00.201', 'c')`)
    const third = await loader.loadIncremental(opts)
    expect(third.rowsInserted).toBe(1)
    const sql = emu.jobs
      .list()
      .map((j) => j.sql)
      .filter((s) => s.startsWith(`INSERT INTO "${sp}"."dst"`))
    expect(sql.at(-1)).toBe(
      `INSERT INTO "${sp}"."dst" ("id", "event time", "note") SELECT "id", "event time", "note" ` +
        `FROM "${sp}"."src" WHERE "event time" > TIMESTAMP '2024-01-01 10:00:00.200'`,
    )
    expect((await loader.loadIncremental(opts)).rowsInserted).toBe(0)
    expect(await count('dst')).toBe(3)
  })

  it('compares numbers exactly (BIGINT beyond 2^53, DECIMAL) and strings as strings', async () => {
    await emu.query(`CREATE TABLE ${sp}.nsrc (id BIGINT, amount DECIMAL(20,3), code VARCHAR)`)
    await emu.query(`CREATE TABLE ${sp}.ndst (id BIGINT, amount DECIMAL(20,3), code VARCHAR)`)
    await emu.query(
      `INSERT INTO ${sp}.nsrc VALUES (9007199254740993, 1.001, 'b'), (9007199254740994, 1.002, 'c')`,
    )
    await emu.query(`INSERT INTO ${sp}.ndst VALUES (9007199254740993, 1.001, 'b')`)
    const loader = new IncrementalLoader(client)
    const byId = await loader.loadIncremental({
      source: `${sp}.nsrc`,
      target: `${sp}.ndst`,
      watermarkColumn: 'id',
    })
    // A JSON number would have rounded 9007199254740993 to ...992 and re-inserted the row.
    expect(byId.previousWatermark).toMatchObject({ type: 'number', value: '9007199254740993' })
    expect(byId.rowsInserted).toBe(1)
    const byAmount = await loader.loadIncremental({
      source: `${sp}.nsrc`,
      target: `${sp}.ndst`,
      watermarkColumn: 'amount',
    })
    expect(byAmount).toMatchObject({ rowsInserted: 0, previousWatermark: { value: '1.002' } })
    const byCode = await loader.loadIncremental({
      source: `${sp}.nsrc`,
      target: `${sp}.ndst`,
      watermarkColumn: 'code',
    })
    expect(byCode).toMatchObject({
      rowsInserted: 0,
      previousWatermark: { type: 'string', value: 'c' },
    })
  })

  it('fails loudly, inserting nothing, when the watermark cannot be read', async () => {
    await emu.query(`CREATE TABLE ${sp}.esrc (id INT, ts TIMESTAMP)`)
    await emu.query(`CREATE TABLE ${sp}.edst (id INT, ts TIMESTAMP)`)
    await emu.query(`INSERT INTO ${sp}.esrc VALUES (1, TIMESTAMP '2024-01-01 00:00:00')`)
    await emu.query(`INSERT INTO ${sp}.edst VALUES (1, TIMESTAMP '2024-01-01 00:00:00')`)
    const loader = new IncrementalLoader(client)
    const base = { source: `${sp}.esrc`, target: `${sp}.edst` }

    const wrongColumn = await thrown(() =>
      loader.loadIncremental({ ...base, watermarkColumn: 'tss' }),
    )
    expect(IncrementalError.isIncrementalError(wrongColumn)).toBe(true)
    expect(wrongColumn.reason).toBe('DF_INCREMENTAL_WATERMARK_UNREADABLE')
    expect(wrongColumn.code).toBe('DF_DREMIO_JOB_FAILED')
    expect(wrongColumn.message).toMatch(/^\[@df\/incremental\] Cannot read the watermark/)

    // Dremio unavailable while reading the watermark (503 on every request, retries exhausted).
    emu.setFaults({ rate: 1, statuses: [503], paths: /\/sql$/ })
    const down = await thrown(() => loader.loadIncremental({ ...base, watermarkColumn: 'ts' }))
    emu.setFaults(undefined)
    expect(down).toMatchObject({
      reason: 'DF_INCREMENTAL_WATERMARK_UNREADABLE',
      code: 'DF_DREMIO_SERVER',
    })

    // Rows present but every watermark NULL: a full reload would duplicate them.
    await emu.query(`UPDATE ${sp}.edst SET ts = NULL`)
    const nulls = await thrown(() => loader.loadIncremental({ ...base, watermarkColumn: 'ts' }))
    expect(nulls.reason).toBe('DF_INCREMENTAL_WATERMARK_UNREADABLE')
    expect(nulls.message).toMatch(/NULL in all of them/)

    const failingStore: WatermarkStore = {
      getWatermark: async () => {
        throw new Error('store offline')
      },
      setWatermark: async () => ({ ok: false, reason: 'conflict' }),
    }
    await emu.query(`UPDATE ${sp}.edst SET ts = TIMESTAMP '2024-01-01 00:00:00'`)
    const store = await thrown(() =>
      new IncrementalLoader(client, { stateStore: failingStore }).loadIncremental({
        ...base,
        watermarkColumn: 'ts',
      }),
    )
    expect(store.reason).toBe('DF_INCREMENTAL_WATERMARK_UNREADABLE')
    expect(await count('edst')).toBe(1)
  })

  it('re-reads a lookback window without duplicating rows (insert-only MERGE on keys)', async () => {
    await emu.query(`CREATE TABLE ${sp}.lsrc (id INT, ts TIMESTAMP)`)
    await emu.query(`CREATE TABLE ${sp}.ldst (id INT, ts TIMESTAMP)`)
    await emu.query(
      `INSERT INTO ${sp}.lsrc VALUES (1, TIMESTAMP '2024-01-01 10:00:00'), (2, TIMESTAMP '2024-01-01 11:00:00')`,
    )
    const loader = new IncrementalLoader(client)
    const opts = {
      source: `${sp}.lsrc`,
      target: `${sp}.ldst`,
      watermarkColumn: 'ts',
      keys: ['id'],
      lookback: 3_600_000,
    }
    expect((await loader.loadIncremental(opts)).rowsInserted).toBe(2)
    // A late row, older than the watermark but inside the lookback window.
    await emu.query(`INSERT INTO ${sp}.lsrc VALUES (3, TIMESTAMP '2024-01-01 10:30:00')`)
    expect((await loader.loadIncremental(opts)).rowsInserted).toBe(1)
    expect(await count('ldst')).toBe(3)
    const noKeys = await thrown(() => loader.loadIncremental({ ...opts, keys: [] }))
    expect(noKeys.reason).toBe('DF_INCREMENTAL_INVALID_INPUT')
  })

  it('keeps the watermark in an @df/orchestration backend (structural WatermarkStore)', async () => {
    await emu.query(`CREATE TABLE ${sp}.ssrc (id INT, d DATE)`)
    await emu.query(`CREATE TABLE ${sp}.sdst (id INT, d DATE)`)
    await emu.query(`INSERT INTO ${sp}.ssrc VALUES (1, DATE '2024-03-01'), (2, DATE '2024-03-02')`)
    const backend = createMemoryBackend()
    await backend.init()
    const loader = new IncrementalLoader(client, { stateStore: backend, now: () => 42 })
    const opts = {
      source: `${sp}.ssrc`,
      target: `${sp}.sdst`,
      watermarkColumn: 'd',
      stateKey: 'sdst',
    }
    expect((await loader.loadIncremental(opts)).rowsInserted).toBe(2)
    expect(await backend.getWatermark('sdst')).toEqual({
      value: '2024-03-02T00:00:00.000Z',
      type: 'timestamp',
      updatedAt: 42,
    })
    expect((await loader.loadIncremental(opts)).rowsInserted).toBe(0)
    // The stored watermark wins over the target's MAX: rewinding it re-loads the newer day.
    await backend.setWatermark(
      'sdst',
      { value: '2024-03-01T00:00:00.000Z', type: 'timestamp', updatedAt: 1 },
      await backend.getWatermark('sdst'),
    )
    await emu.query(`DELETE FROM ${sp}.sdst WHERE id = 2`)
    expect((await loader.loadIncremental(opts)).rowsInserted).toBe(1)
    expect((await backend.getWatermark('sdst'))?.value).toBe('2024-03-02T00:00:00.000Z')
    await backend.close()
  })
})

describe('merge', () => {
  it('updates matching rows and inserts the others, with quoted identifiers', async () => {
    await emu.query(
      `CREATE TABLE ${sp}.mdst ("order id" INT, status VARCHAR, amount DECIMAL(10,2))`,
    )
    await emu.query(
      `CREATE TABLE ${sp}.msrc ("order id" INT, status VARCHAR, amount DECIMAL(10,2))`,
    )
    await emu.query(
      `INSERT INTO ${sp}.mdst VALUES (1, 'new', 10.00), (2, 'new', 20.00), (3, 'new', 30.00)`,
    )
    await emu.query(
      `INSERT INTO ${sp}.msrc VALUES (2, 'shipped', 21.50), (3, 'it''s late', 30.00), (4, 'new', 40.00)`,
    )
    const loader = new IncrementalLoader(client)
    const result = await loader.merge({
      source: `${sp}.msrc`,
      target: [sp, 'mdst'],
      on: ['order id'],
    })
    expect(result.rowsAffected).toBe(3)
    const rows = await client.query(
      `SELECT "order id" AS id, status, CAST(amount AS VARCHAR) AS amount FROM ${sp}.mdst ORDER BY 1`,
    )
    expect(rows).toEqual([
      { id: 1, status: 'new', amount: '10.00' },
      { id: 2, status: 'shipped', amount: '21.50' },
      { id: 3, status: "it's late", amount: '30.00' },
      { id: 4, status: 'new', amount: '40.00' },
    ])
    const sql = emu.jobs
      .list()
      .map((j) => j.sql)
      .find((s) => s.startsWith(`MERGE INTO "${sp}"."mdst"`))
    expect(sql).toBe(
      `MERGE INTO "${sp}"."mdst" AS "target" USING "${sp}"."msrc" AS "source" ON ` +
        `("target"."order id" = "source"."order id") WHEN MATCHED THEN UPDATE SET ` +
        `"status" = "source"."status", "amount" = "source"."amount" WHEN NOT MATCHED THEN ` +
        `INSERT ("order id", "status", "amount") VALUES ("source"."order id", "source"."status", "source"."amount")`,
    )
  })

  it('updates only the given columns and can skip inserts', async () => {
    await emu.query(`CREATE TABLE ${sp}.m2 (id INT, a VARCHAR, b VARCHAR)`)
    await emu.query(`CREATE TABLE ${sp}.m2src (id INT, a VARCHAR, b VARCHAR)`)
    await emu.query(`INSERT INTO ${sp}.m2 VALUES (1, 'a1', 'b1')`)
    await emu.query(`INSERT INTO ${sp}.m2src VALUES (1, 'A1', 'B1'), (2, 'A2', 'B2')`)
    const loader = new IncrementalLoader(client)
    const result = await loader.merge({
      source: `${sp}.m2src`,
      target: `${sp}.m2`,
      on: ['id'],
      updateColumns: ['a'],
      insertColumns: [],
    })
    expect(result.rowsAffected).toBe(1)
    expect(await client.query(`SELECT * FROM ${sp}.m2 ORDER BY id`)).toEqual([
      { id: 1, a: 'A1', b: 'b1' },
    ])
  })
})
