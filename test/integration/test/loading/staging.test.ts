/**
 * `method: 'staging'` end to end: Parquet files written with parquet-wasm into the emulator's
 * NAS source directory, one `COPY INTO … FROM '@lake/…'`, the staging area removed afterwards,
 * also when the COPY fails. Includes the 1,000,000-row load of issue 5.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DremioClient } from '@df/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, patClient, startEmulator, thrown, unique } from '../helpers.js'
import {
  createLocalDirectoryStager,
  createTable,
  DremioLoadError,
  insertRows,
  type LoadProgress,
  type Stager,
} from './loading-api.js'

let emu: Emulator
let client: DremioClient
let lake: string
let stager: Stager
const space = unique('staging')

beforeAll(async () => {
  lake = mkdtempSync(join(tmpdir(), 'df-loading-'))
  emu = await startEmulator({ sources: { lake } })
  client = patClient(emu)
  stager = createLocalDirectoryStager({ directory: lake, source: 'lake' })
  await emu.query(`CREATE FOLDER ${space}`)
}, 60_000)

afterAll(async () => {
  await client?.close()
  await emu?.close()
  if (lake) rmSync(lake, { recursive: true, force: true })
})

/** Everything left under the source directory (staging areas must be gone). */
function leftovers(): string[] {
  return readdirSync(lake, { recursive: true }).map(String)
}

describe("method: 'staging'", () => {
  it('round-trips typed values through Parquet and COPY INTO, and cleans up', async () => {
    await emu.query(
      `CREATE TABLE ${space}.typed (id INT, big BIGINT, txt VARCHAR, amount DECIMAL(18,4), ` +
        'd DATE, ts TIMESTAMP, flag BOOLEAN, ratio DOUBLE, bin VARBINARY)',
    )
    const rows = [
      {
        id: 1,
        big: 9007199254740993n,
        txt: "O'Brien 😀 ☃",
        amount: '-12345678901234.5678',
        d: '2024-02-29',
        ts: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)),
        flag: true,
        ratio: 1 / 3,
        bin: new Uint8Array([0, 255, 39]),
      },
      {
        id: 2,
        big: null,
        txt: null,
        amount: null,
        d: null,
        ts: null,
        flag: null,
        ratio: null,
        bin: null,
      },
    ]
    const result = await insertRows(client, `${space}.typed`, rows, { method: 'staging', stager })
    expect(result).toEqual({ method: 'staging', rowsWritten: 2, statements: 1, files: 1 })
    const back = await client.query(
      `SELECT id, CAST(big AS VARCHAR) AS big, txt, CAST(amount AS VARCHAR) AS amount, d, ts, ` +
        `flag, ratio, bin FROM ${space}.typed ORDER BY id`,
    )
    expect(back).toEqual([
      {
        id: 1,
        big: '9007199254740993',
        txt: "O'Brien 😀 ☃",
        amount: '-12345678901234.5678',
        d: '2024-02-29',
        ts: '2024-01-02 03:04:05.678',
        flag: true,
        ratio: 1 / 3,
        bin: Buffer.from([0, 255, 39]).toString('base64'),
      },
      {
        id: 2,
        big: null,
        txt: null,
        amount: null,
        d: null,
        ts: null,
        flag: null,
        ratio: null,
        bin: null,
      },
    ])
    const copy = emu.jobs.list().find((j) => j.sql.startsWith(`COPY INTO "${space}"."typed"`))
    expect(copy?.sql).toMatch(/FROM '@lake\/_df_staging\/[0-9a-f-]{36}' FILE_FORMAT 'parquet'$/)
    expect(leftovers()).toEqual([])
  })

  it('creates a table with a schema mapped from an Arrow table (precision kept)', async () => {
    const source = await client.queryArrow(
      `SELECT CAST(1 AS INT) AS i, CAST(2 AS BIGINT) AS b, CAST(12.345 AS DECIMAL(9,3)) AS dec, ` +
        `DATE '2024-05-01' AS d, TIMESTAMP '2024-05-01 10:00:00.250' AS ts, 'x' AS s, TRUE AS f, ` +
        `CAST(0.5 AS DOUBLE) AS r`,
    )
    const result = await client.create([space, 'from_arrow'], source, {
      method: 'staging',
      stager,
    })
    expect(result.rowsWritten).toBe(1)
    const create = emu.jobs
      .list()
      .find((j) => j.sql.startsWith(`CREATE TABLE "${space}"."from_arrow"`))
    expect(create?.sql).toBe(
      `CREATE TABLE "${space}"."from_arrow" ("i" INT, "b" BIGINT, "dec" DECIMAL(9,3), "d" DATE, ` +
        '"ts" TIMESTAMP, "s" VARCHAR, "f" BOOLEAN, "r" DOUBLE)',
    )
    const [row] = await client.query(
      `SELECT i, b, CAST(dec AS VARCHAR) AS dec, d, ts, s, f, r FROM ${space}.from_arrow`,
    )
    expect(row).toEqual({
      i: 1,
      b: 2,
      dec: '12.345',
      d: '2024-05-01',
      ts: '2024-05-01 10:00:00.250',
      s: 'x',
      f: true,
      r: 0.5,
    })
    expect(leftovers()).toEqual([])
  })

  it('removes the staged files when the COPY fails, and reports why', async () => {
    // The target does not exist: Dremio fails the COPY after the files were staged.
    const rows = Array.from({ length: 10 }, (_, i) => ({ id: i }))
    const schema = (await client.queryArrow('SELECT CAST(1 AS BIGINT) AS id')).schema
    const error = await thrown(() =>
      insertRows(client, `${space}.missing`, rows, {
        method: 'staging',
        stager,
        schema,
      }),
    )
    expect(DremioLoadError.isLoadError(error)).toBe(true)
    expect(error).toMatchObject({
      reason: 'DF_LOAD_STATEMENT_FAILED',
      code: 'DF_DREMIO_JOB_FAILED',
    })
    expect(error.message).toMatch(/COPY INTO from @lake\/_df_staging\/.* failed: .*not found/)
    expect(leftovers()).toEqual([])
  })

  it('loads 1,000,000 rows from an async iterable with progress events', async () => {
    await emu.query(`CREATE TABLE ${space}.million (id BIGINT, name VARCHAR, amount DOUBLE)`)
    const n = 1_000_000
    const batch = 100_000
    async function* batches() {
      for (let start = 0; start < n; start += batch) {
        yield Array.from({ length: batch }, (_, k) => ({
          id: start + k,
          name: `n${start + k}`,
          amount: (start + k) / 4,
        }))
      }
    }
    const events: LoadProgress[] = []
    const result = await insertRows(client, `${space}.million`, batches(), {
      stager,
      rowsPerFile: 250_000,
      onProgress: (p) => events.push(p),
    })
    expect(result).toEqual({ method: 'staging', rowsWritten: n, statements: 1, files: 10 })
    expect(events.filter((e) => e.phase === 'staging').map((e) => e.rowsDone)).toEqual(
      Array.from({ length: 10 }, (_, i) => (i + 1) * batch),
    )
    expect(events.at(-1)).toEqual({
      method: 'staging',
      phase: 'copied',
      rowsDone: n,
      rowsTotal: undefined,
    })
    const [stats] = await client.query(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids, MIN(id) AS lo, MAX(id) AS hi, ` +
        `SUM(amount) AS total, MAX(name) AS mx FROM ${space}.million`,
    )
    expect(stats).toEqual({
      n,
      ids: n,
      lo: 0,
      hi: n - 1,
      total: ((n - 1) * n) / 2 / 4,
      mx: 'n999999',
    })
    expect(leftovers()).toEqual([])
  }, 300_000)

  it("method 'auto' stages above the threshold and uses VALUES below it", async () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i }))
    const small = await createTable(client, `${space}.auto_small`, rows(5), {
      stager,
      stagingThreshold: 10,
    })
    const large = await createTable(client, `${space}.auto_large`, rows(11), {
      stager,
      stagingThreshold: 10,
    })
    const none = await createTable(client, `${space}.auto_none`, rows(11), { stagingThreshold: 10 })
    expect([small.method, large.method, none.method]).toEqual(['values', 'staging', 'values'])
    expect([small.rowsWritten, large.rowsWritten, none.rowsWritten]).toEqual([5, 11, 11])
    const error = await thrown(() =>
      insertRows(client, `${space}.auto_none`, rows(1), { method: 'staging' }),
    )
    expect(error).toMatchObject({ reason: 'DF_LOAD_INVALID_INPUT' })
    expect(leftovers()).toEqual([])
  })

  it('stops when aborted, leaving no staged file and no row behind', async () => {
    await emu.query(`CREATE TABLE ${space}.aborted (id BIGINT)`)
    const controller = new AbortController()
    async function* parts() {
      for (let p = 0; p < 5; p++) yield Array.from({ length: 100 }, (_, i) => ({ id: p * 100 + i }))
    }
    const error = await thrown(() =>
      insertRows(client, `${space}.aborted`, parts(), {
        stager,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.rowsDone >= 200) controller.abort()
        },
      }),
    )
    expect(error).toMatchObject({ reason: 'DF_LOAD_STATEMENT_FAILED', code: 'DF_DREMIO_ABORTED' })
    expect(await client.query(`SELECT COUNT(*) AS n FROM ${space}.aborted`)).toEqual([{ n: 0 }])
    expect(leftovers()).toEqual([])
  })
})
