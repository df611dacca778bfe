import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../src/index.js'
import { run, runFailing, start, tempDir } from './helpers.js'

let emu: Emulator
const temp = tempDir('sources')

/** Writes parquet files with DuckDB itself (a separate, unsandboxed instance). */
async function writeParquet(file: string, select: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:')
  const conn = await instance.connect()
  await conn.run(`COPY (${select}) TO '${file.replaceAll("'", "''")}' (FORMAT parquet)`)
  conn.closeSync()
  instance.closeSync()
}

beforeAll(async () => {
  mkdirSync(join(temp.dir, 'orders', '2024'), { recursive: true })
  await writeParquet(
    join(temp.dir, 'orders', '2024', 'part-1.parquet'),
    "SELECT range::BIGINT AS id, 'c' || range AS customer, (range * 1.5)::DECIMAL(10,2) AS amount FROM range(3)",
  )
  await writeParquet(
    join(temp.dir, 'orders', '2024', 'part-2.parquet'),
    "SELECT (range + 10)::BIGINT AS id, 'd' AS customer, 1.00::DECIMAL(10,2) AS amount, 'x' AS extra FROM range(2)",
  )
  writeFileSync(join(temp.dir, 'orders', 'readme.txt'), 'hello')
  emu = await start({ sources: { lake: temp.dir } })
})
afterAll(async () => {
  await emu.close()
  temp.cleanup()
})

describe('COPY INTO from a local-directory source', () => {
  it('loads parquet files recursively and answers with Records', async () => {
    await run(emu, 'CREATE TABLE copy1.orders (id BIGINT, customer VARCHAR, amount DECIMAL(10,2))')
    const page = await run(
      emu,
      "COPY INTO copy1.orders FROM '@lake/orders/2024' FILE_FORMAT 'parquet'",
    )
    expect(page).toEqual({
      rowCount: 1,
      schema: [{ name: 'Records', type: { name: 'BIGINT' } }],
      rows: [{ Records: 5 }],
    })
    const rows = await emu.query('SELECT id, customer, amount FROM copy1.orders ORDER BY id')
    expect(rows).toHaveLength(5)
    expect(rows[0]).toEqual({ id: 0, customer: 'c0', amount: 0 })
  })

  it('honours FILES (…) and REGEX, and infers the format from the extension', async () => {
    await run(emu, 'CREATE TABLE copy2.orders (id BIGINT, customer VARCHAR)')
    const files = await run(
      emu,
      "COPY INTO copy2.orders FROM '@lake/orders/2024' FILES ('part-2.parquet')",
    )
    expect(files.rows).toEqual([{ Records: 2 }])
    const regex = await run(
      emu,
      "COPY INTO copy2.orders FROM '@lake/orders' REGEX '.*part-1\\.parquet'",
    )
    expect(regex.rows).toEqual([{ Records: 3 }])
  })

  it('fails clearly for an unknown source, a missing table and a path escaping the source', async () => {
    await run(emu, 'CREATE TABLE copy3.t (id BIGINT)')
    expect(await runFailing(emu, "COPY INTO copy3.t FROM '@nope/x' FILE_FORMAT 'parquet'")).toBe(
      'Source [nope] not found.',
    )
    expect(
      await runFailing(emu, "COPY INTO copy3.missing FROM '@lake/orders' FILE_FORMAT 'parquet'"),
    ).toBe('Table [copy3.missing] not found.')
    expect(
      await runFailing(emu, "COPY INTO copy3.t FROM '@lake/../../etc' FILE_FORMAT 'parquet'"),
    ).toMatch(/is outside source \[lake\]/)
  })
})

describe('LIST_FILES and querying source files', () => {
  it('lists files recursively with source, path, size and modification time', async () => {
    const page = await run(emu, "SELECT * FROM TABLE(LIST_FILES('@lake/orders')) ORDER BY path")
    expect(page.schema.map((f) => [f.name, f.type.name])).toEqual([
      ['source', 'VARCHAR'],
      ['path', 'VARCHAR'],
      ['size', 'BIGINT'],
      ['last_modified_time', 'TIMESTAMP'],
      ['file', 'STRUCT'],
    ])
    expect(page.rows.map((r) => r.path)).toEqual([
      'orders/2024/part-1.parquet',
      'orders/2024/part-2.parquet',
      'orders/readme.txt',
    ])
    expect(page.rows[2]).toMatchObject({
      source: 'lake',
      size: 5,
      file: { path: 'orders/readme.txt', size: 5 },
    })
    const filtered = await run(
      emu,
      "SELECT file['path'] AS p FROM TABLE(LIST_FILES('@lake/orders')) WHERE file['path'] LIKE '%.txt'",
    )
    expect(filtered.rows).toEqual([{ p: 'orders/readme.txt' }])
  })

  it('queries a parquet file of a source by its dotted path', async () => {
    const page = await run(emu, 'SELECT count(*) AS n FROM lake.orders."2024"."part-1.parquet"')
    expect(page.rows).toEqual([{ n: 3 }])
  })
})
