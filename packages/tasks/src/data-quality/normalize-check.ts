/**
 * Validates one check (from TypeScript or YAML) into its canonical form. Unknown types and
 * unknown keys are errors, so a typo (`colum:`) or a misplaced key never turns into a check that
 * silently checks nothing. Accepts the original dremioframe spellings: `unique.column`,
 * `row_count.{condition|expr, operator, threshold}`, `gte`/`lte`, `custom_sql.error_msg`.
 */
import { OrchestrationError } from '@df/orchestration'
import {
  CHECK_TYPES,
  type CompareOp,
  type CustomSqlCheck,
  type DataQualityCheck,
  type Severity,
} from './checks.js'

const OPS: Record<string, CompareOp> = {
  eq: 'eq',
  '=': 'eq',
  '==': 'eq',
  ne: 'ne',
  '!=': 'ne',
  '<>': 'ne',
  gt: 'gt',
  '>': 'gt',
  ge: 'ge',
  gte: 'ge',
  '>=': 'ge',
  lt: 'lt',
  '<': 'lt',
  le: 'le',
  lte: 'le',
  '<=': 'le',
}

const KEYS: Record<DataQualityCheck['type'], readonly string[]> = {
  not_null: ['column'],
  unique: ['columns', 'column'],
  row_count: ['where', 'condition', 'expr', 'op', 'operator', 'value', 'threshold'],
  values_in: ['column', 'values', 'allowNull', 'allow_null'],
  custom_sql: ['sql', 'condition', 'expect', 'error_msg'],
  freshness: ['column', 'maxAge', 'max_age'],
  schema: ['columns', 'exact'],
}

/**
 * Validates `input` as a check; `where` locates it in errors (`suite.yaml: test 'x' check 2`).
 * @throws OrchestrationError `DF_TASK_INVALID` naming the problem and the place.
 */
export function normalizeCheck(input: unknown, where: string): DataQualityCheck {
  const fail = (what: string) =>
    new OrchestrationError('DF_TASK_INVALID', `[@df/orchestration] ${where}: ${what}.`)
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw fail('a check must be an object with a `type`')
  }
  const o = input as Record<string, unknown>
  const type = o.type
  if (typeof type !== 'string' || !(CHECK_TYPES as readonly string[]).includes(type)) {
    throw fail(`unknown check type ${JSON.stringify(type)} (use one of ${CHECK_TYPES.join(', ')})`)
  }
  const t = type as DataQualityCheck['type']
  for (const key of Object.keys(o)) {
    if (key !== 'type' && key !== 'name' && key !== 'severity' && !KEYS[t].includes(key)) {
      throw fail(`${t} has no option '${key}' (options: ${KEYS[t].join(', ')}, name, severity)`)
    }
  }
  const str = (key: string, value: unknown = o[key]): string => {
    if (typeof value !== 'string' || value.trim() === '') throw fail(`${t} needs '${key}' (text)`)
    return value
  }
  const common: { name?: string; severity?: Severity } = {}
  if (o.name !== undefined) common.name = str('name')
  const sev = o.severity === 'warning' ? 'warn' : o.severity
  if (sev !== undefined) {
    if (sev !== 'error' && sev !== 'warn') throw fail(`severity must be 'error' or 'warn'`)
    common.severity = sev
  }
  const op = (value: unknown): CompareOp => {
    const found = typeof value === 'string' ? OPS[value.toLowerCase()] : undefined
    if (!found) throw fail(`unknown operator ${JSON.stringify(value)} (eq, ne, gt, ge, lt, le)`)
    return found
  }
  const num = (key: string, value: unknown): number => {
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw fail(`'${key}' must be a number`)
    return value
  }
  switch (t) {
    case 'not_null':
      return { type: t, column: str('column'), ...common }
    case 'unique': {
      const raw = o.columns ?? o.column
      const columns = typeof raw === 'string' ? [raw] : raw
      if (!Array.isArray(columns) || columns.length === 0) throw fail("unique needs 'columns'")
      return { type: t, columns: columns.map((c) => str('columns', c)), ...common }
    }
    case 'row_count': {
      const w = o.where ?? o.condition ?? o.expr
      const rawOp = o.op ?? o.operator
      const rawValue = o.value ?? o.threshold
      if ((rawOp === undefined) !== (rawValue === undefined)) {
        throw fail("row_count needs both 'op' and 'value' (or neither: at least one row)")
      }
      return {
        type: t,
        ...(w !== undefined ? { where: str('where', w) } : {}),
        op: rawOp === undefined ? 'gt' : op(rawOp),
        value: rawValue === undefined ? 0 : num('value', rawValue),
        ...common,
      }
    }
    case 'values_in': {
      const values = o.values
      if (!Array.isArray(values) || values.length === 0) {
        throw fail("values_in needs a non-empty 'values' list")
      }
      for (const v of values) {
        if (v === null) throw fail("'values' cannot hold null: set allowNull instead")
        if (!['string', 'number', 'boolean'].includes(typeof v)) {
          throw fail("'values' may hold only strings, numbers and booleans")
        }
      }
      const allow = o.allowNull ?? o.allow_null
      if (allow !== undefined && typeof allow !== 'boolean') throw fail("'allowNull' is true/false")
      return {
        type: t,
        column: str('column'),
        values: values as (string | number | boolean)[],
        ...(allow !== undefined ? { allowNull: allow } : {}),
        ...common,
      }
    }
    case 'custom_sql':
      return customSql(o, common, str, op, num, fail)
    case 'freshness': {
      const maxAge = o.maxAge ?? o.max_age
      parseDuration(maxAge, fail)
      return { type: t, column: str('column'), maxAge: maxAge as string | number, ...common }
    }
    case 'schema': {
      const columns = o.columns
      const ok = Array.isArray(columns)
        ? columns.length > 0 && columns.every((c) => typeof c === 'string' && c !== '')
        : columns !== null &&
          typeof columns === 'object' &&
          Object.keys(columns).length > 0 &&
          Object.values(columns).every((v) => typeof v === 'string' && v.trim() !== '')
      if (!ok) throw fail("schema needs 'columns': { name: TYPE } or a list of names")
      if (o.exact !== undefined && typeof o.exact !== 'boolean') throw fail("'exact' is true/false")
      return {
        type: t,
        columns: columns as Record<string, string> | string[],
        ...(o.exact !== undefined ? { exact: o.exact } : {}),
        ...common,
      }
    }
  }
}

function customSql(
  o: Record<string, unknown>,
  common: { name?: string; severity?: Severity },
  str: (key: string, value?: unknown) => string,
  op: (v: unknown) => CompareOp,
  num: (key: string, v: unknown) => number,
  fail: (what: string) => Error,
): CustomSqlCheck {
  if ((o.sql === undefined) === (o.condition === undefined)) {
    throw fail("custom_sql needs exactly one of 'sql' (a query) or 'condition' (a row invariant)")
  }
  const name = common.name ?? (o.error_msg !== undefined ? str('error_msg') : undefined)
  const base = { type: 'custom_sql' as const, ...common, ...(name ? { name } : {}) }
  if (o.condition !== undefined) {
    if (o.expect !== undefined) throw fail("'expect' applies to 'sql', not to 'condition'")
    return { ...base, condition: str('condition') }
  }
  const e = o.expect
  let expect: CustomSqlCheck['expect']
  if (typeof e === 'number' || typeof e === 'boolean') expect = e
  else if (e !== null && typeof e === 'object' && !Array.isArray(e)) {
    const x = e as Record<string, unknown>
    expect = { op: op(x.op), value: num('expect.value', x.value) }
  } else if (e !== undefined) throw fail("'expect' is a number, a boolean or { op, value }")
  return { ...base, sql: str('sql'), ...(expect !== undefined ? { expect } : {}) }
}

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
}

/** `'30m'` → 1,800,000; a number is milliseconds. */
export function parseDuration(value: unknown, fail: (what: string) => Error): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value
  const m =
    typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$/.exec(value) : null
  if (!m) {
    throw fail(
      `maxAge must be a duration like '90s', '30m', '6h', '2d', '1w' or ms > 0, got ${JSON.stringify(value)}`,
    )
  }
  return Number(m[1]) * (UNITS[m[2] as string] as number)
}
