import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDataQualitySuites, runDataQuality } from '../src/data-quality/yaml-suites.js'
import { type Harness, startHarness, uniqueFolder } from './emulator-harness.js'

let h: Harness
let f: string
let dir: string
const NOW = Date.parse('2026-11-27T12:00:00Z')

beforeAll(async () => {
  h = await startHarness()
  dir = await mkdtemp(join(tmpdir(), 'df-dq-yaml-'))
  f = uniqueFolder('yaml')
  await h.emu.query(`CREATE FOLDER ${f}`)
  await h.emu.query(
    `CREATE TABLE ${f}.orders_20261126 AS SELECT * FROM (VALUES
      (1, 'paid', 10, TIMESTAMP '2026-11-27 11:30:00'),
      (2, 'open', 5, TIMESTAMP '2026-11-27 08:00:00')) AS v(id, status, amount, ts)`,
  )
})
afterAll(async () => {
  await h.close()
  await rm(dir, { recursive: true, force: true })
})

async function suiteDir(files: Record<string, string>): Promise<string> {
  const d = await mkdtemp(join(dir, 's-'))
  for (const [name, text] of Object.entries(files)) await writeFile(join(d, name), text)
  return d
}

const GOOD = (table: string) => `tests:
  - name: Orders are valid
    table: ${table}
    checks:
      - type: not_null
        column: id
      - type: unique
        column: id
      - type: values_in
        column: status
        values: [paid, open]
      - type: row_count
        condition: amount > {{ params.min }}
        operator: gte
        threshold: 1
      - type: custom_sql
        condition: amount >= 0
      - type: freshness
        column: ts
        maxAge: 1h
      - type: schema
        columns: { id: INTEGER, status: VARCHAR }
`

describe('YAML suites', () => {
  it('runs a directory of suites and returns one report per test', async () => {
    const d = await suiteDir({
      'a_orders.yaml': GOOD(`${f}.orders_{{ ds_nodash }}`),
      'b_more.yml': `- table: ${f}.orders_{{ ds_nodash }}
  checks:
    - { type: row_count, op: eq, value: 3, severity: warn }
`,
      'notes.txt': 'ignored: not YAML',
    })
    const seen: string[] = []
    const run = await runDataQuality(d, {
      client: h.client,
      logicalDate: '2026-11-26',
      params: { min: 6 },
      now: () => NOW,
      onReport: (r) => seen.push(r.name ?? ''),
    })
    expect(run.passed).toBe(true)
    expect(seen).toEqual(['Orders are valid', 'b_more.yml #1'])
    expect(run.files).toEqual([join(d, 'a_orders.yaml'), join(d, 'b_more.yml')])
    expect(run.reports.map((r) => [r.name, r.file, r.passed, r.summary])).toEqual([
      [
        'Orders are valid',
        join(d, 'a_orders.yaml'),
        true,
        { total: 7, passed: 7, failed: 0, warned: 0, errored: 0 },
      ],
      [
        'b_more.yml #1',
        join(d, 'b_more.yml'),
        true,
        { total: 1, passed: 0, failed: 0, warned: 1, errored: 0 },
      ],
    ])
    const rc = run.reports[0]?.checks[3]
    expect(rc).toMatchObject({
      name: 'row_count >= 1 where amount > {{ params.min }}',
      observed: 1,
      sql: `SELECT COUNT(*) AS "observed" FROM "${f}"."orders_20261126" WHERE (amount > 6)`,
    })
    expect(run.reports[0]?.checks[5]).toMatchObject({ type: 'freshness', passed: true })
  })

  it('fails the run when an error-severity check fails', async () => {
    const d = await suiteDir({
      'x.yaml': `tests:
  - table: ${f}.orders_20261126
    checks:
      - type: values_in
        column: status
        values: [paid]
`,
    })
    const run = await runDataQuality(join(d, 'x.yaml'), { client: h.client })
    expect(run.passed).toBe(false)
    expect(run.reports[0]?.checks[0]).toMatchObject({ status: 'failed', observed: 1 })
  })

  it('a file that does not parse is an error, never skipped, and nothing runs', async () => {
    const d = await suiteDir({
      'a.yaml': GOOD(`${f}.orders_20261126`),
      'b.yaml': 'tests:\n  - table: x\n    checks: [ { type: not_null, column: a }\n',
    })
    const before = h.emu.jobs.list().length
    await expect(runDataQuality(d, { client: h.client })).rejects.toThrow(
      /b\.yaml: the YAML does not parse/,
    )
    expect(h.emu.jobs.list().length).toBe(before)
  })

  it('rejects tests without a table, unknown check types and misplaced keys', async () => {
    const cases: [string, RegExp][] = [
      [
        'tests:\n  - name: t\n    checks: [{ type: not_null, column: a }]\n',
        /test 1 \('t'\) has no table/,
      ],
      [
        '- table: a.b\n  checks: [{ type: not_nul, column: a }]\n',
        /check 1: unknown check type "not_nul"/,
      ],
      [
        '- table: a.b\n  type: not_null\n  column: a\n  checks: [{ type: not_null, column: a }]\n',
        /unknown key 'type'/,
      ],
      [
        '- table: a.b\n  checks: [{ type: not_null, column: a, operator: gt }]\n',
        /not_null has no option 'operator'/,
      ],
      [
        '- table: a_{{ dsx }}.b\n  checks: [{ type: not_null, column: a }]\n',
        /unknown placeholder/,
      ],
      ['just text\n', /expected a non-empty list of tests/],
    ]
    for (const [text, error] of cases) {
      const d = await suiteDir({ 's.yaml': text })
      await expect(loadDataQualitySuites(d)).rejects.toThrow(error)
    }
    await expect(loadDataQualitySuites(join(dir, 'missing'))).rejects.toThrow(/does not exist/)
    await expect(loadDataQualitySuites(await suiteDir({ 'x.txt': '' }))).rejects.toThrow(
      /No \.yaml or \.yml file/,
    )
  })
})

describe('formatDataQualityReports', () => {
  it('prints one line per check and the totals', async () => {
    const { formatDataQualityReports } = await import('../src/data-quality/format-report.js')
    const d = await suiteDir({
      'f.yaml': `- name: fmt
  table: ${f}.orders_20261126
  checks:
    - { type: not_null, column: id }
    - { type: values_in, column: status, values: [paid] }
    - { type: row_count, op: eq, value: 3, severity: warn }
    - { type: not_null, column: nope }
`,
    })
    const run = await runDataQuality(d, { client: h.client })
    const text = formatDataQualityReports(run.reports)
    const lines = text.split('\n')
    expect(lines[0]).toBe(`fmt on "${f}"."orders_20261126" (${join(d, 'f.yaml')})`)
    expect(lines[1]).toBe(`  PASS  ${'not_null(id)'.padEnd(17)}  observed 0, expected = 0`)
    expect(lines[2]).toBe('  FAIL  values_in(status)  observed 1, expected = 0')
    expect(lines[3]).toBe(`  WARN  ${'row_count = 3'.padEnd(17)}  observed 2, expected = 3`)
    expect(lines[4]).toMatch(/^ {2}ERROR not_null\(nope\) {5}\S.*nope/)
    expect(lines[5]).toBe('1 passed, 1 failed, 1 warned, 1 errored')
  })
})
