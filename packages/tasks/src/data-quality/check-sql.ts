/**
 * One pushed-down SQL query per check and how its single result row is judged. Every query is
 * COUNT-style (or `MAX`, or `LIMIT 0` for the schema): Dremio does the work and at most one row
 * comes back. Identifiers are quoted with `quoteIdentifier`/`quotePath`, literals with
 * `sqlLiteral`; `where`, `condition` and `custom_sql.sql` are trusted SQL, templated.
 */
import { type DremioField, quoteIdentifier, type Row, sqlLiteral } from '@df/client'
import type { JsonValue } from '@df/orchestration'
import { OrchestrationError } from '@df/orchestration'
import type { CompareOp, CustomSqlCheck, DataQualityCheck, Severity } from './checks.js'
import { parseDuration } from './normalize-check.js'

/** A check ready to run: its SQL and how to judge what comes back. */
export interface PreparedCheck {
  readonly check: DataQualityCheck
  readonly name: string
  readonly severity: Severity
  readonly sql: string
  /** Human-readable expectation, e.g. `= 0`, `>= 1`, `>= 2026-11-27 10:00:00.000`. */
  readonly expected: string
  /** `'row'`: read one row; `'schema'`: read only the result schema. */
  readonly read: 'row' | 'schema'
  /** Judges the answer. Throws for an answer of the wrong shape (counted as an error). */
  judge(answer: { rowCount: number; row: Row | undefined; schema: DremioField[] }): {
    passed: boolean
    observed: JsonValue
  }
}

const OP_TEXT: Record<CompareOp, string> = {
  eq: '=',
  ne: '<>',
  gt: '>',
  ge: '>=',
  lt: '<',
  le: '<=',
}

/** `a op b`. */
export function compare(a: number, op: CompareOp, b: number): boolean {
  switch (op) {
    case 'eq':
      return a === b
    case 'ne':
      return a !== b
    case 'gt':
      return a > b
    case 'ge':
      return a >= b
    case 'lt':
      return a < b
    case 'le':
      return a <= b
  }
}

/** The default report name of a check. */
export function defaultCheckName(c: DataQualityCheck): string {
  switch (c.type) {
    case 'not_null':
    case 'values_in':
    case 'freshness':
      return `${c.type}(${c.column})`
    case 'unique':
      return `unique(${c.columns.join(', ')})`
    case 'row_count':
      return `row_count ${OP_TEXT[c.op]} ${c.value}${c.where ? ` where ${c.where}` : ''}`
    default:
      return c.type
  }
}

/**
 * Prepares `check` against `table` (an already quoted path). `render` applies the run's
 * templates to trusted SQL pieces; `now` is the reference instant for freshness.
 */
export function prepareCheck(
  check: DataQualityCheck,
  table: string,
  render: (text: string) => string,
  now: number,
): PreparedCheck {
  const base = {
    check,
    name: check.name ?? defaultCheckName(check),
    severity: check.severity ?? 'error',
  }
  const count = (from: string, expected = 0, op: CompareOp = 'eq') => ({
    ...base,
    sql: `SELECT COUNT(*) AS "observed" FROM ${from}`,
    expected: `${OP_TEXT[op]} ${expected}`,
    read: 'row' as const,
    judge: ({ row }: { row: Row | undefined }) => {
      const observed = toNumber(row?.observed)
      return { passed: compare(observed, op, expected), observed }
    },
  })
  switch (check.type) {
    case 'not_null':
      return count(`${table} WHERE ${quoteIdentifier(check.column)} IS NULL`)
    case 'unique': {
      const cols = check.columns.map(quoteIdentifier)
      const notNull = cols.map((c) => `${c} IS NOT NULL`).join(' AND ')
      const list = cols.join(', ')
      return count(
        `(SELECT ${list} FROM ${table} WHERE ${notNull} GROUP BY ${list} HAVING COUNT(*) > 1) AS "dq_duplicates"`,
      )
    }
    case 'row_count':
      return count(
        check.where ? `${table} WHERE (${render(check.where)})` : table,
        check.value,
        check.op,
      )
    case 'values_in': {
      const col = quoteIdentifier(check.column)
      const list = check.values.map((v) => sqlLiteral(v)).join(', ')
      return count(
        check.allowNull === false
          ? `${table} WHERE ${col} IS NULL OR ${col} NOT IN (${list})`
          : `${table} WHERE ${col} IS NOT NULL AND ${col} NOT IN (${list})`,
      )
    }
    case 'custom_sql':
      if (check.condition !== undefined) {
        // COALESCE rather than IS NOT TRUE: portable, and a NULL result counts as a violation.
        return count(`${table} WHERE NOT COALESCE((${render(check.condition)}), FALSE)`)
      }
      return customSql(base, check.sql as string, check.expect, table, render)
    case 'freshness': {
      const maxAge = parseDuration(
        check.maxAge,
        (m) => new OrchestrationError('DF_TASK_INVALID', m),
      )
      const threshold = sqlLiteral(new Date(now - maxAge))
      const col = quoteIdentifier(check.column)
      return {
        ...base,
        sql: `SELECT MAX(${col}) AS "observed", CASE WHEN MAX(${col}) >= ${threshold} THEN TRUE ELSE FALSE END AS "fresh" FROM ${table}`,
        expected: `>= ${threshold.slice(11, -1)}`,
        read: 'row',
        judge: ({ row }) => ({
          passed: row?.fresh === true,
          observed: (row?.observed ?? null) as JsonValue,
        }),
      }
    }
    case 'schema':
      return schemaCheck(base, check.columns, check.exact === true, table)
  }
}

type Base = Pick<PreparedCheck, 'check' | 'name' | 'severity'>

function customSql(
  base: Base,
  sql: string,
  expect: CustomSqlCheck['expect'],
  table: string,
  render: (text: string) => string,
): PreparedCheck {
  const text = render(sql.replace(/\{\{\s*table\s*\}\}/g, () => table))
  const expected =
    expect === undefined
      ? '= 0 (count) or TRUE (boolean)'
      : typeof expect === 'object'
        ? `${OP_TEXT[expect.op]} ${expect.value}`
        : `= ${String(expect).toUpperCase()}`
  return {
    ...base,
    sql: text,
    expected,
    read: 'row',
    judge: ({ rowCount, row, schema }) => {
      if (rowCount !== 1) {
        throw new Error(`custom_sql must return exactly one row, it returned ${rowCount}`)
      }
      const first = schema[0]?.name
      const value = first === undefined ? undefined : row?.[first]
      if (typeof value === 'boolean') {
        const want = expect === undefined ? true : expect
        if (typeof want !== 'boolean')
          throw new Error('custom_sql returned a boolean, expect is a count')
        return { passed: value === want, observed: value }
      }
      const observed = toNumber(value)
      if (typeof expect === 'boolean')
        throw new Error('custom_sql returned a count, expect is a boolean')
      const want =
        expect === undefined
          ? { op: 'eq' as const, value: 0 }
          : typeof expect === 'number'
            ? { op: 'eq' as const, value: expect }
            : expect
      return { passed: compare(observed, want.op, want.value), observed }
    },
  }
}

const ALIASES: Record<string, string> = {
  INT: 'INTEGER',
  INT4: 'INTEGER',
  INT8: 'BIGINT',
  LONG: 'BIGINT',
  STRING: 'VARCHAR',
  TEXT: 'VARCHAR',
  'CHARACTER VARYING': 'VARCHAR',
  BOOL: 'BOOLEAN',
  REAL: 'FLOAT',
  FLOAT4: 'FLOAT',
  FLOAT8: 'DOUBLE',
  'DOUBLE PRECISION': 'DOUBLE',
  DATETIME: 'TIMESTAMP',
}

function normalizeType(t: string): string {
  const up = t
    .trim()
    .toUpperCase()
    .replace(/\s+/g, ' ')
    .replace(/\s*([(),])\s*/g, '$1')
  return ALIASES[up] ?? up
}

/** Dremio's REST type as text: `BIGINT`, `DECIMAL(10,2)`. */
function fieldType(f: DremioField): string {
  const t = f.type
  return t.name === 'DECIMAL' && t.precision !== undefined
    ? `DECIMAL(${t.precision},${t.scale ?? 0})`
    : t.name
}

function schemaCheck(
  base: Base,
  columns: Readonly<Record<string, string>> | readonly string[],
  exact: boolean,
  table: string,
): PreparedCheck {
  const wanted: [string, string][] = Array.isArray(columns)
    ? (columns as string[]).map((c) => [c, '*'])
    : Object.entries(columns as Record<string, string>)
  return {
    ...base,
    sql: `SELECT * FROM ${table} LIMIT 0`,
    expected: wanted.map(([c, t]) => `${c} ${t}`).join(', ') + (exact ? ' (exactly)' : ''),
    read: 'schema',
    judge: ({ schema }) => {
      const actual = new Map(schema.map((f) => [(f.name ?? '').toLowerCase(), f]))
      const observed: Record<string, string> = {}
      for (const f of schema) observed[f.name ?? ''] = fieldType(f)
      let passed = !exact || actual.size === wanted.length
      for (const [name, type] of wanted) {
        const f = actual.get(name.toLowerCase())
        if (!f) passed = false
        else if (type !== '*') {
          const want = normalizeType(type)
          const got = fieldType(f)
          if (!(want === got || (want === 'DECIMAL' && got.startsWith('DECIMAL')))) passed = false
        }
      }
      return { passed, observed }
    },
  }
}

function toNumber(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN
  if (!Number.isFinite(n))
    throw new Error(`expected a number, the query returned ${JSON.stringify(v)}`)
  return n
}
