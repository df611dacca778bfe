import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../src/index.js'
import { call, run, runFailing, start } from './helpers.js'

let emu: Emulator
beforeAll(async () => {
  emu = await start()
})
afterAll(() => emu.close())

const ok = (summary: string) => ({
  rowCount: 1,
  schema: [
    { name: 'ok', type: { name: 'BOOLEAN' } },
    { name: 'summary', type: { name: 'VARCHAR' } },
  ],
  rows: [{ ok: true, summary }],
})
const recordsPage = (n: number) => ({
  rowCount: 1,
  schema: [{ name: 'Records', type: { name: 'BIGINT' } }],
  rows: [{ Records: n }],
})

describe('DDL and DML result shapes (reference §12)', () => {
  it('answers CREATE TABLE with ok/summary, and IF NOT EXISTS on an existing table', async () => {
    expect(
      await run(emu, 'CREATE TABLE shapes.t (id BIGINT, name VARCHAR, amt DECIMAL(10,2))'),
    ).toEqual(ok('Table created'))
    expect(await run(emu, 'CREATE TABLE IF NOT EXISTS shapes.t (id BIGINT)')).toEqual(
      ok('Table [shapes.t] already exists.'),
    )
    expect(await runFailing(emu, 'CREATE TABLE shapes.t (id BIGINT)')).toBe(
      'A table or view with given name [shapes.t] already exists.',
    )
  })

  it('answers INSERT, UPDATE, DELETE and MERGE with one Records row', async () => {
    await emu.query('CREATE TABLE dml.t (id INT, v VARCHAR)')
    await emu.query('CREATE TABLE dml.src (id INT, v VARCHAR)')
    expect(await run(emu, "INSERT INTO dml.t VALUES (1, 'a'), (2, 'b'), (3, 'c')")).toEqual(
      recordsPage(3),
    )
    expect(await run(emu, 'INSERT INTO dml.t SELECT * FROM dml.t WHERE false')).toEqual(
      recordsPage(0),
    )
    expect(await run(emu, "UPDATE dml.t SET v = 'z' WHERE id >= 2")).toEqual(recordsPage(2))
    expect(await run(emu, 'DELETE FROM dml.t WHERE id = 1')).toEqual(recordsPage(1))
    await emu.query("INSERT INTO dml.src VALUES (2, 'two'), (9, 'nine')")
    const merge = await run(
      emu,
      `MERGE INTO dml.t AS t USING dml.src AS s ON t.id = s.id
       WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v)`,
    )
    expect(merge).toEqual(recordsPage(2))
    expect(await emu.query('SELECT id, v FROM dml.t ORDER BY id')).toEqual([
      { id: 2, v: 'two' },
      { id: 3, v: 'z' },
      { id: 9, v: 'nine' },
    ])
  })

  it('answers CTAS with the writer summary row, Records = rows written', async () => {
    const page = await run(emu, 'CREATE TABLE ctas.t AS SELECT range AS id FROM range(42)')
    expect(page.schema.map((f) => f.name)).toEqual([
      'Fragment',
      'Records',
      'Path',
      'Metadata',
      'Partition',
      'FileSize',
      'IcebergMetadata',
      'fileschema',
      'PartitionData',
      'OperationType',
    ])
    expect(page.rows[0]?.Records).toBe(42)
    expect(await emu.query('SELECT count(*) AS n FROM ctas.t')).toEqual([{ n: 42 }])
  })

  it('skips Iceberg layout clauses it cannot honour and still creates the table', async () => {
    const page = await run(
      emu,
      "CREATE TABLE layout.t (id INT, dt DATE) PARTITION BY (dt) LOCALSORT BY (id) TBLPROPERTIES ('a' = 'b')",
    )
    expect(page.rows[0]).toEqual({ ok: true, summary: 'Table created' })
  })

  it('answers DROP, TRUNCATE, views and ALTER with Dremio’s summaries', async () => {
    await emu.query('CREATE TABLE ddl.t (id INT)')
    await emu.query('INSERT INTO ddl.t VALUES (1)')
    expect(await run(emu, 'CREATE VIEW ddl.v AS SELECT id FROM ddl.t')).toEqual(
      ok("View 'ddl.v' created successfully"),
    )
    expect(
      await run(emu, 'CREATE OR REPLACE VIEW ddl.v AS SELECT id * 2 AS id FROM ddl.t'),
    ).toEqual(ok("View 'ddl.v' replaced successfully"))
    expect((await run(emu, 'SELECT * FROM ddl.v')).rows).toEqual([{ id: 2 }])
    expect(await run(emu, 'ALTER TABLE ddl.t ADD COLUMNS (note VARCHAR, n BIGINT)')).toEqual(
      ok('New columns added.'),
    )
    expect(await run(emu, 'ALTER TABLE ddl.t REFRESH REFLECTIONS')).toMatchObject({
      rows: [{ ok: true }],
    })
    expect(await run(emu, 'TRUNCATE TABLE ddl.t')).toEqual(ok('Table [ddl.t] truncated'))
    expect(await run(emu, 'DROP VIEW ddl.v')).toEqual(ok('View [ddl.v] deleted successfully.'))
    expect(await run(emu, 'DROP VIEW IF EXISTS ddl.v')).toEqual(ok('View [ddl.v] not found.'))
    expect(await runFailing(emu, 'DROP VIEW ddl.v')).toBe('Unknown view [ddl.v].')
    expect(await run(emu, 'DROP TABLE ddl.t')).toEqual(ok('Table [ddl.t] dropped'))
    expect(await run(emu, 'DROP TABLE IF EXISTS ddl.t')).toEqual(ok('Table [ddl.t] not found.'))
    expect(await runFailing(emu, 'DROP TABLE ddl.t')).toBe('Table [ddl.t] not found.')
  })

  it('answers OPTIMIZE and VACUUM with their counter columns', async () => {
    await emu.query('CREATE TABLE maint.t (id INT)')
    const optimize = await run(
      emu,
      'OPTIMIZE TABLE maint.t REWRITE DATA USING BIN_PACK (MIN_INPUT_FILES = 2)',
    )
    expect(optimize.rows).toEqual([
      { rewritten_data_files_count: 0, rewritten_delete_files_count: 0, new_data_files_count: 0 },
    ])
    expect((await run(emu, 'OPTIMIZE TABLE maint.t REWRITE MANIFESTS')).rows).toEqual([
      { summary: 'Optimize table successful' },
    ])
    const vacuum = await run(
      emu,
      "VACUUM TABLE maint.t EXPIRE SNAPSHOTS older_than = '2024-01-01 00:00:00.000'",
    )
    expect(vacuum.rows).toEqual([
      {
        deleted_data_files_count: 0,
        deleted_position_delete_files_count: 0,
        deleted_equality_delete_files_count: 0,
        deleted_manifest_files_count: 0,
        deleted_manifest_lists_count: 0,
        deleted_partition_stats_files_count: 0,
      },
    ])
    expect(vacuum.schema.every((f) => f.type.name === 'BIGINT')).toBe(true)
    expect((await run(emu, 'VACUUM TABLE maint.t REMOVE ORPHAN FILES')).rows).toEqual([
      { deleted_files_count: 0, deleted_files_total_size_mb: 0 },
    ])
    expect(await runFailing(emu, 'OPTIMIZE TABLE maint.nope')).toBe('Table [maint.nope] not found.')
  })

  it('creates folders with CREATE FOLDER and makes them visible in the catalog', async () => {
    expect(await run(emu, 'CREATE FOLDER IF NOT EXISTS fold.sub')).toEqual(
      ok('Folder [fold.sub] has been created.'),
    )
    expect(await run(emu, 'CREATE FOLDER IF NOT EXISTS fold.sub')).toEqual(
      ok('Folder [fold.sub] already exists.'),
    )
    const entity = await call(emu, 'GET', '/api/v3/catalog/by-path/fold/sub')
    expect(entity.json).toMatchObject({ entityType: 'folder', path: ['fold', 'sub'] })
  })

  it('fails statements the emulator cannot run with a message naming the emulator', async () => {
    expect(await runFailing(emu, 'GRANT SELECT ON TABLE x TO USER y')).toMatch(
      /^\[@df\/emulator\] This GRANT statement is not supported by the emulator/,
    )
    expect(await runFailing(emu, "ATTACH '/tmp/x.db'")).toMatch(/^Failure parsing the query/)
  })
})

describe('Dremio paths', () => {
  it('uses paths of any depth with quoted segments, spaces and dots', async () => {
    await run(emu, 'CREATE TABLE "my space"."folder"."t" (id INT)')
    await run(emu, 'INSERT INTO "my space".folder.t VALUES (1)')
    expect((await run(emu, 'SELECT * FROM "my space"."folder"."t"')).rows).toEqual([{ id: 1 }])
    await run(emu, 'CREATE TABLE a.b.c.d.e (x INT)')
    await run(emu, 'INSERT INTO a.b.c.d.e VALUES (5)')
    expect((await run(emu, 'SELECT e.x, a.b.c.d.e.x AS y FROM a.b.c.d.e')).rows).toEqual([
      { x: 5, y: 5 },
    ])
    await run(emu, 'CREATE TABLE "dots.in"."a ""quoted"" name" (v INT)')
    await run(emu, 'INSERT INTO "dots.in"."a ""quoted"" name" VALUES (7)')
    expect((await run(emu, 'SELECT v FROM "dots.in"."a ""quoted"" name"')).rows).toEqual([{ v: 7 }])
  })

  it("translates Dremio's binary literal X'…'", async () => {
    await run(emu, 'CREATE TABLE bin.t (b VARBINARY)')
    await run(emu, "INSERT INTO bin.t VALUES (X'00ff270a'), (x'')")
    expect((await run(emu, 'SELECT b FROM bin.t')).rows).toEqual([{ b: 'AP8nCg==' }, { b: '' }])
  })

  it('resolves names case-insensitively, as Dremio does', async () => {
    await run(emu, 'CREATE TABLE Sales.Orders (id INT)')
    expect((await run(emu, 'SELECT count(*) AS n FROM sales.orders')).rows).toEqual([{ n: 0 }])
  })

  it('creates tables inside folders made through the catalog API', async () => {
    expect(
      (await call(emu, 'POST', '/api/v3/catalog', { entityType: 'space', name: 'Analytics' }))
        .status,
    ).toBe(200)
    const folder = await call(emu, 'POST', '/api/v3/catalog', {
      entityType: 'folder',
      path: ['Analytics', 'staging area'],
    })
    expect(folder.status).toBe(200)
    await run(emu, 'CREATE TABLE "Analytics"."staging area".events (id INT)')
    await run(emu, 'INSERT INTO "Analytics"."staging area".events VALUES (1), (2)')
    const page = await run(emu, 'SELECT count(*) AS n FROM events', ['Analytics', 'staging area'])
    expect(page.rows).toEqual([{ n: 2 }])
  })

  it('never runs SQL smuggled into a path segment', async () => {
    await emu.query('CREATE TABLE safe.victim (id INT)')
    await emu.query('INSERT INTO safe.victim VALUES (1)')
    const evil = 'x"; DROP TABLE "safe.victim"; --'
    await call(emu, 'POST', '/api/v3/catalog', { entityType: 'space', name: 'evil' })
    const folder = await call(emu, 'POST', '/api/v3/catalog', {
      entityType: 'folder',
      path: ['evil', evil],
    })
    expect(folder.status).toBe(200)
    const byPath = await call(
      emu,
      'GET',
      `/api/v3/catalog/by-path/evil/${encodeURIComponent(evil)}`,
    )
    expect(byPath.json).toMatchObject({ entityType: 'folder', path: ['evil', evil] })
    const quoted = `"evil"."${evil.replaceAll('"', '""')}"."t"`
    await run(emu, `CREATE TABLE ${quoted} (id INT)`)
    expect((await run(emu, `SELECT count(*) AS n FROM ${quoted}`)).rows).toEqual([{ n: 0 }])
    expect(await runFailing(emu, 'SELECT 1; DROP TABLE safe.victim')).toMatch(/only one statement/)
    expect(await emu.query('SELECT count(*) AS n FROM safe.victim')).toEqual([{ n: 1 }])
  })

  it('serves INFORMATION_SCHEMA."TABLES" with Dremio paths', async () => {
    await run(emu, 'CREATE TABLE info.sch.t1 (id INT)')
    await run(emu, 'CREATE VIEW info.v1 AS SELECT 1 AS x')
    const page = await run(
      emu,
      `SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM INFORMATION_SCHEMA."TABLES"
       WHERE TABLE_SCHEMA LIKE 'info%' ORDER BY TABLE_NAME`,
    )
    expect(page.rows).toEqual([
      { TABLE_SCHEMA: 'info.sch', TABLE_NAME: 't1', TABLE_TYPE: 'TABLE' },
      { TABLE_SCHEMA: 'info', TABLE_NAME: 'v1', TABLE_TYPE: 'VIEW' },
    ])
  })

  it('keeps DuckDB away from files outside the configured sources', async () => {
    expect(await runFailing(emu, "SELECT * FROM read_csv('/etc/passwd')")).toMatch(
      /Permission Error/,
    )
  })
})
