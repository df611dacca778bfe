import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CompareOp, type DataQualityCheck, dq } from '../src/data-quality/checks.js'
import { normalizeCheck } from '../src/data-quality/normalize-check.js'
import { type CheckResult, runDataQualityChecks } from '../src/data-quality/run-checks.js'
import { type Harness, startHarness, uniqueFolder } from './emulator-harness.js'

let h: Harness
let f: string
const NOW = Date.parse('2026-11-27T12:00:00Z')

beforeAll(async () => {
  h = await startHarness()
  f = uniqueFolder('dq')
  await h.emu.query(`CREATE FOLDER ${f}`)
  // Built to pass every check.
  await h.emu.query(
    `CREATE TABLE ${f}.good AS SELECT * FROM (VALUES
      (1, 'a', 10, 1, TIMESTAMP '2026-11-27 11:00:00'),
      (2, 'b', 20, 0, TIMESTAMP '2026-11-26 09:00:00'),
      (3, NULL, 30, 5, TIMESTAMP '2026-11-25 09:00:00')) AS v(id, status, amount, discount, ts)`,
  )
  // Built to fail every check: a NULL id, a duplicated id, an unknown status, a discount above
  // the amount, and nothing newer than a week.
  await h.emu.query(
    `CREATE TABLE ${f}.bad AS SELECT * FROM (VALUES
      (1, 'a', 10, 50, TIMESTAMP '2026-11-20 09:00:00'),
      (1, 'z', 20, 0, TIMESTAMP '2026-11-19 09:00:00'),
      (NULL, 'b', 30, 0, TIMESTAMP '2026-11-18 09:00:00')) AS v(id, status, amount, discount, ts)`,
  )
  await h.emu.query(`CREATE TABLE ${f}.empty AS SELECT * FROM ${f}.good WHERE id < 0`)
})
afterAll(async () => {
  await h.close()
})

async function check(table: string, c: DataQualityCheck): Promise<CheckResult> {
  const report = await runDataQualityChecks({
    client: h.client,
    table: [f, table],
    checks: [normalizeCheck(c, 'test')],
    now: () => NOW,
  })
  return report.checks[0] as CheckResult
}

describe('data-quality checks on the emulator (one query each)', () => {
  it('not_null', async () => {
    const ok = await check('good', dq.not_null('id'))
    expect(ok).toMatchObject({ status: 'passed', passed: true, observed: 0, expected: '= 0' })
    expect(ok.sql).toBe(`SELECT COUNT(*) AS "observed" FROM "${f}"."good" WHERE "id" IS NULL`)
    expect(await check('bad', dq.not_null('id'))).toMatchObject({ status: 'failed', observed: 1 })
  })

  it('unique (NULL keys ignored)', async () => {
    expect(await check('good', dq.unique('id'))).toMatchObject({ passed: true, observed: 0 })
    const bad = await check('bad', dq.unique(['id']))
    expect(bad).toMatchObject({ passed: false, observed: 1 })
    expect(bad.sql).toBe(
      `SELECT COUNT(*) AS "observed" FROM (SELECT "id" FROM "${f}"."bad" WHERE "id" IS NOT NULL GROUP BY "id" HAVING COUNT(*) > 1) AS "dq_duplicates"`,
    )
    expect(await check('bad', dq.unique(['id', 'status']))).toMatchObject({ passed: true })
  })

  it('row_count with and without where, every operator', async () => {
    expect(await check('good', dq.row_count({ op: 'eq', value: 3 }))).toMatchObject({
      passed: true,
      observed: 3,
    })
    const where = await check('good', dq.row_count({ where: 'amount > 15', op: 'ge', value: 3 }))
    expect(where).toMatchObject({ passed: false, observed: 2, expected: '>= 3' })
    expect(where.sql).toBe(`SELECT COUNT(*) AS "observed" FROM "${f}"."good" WHERE (amount > 15)`)
    const cases: [CompareOp, number, boolean][] = [
      ['ne', 3, false],
      ['gt', 2, true],
      ['lt', 3, false],
      ['le', 3, true],
    ]
    for (const [op, value, passed] of cases) {
      expect(await check('good', dq.row_count({ op, value }))).toMatchObject({ passed })
    }
    expect(await check('empty', { type: 'row_count' } as never)).toMatchObject({
      passed: false,
      observed: 0,
      expected: '> 0',
    })
  })

  it('values_in: NULLs pass by default and fail with allowNull: false', async () => {
    const ok = await check('good', dq.values_in('status', ['a', 'b']))
    expect(ok).toMatchObject({ passed: true, observed: 0 })
    expect(ok.sql).toBe(
      `SELECT COUNT(*) AS "observed" FROM "${f}"."good" WHERE "status" IS NOT NULL AND "status" NOT IN ('a', 'b')`,
    )
    const strict = await check('good', dq.values_in('status', ['a', 'b'], { allowNull: false }))
    expect(strict).toMatchObject({ passed: false, observed: 1 })
    expect(await check('bad', dq.values_in('status', ['a', 'b']))).toMatchObject({
      passed: false,
      observed: 1,
    })
    expect(await check('good', dq.values_in('id', [1, 2, 3]))).toMatchObject({ passed: true })
    expect(await check('good', dq.values_in('status', ["it's", 'a', 'b']))).toMatchObject({
      passed: true,
    })
  })

  it('custom_sql: a count (default 0), a boolean, { op, value }, and a row condition', async () => {
    const count = `SELECT COUNT(*) FROM {{ table }} WHERE discount > amount`
    expect(await check('good', dq.custom_sql(count))).toMatchObject({ passed: true, observed: 0 })
    const bad = await check('bad', dq.custom_sql(count))
    expect(bad).toMatchObject({ passed: false, observed: 1 })
    expect(bad.sql).toBe(`SELECT COUNT(*) FROM "${f}"."bad" WHERE discount > amount`)
    const bool = `SELECT MIN(amount) > 0 AS ok FROM {{ table }}`
    expect(await check('good', dq.custom_sql(bool))).toMatchObject({ passed: true, observed: true })
    expect(await check('good', dq.custom_sql(bool, false))).toMatchObject({ passed: false })
    expect(
      await check(
        'good',
        dq.custom_sql(`SELECT SUM(amount) FROM {{ table }}`, { op: 'ge', value: 60 }),
      ),
    ).toMatchObject({ passed: true, observed: 60 })
    expect(
      await check('bad', { type: 'custom_sql', condition: 'discount <= amount' }),
    ).toMatchObject({ passed: false, observed: 1 })
    const nullCond = await check('good', { type: 'custom_sql', condition: "status IN ('a', 'b')" })
    expect(nullCond).toMatchObject({ passed: false, observed: 1 })
    const many = await check('good', dq.custom_sql(`SELECT id FROM {{ table }}`))
    expect(many).toMatchObject({ status: 'error', passed: false })
    expect(many.error).toMatch(/exactly one row, it returned 3/)
  })

  it('freshness compares MAX(column) with now - maxAge in SQL', async () => {
    const ok = await check('good', dq.freshness('ts', '2h'))
    expect(ok).toMatchObject({
      passed: true,
      observed: '2026-11-27 11:00:00.000',
      expected: '>= 2026-11-27 10:00:00.000',
    })
    expect(ok.sql).toBe(
      `SELECT MAX("ts") AS "observed", CASE WHEN MAX("ts") >= TIMESTAMP '2026-11-27 10:00:00.000' THEN TRUE ELSE FALSE END AS "fresh" FROM "${f}"."good"`,
    )
    expect(await check('good', dq.freshness('ts', '30m'))).toMatchObject({ passed: false })
    expect(await check('bad', dq.freshness('ts', '1d'))).toMatchObject({ passed: false })
    expect(await check('empty', dq.freshness('ts', '1w'))).toMatchObject({
      passed: false,
      observed: null,
    })
  })

  it('schema from the LIMIT 0 result schema: types, aliases, DECIMAL, exact', async () => {
    const ok = await check('good', dq.schema({ id: 'int', status: 'VARCHAR', ts: 'timestamp' }))
    expect(ok).toMatchObject({ passed: true })
    expect(ok.sql).toBe(`SELECT * FROM "${f}"."good" LIMIT 0`)
    expect(ok.observed).toEqual({
      id: 'INTEGER',
      status: 'VARCHAR',
      amount: 'INTEGER',
      discount: 'INTEGER',
      ts: 'TIMESTAMP',
    })
    expect(await check('good', dq.schema({ id: 'BIGINT' }))).toMatchObject({ passed: false })
    expect(await check('good', dq.schema(['id', 'missing']))).toMatchObject({ passed: false })
    expect(await check('good', dq.schema(['ID', 'status'], { exact: true }))).toMatchObject({
      passed: false,
    })
    expect(
      await check('good', dq.schema(['id', 'status', 'amount', 'discount', 'ts'], { exact: true })),
    ).toMatchObject({ passed: true })
  })

  it('reports a check whose SQL fails as an error with Dremio text, never a pass', async () => {
    const r = await check('good', dq.not_null('nope'))
    expect(r.status).toBe('error')
    expect(r.error).toMatch(/nope/)
  })

  it('builds the report: summary, severities, durations, SQL', async () => {
    const report = await runDataQualityChecks({
      client: h.client,
      table: `${f}.bad`,
      name: 'bad table',
      now: () => NOW,
      checks: [
        dq.not_null('status'),
        dq.not_null('id', { severity: 'warn' }),
        dq.unique('id'),
        dq.not_null('nope', { name: 'broken' }),
      ],
    })
    expect(report).toMatchObject({
      name: 'bad table',
      table: `"${f}"."bad"`,
      passed: false,
      startedAt: '2026-11-27T12:00:00.000Z',
      durationMs: 0,
      summary: { total: 4, passed: 1, failed: 1, warned: 1, errored: 1 },
    })
    expect(report.checks.map((c) => [c.name, c.status, c.severity])).toEqual([
      ['not_null(status)', 'passed', 'error'],
      ['not_null(id)', 'failed', 'warn'],
      ['unique(id)', 'failed', 'error'],
      ['broken', 'error', 'error'],
    ])
    for (const c of report.checks) expect(c.jobId).toEqual(expect.any(String))
  })
})

describe('normalizeCheck', () => {
  it('accepts the original spellings and rejects typos', () => {
    expect(normalizeCheck({ type: 'unique', column: 'id' }, 'x')).toEqual({
      type: 'unique',
      columns: ['id'],
    })
    expect(
      normalizeCheck({ type: 'row_count', condition: 'a > 1', threshold: 5, operator: 'gte' }, 'x'),
    ).toEqual({ type: 'row_count', where: 'a > 1', op: 'ge', value: 5 })
    expect(normalizeCheck({ type: 'row_count', expr: 'a', value: 1, op: 'ge' }, 'x')).toMatchObject(
      {
        where: 'a',
      },
    )
    expect(() => normalizeCheck({ type: 'not_null', colum: 'id' }, 'f.yaml test 1')).toThrow(
      "f.yaml test 1: not_null has no option 'colum'",
    )
    expect(() => normalizeCheck({ type: 'nope' }, 'x')).toThrow(/unknown check type "nope"/)
    expect(() => normalizeCheck({ type: 'row_count', op: 'ge' }, 'x')).toThrow(
      /both 'op' and 'value'/,
    )
    expect(() => normalizeCheck({ type: 'values_in', column: 'c', values: [null] }, 'x')).toThrow(
      /allowNull/,
    )
    expect(() => normalizeCheck({ type: 'freshness', column: 'c', maxAge: '3 days' }, 'x')).toThrow(
      /maxAge/,
    )
    expect(() => normalizeCheck({ type: 'custom_sql' }, 'x')).toThrow(/exactly one of/)
    expect(() => normalizeCheck({ type: 'not_null', column: 'c', severity: 'fatal' }, 'x')).toThrow(
      /severity/,
    )
  })
})
