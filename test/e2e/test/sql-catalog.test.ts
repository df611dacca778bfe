/** `sql` (statement, file of statements, params, formats) and `catalog ls/mkdir` through the bin. */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Emulator } from '@df/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emulatorEnv, startEmulator } from './emulator.js'
import { runCliProcess, tempDir } from './helpers.js'

describe('dremio-cli sql and catalog', () => {
  let emulator: Emulator
  let tmp: ReturnType<typeof tempDir>
  let env: Record<string, string>
  beforeAll(async () => {
    emulator = await startEmulator()
    env = emulatorEnv(emulator)
    tmp = tempDir('sql')
  })
  afterAll(async () => {
    await emulator?.close()
    tmp?.remove()
  })

  it('runs a SELECT with a param and prints a table, JSON or CSV', async () => {
    const sql =
      "SELECT kind, COUNT(*) AS n FROM src.events WHERE kind = '{{ params.kind }}' GROUP BY kind"
    const table = await runCliProcess(['sql', sql, '--param', 'kind=view'], { env })
    expect(table.stderr).toBe('')
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/^kind\s+n\n-+\s+-+\nview\s+25\n\(1 row; job [0-9a-f-]{36}\)\n$/)
    const json = await runCliProcess(['sql', sql, '--param', 'kind=click', '--format', 'json'], {
      env,
    })
    // One compact line: the summary, with the rows.
    expect(json.stdout.split('\n')).toHaveLength(2)
    const summary = JSON.parse(json.stdout) as Record<string, unknown>
    expect(summary).toEqual({
      ok: true,
      jobIds: [expect.stringMatching(/^[0-9a-f-]{36}$/)],
      statements: [
        {
          sql: "SELECT kind, COUNT(*) AS n FROM src.events WHERE kind = 'click' GROUP BY kind",
          jobId: (summary.jobIds as string[])[0],
          rowCount: 1,
        },
      ],
      rowCount: 1,
      columns: ['kind', 'n'],
      rows: [{ kind: 'click', n: 25 }],
    })
    const csv = await runCliProcess(['sql', "SELECT 'a,b' AS x, 1 AS y", '--format', 'csv'], {
      env,
    })
    expect(csv.stdout).toBe('x,y\n"a,b",1\n')
  })

  it('runs a file of statements in order (DDL, DML, SELECT)', async () => {
    const file = join(tmp.dir, 'ok.sql')
    writeFileSync(
      file,
      "-- a comment; with a semicolon\nCREATE TABLE e2e.t (id INT, s VARCHAR);\nINSERT INTO e2e.t VALUES (1, 'a;b'), (2, 'c');\nSELECT * FROM e2e.t ORDER BY id;\n",
    )
    const r = await runCliProcess(['sql', '--file', file, '--format', 'json'], { env })
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as {
      jobIds: string[]
      statements: { sql: string; jobId: string; recordsAffected?: number; summary?: string }[]
      recordsAffected: number
      rows: unknown[]
    }
    // The comment (and the ; inside it) stays with the first statement, as Dremio would get it.
    expect(out.statements.map((s) => /(CREATE|INSERT|SELECT)/.exec(s.sql)?.[1])).toEqual([
      'CREATE',
      'INSERT',
      'SELECT',
    ])
    expect(out.statements[0]?.sql).toMatch(/^-- a comment; with a semicolon CREATE TABLE/)
    expect(out.statements).toHaveLength(3)
    expect(out.jobIds).toEqual(out.statements.map((s) => s.jobId))
    expect(out.statements[0]?.summary).toMatch(/created/i)
    expect(out.statements[1]?.recordsAffected).toBe(2)
    expect(out.recordsAffected).toBe(2)
    // The last statement's rows.
    expect(out.rows).toEqual([
      { id: 1, s: 'a;b' },
      { id: 2, s: 'c' },
    ])
  })

  it('stops a file at the first failing statement: exit 1, later statements not run', async () => {
    const file = join(tmp.dir, 'bad.sql')
    writeFileSync(
      file,
      'CREATE TABLE e2e.first (id INT);\nSELECT * FROM e2e.missing;\nCREATE TABLE e2e.third (id INT);\n',
    )
    const r = await runCliProcess(['sql', '-f', file], { env })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /^Statement 2 of 3 failed \(statements 1-1 completed and stay applied\): .*missing/,
    )
    expect(
      await emulator.query(
        "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name LIKE '%first'",
      ),
    ).toEqual([{ n: 1 }])
    expect(
      await emulator.query(
        "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name LIKE '%third'",
      ),
    ).toEqual([{ n: 0 }])
  })

  it('creates folders with catalog mkdir and lists them with catalog ls', async () => {
    const mk = await runCliProcess(['catalog', 'mkdir', 'Analytics.staging.daily'], { env })
    expect(mk.stderr).toBe('')
    expect(mk.code).toBe(0)
    expect(mk.stdout).toMatch(/^Analytics\.staging\.daily \(folder, id \S+\)\n$/)
    const again = await runCliProcess(['catalog', 'mkdir', 'Analytics.staging.daily'], { env })
    expect(again.code).toBe(0)
    const top = await runCliProcess(['catalog', 'ls'], { env })
    expect(top.stdout).toMatch(/Analytics\s+SPACE/)
    const sub = await runCliProcess(['catalog', 'ls', 'Analytics.staging'], { env })
    expect(sub.stdout).toMatch(/Analytics\.staging\.daily\s+FOLDER/)
    const tables = await runCliProcess(['catalog', 'ls', 'src', '--json'], { env })
    expect(JSON.parse(tables.stdout)).toEqual([
      expect.objectContaining({ path: ['src', 'events'], type: 'DATASET' }),
    ])
    const missing = await runCliProcess(['catalog', 'ls', 'Nope.nothing'], { env })
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe('[@df/cli] No catalog entry at Nope.nothing.\n')
  })
})
