/**
 * The data-quality check vocabulary, shared by `DataQualityTask`, YAML suites and the CLI:
 * `not_null`, `unique`, `row_count`, `values_in`, `custom_sql`, `freshness`, `schema`. A check is
 * a plain JSON object (`{ type: 'not_null', column: 'id' }`), so it is stored with the task and
 * read from YAML as is; the `dq` helpers only save typing. `normalizeCheck` validates one and
 * accepts the original dremioframe spellings (`operator`, `threshold`, `condition`, `gte`…).
 */
import type { JsonObject } from '@df/orchestration'

/** `error` fails the task (and `dq run`), `warn` is only recorded. */
export type Severity = 'error' | 'warn'

/** Comparison operators of `row_count` and `custom_sql`. */
export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'

/** Fields every check has. */
export interface CheckCommon {
  /** Shown in reports. @default e.g. `not_null(user_id)` */
  readonly name?: string
  /** @default 'error' */
  readonly severity?: Severity
}

/** No NULL in `column`. Observed: the number of NULL rows (must be 0). */
export interface NotNullCheck extends CheckCommon {
  readonly type: 'not_null'
  readonly column: string
}

/**
 * No two rows share the same values in `columns`. Rows with a NULL in any of the columns are
 * ignored (SQL UNIQUE semantics: add `not_null` to forbid them). Observed: the number of
 * duplicated key values (must be 0).
 */
export interface UniqueCheck extends CheckCommon {
  readonly type: 'unique'
  readonly columns: readonly string[]
}

/** `COUNT(*)` (of the rows matching `where`) compared with `value`. Observed: the count. */
export interface RowCountCheck extends CheckCommon {
  readonly type: 'row_count'
  /** A trusted SQL predicate (templated), e.g. `event_count > 0`. @default every row */
  readonly where?: string
  readonly op: CompareOp
  readonly value: number
}

/**
 * Every non-NULL value of `column` is one of `values`. NULLs pass unless `allowNull: false`
 * (then each NULL counts as a bad row). Observed: the number of bad rows (must be 0).
 */
export interface ValuesInCheck extends CheckCommon {
  readonly type: 'values_in'
  readonly column: string
  readonly values: readonly (string | number | boolean)[]
  /** @default true */
  readonly allowNull?: boolean
}

/**
 * Your own SQL, in one of two forms (the semantics of both, once):
 * - `sql`: a query returning exactly ONE row; its first column is the observed value, a count
 *   (number) or a boolean. It passes when the value compares true with `expect`: a number means
 *   `eq` that number, a boolean means equal to it, `{ op, value }` any comparison. Without
 *   `expect`, a count must be 0 (the query counts bad rows) and a boolean must be true.
 *   `{{ table }}` in the SQL is replaced by the checked table's quoted path.
 * - `condition`: a row-level invariant every row must satisfy, e.g. `discount <= amount`. The
 *   observed value is the number of rows where it is false or NULL (must be 0).
 */
export interface CustomSqlCheck extends CheckCommon {
  readonly type: 'custom_sql'
  readonly sql?: string
  readonly condition?: string
  readonly expect?: number | boolean | { readonly op: CompareOp; readonly value: number }
}

/**
 * The newest value of `column` (a TIMESTAMP or DATE) is at most `maxAge` old, compared in SQL
 * with a UTC timestamp literal (`now - maxAge`). An empty table fails. Observed: `MAX(column)`.
 */
export interface FreshnessCheck extends CheckCommon {
  readonly type: 'freshness'
  readonly column: string
  /** `'90s'`, `'30m'`, `'6h'`, `'2d'`, `'1w'`, or milliseconds as a number. */
  readonly maxAge: string | number
}

/**
 * The table has these columns (names compared case-insensitively, as Dremio does) with these
 * Dremio types (`BIGINT`, `VARCHAR`, `DECIMAL(10,2)`, `DECIMAL` for any precision, `*` or an
 * array of names for any type). `exact: true` also fails on extra columns. One `LIMIT 0` query;
 * the types come from Dremio's REST result schema. Observed: the actual `{ column: TYPE }`.
 */
export interface SchemaCheck extends CheckCommon {
  readonly type: 'schema'
  readonly columns: Readonly<Record<string, string>> | readonly string[]
  /** @default false */
  readonly exact?: boolean
}

/** One check. */
export type DataQualityCheck =
  | NotNullCheck
  | UniqueCheck
  | RowCountCheck
  | ValuesInCheck
  | CustomSqlCheck
  | FreshnessCheck
  | SchemaCheck

/** The check type names. */
export const CHECK_TYPES = [
  'not_null',
  'unique',
  'row_count',
  'values_in',
  'custom_sql',
  'freshness',
  'schema',
] as const

type Opts = CheckCommon

/**
 * Builders for checks (plain objects; the same vocabulary as YAML suites).
 * @example
 * checks: [dq.not_null('user_id'), dq.row_count({ op: 'ge', value: 1 }), dq.unique(['id'])]
 */
export const dq = {
  not_null: (column: string, o: Opts = {}): NotNullCheck => ({ type: 'not_null', column, ...o }),
  unique: (columns: string | readonly string[], o: Opts = {}): UniqueCheck => ({
    type: 'unique',
    columns: typeof columns === 'string' ? [columns] : columns,
    ...o,
  }),
  row_count: (
    spec: { where?: string; op: CompareOp; value: number },
    o: Opts = {},
  ): RowCountCheck => ({ type: 'row_count', ...spec, ...o }),
  values_in: (
    column: string,
    values: readonly (string | number | boolean)[],
    o: Opts & { allowNull?: boolean } = {},
  ): ValuesInCheck => ({ type: 'values_in', column, values, ...o }),
  custom_sql: (sql: string, expect?: CustomSqlCheck['expect'], o: Opts = {}): CustomSqlCheck => ({
    type: 'custom_sql',
    sql,
    ...(expect !== undefined ? { expect } : {}),
    ...o,
  }),
  freshness: (column: string, maxAge: string | number, o: Opts = {}): FreshnessCheck => ({
    type: 'freshness',
    column,
    maxAge,
    ...o,
  }),
  schema: (columns: SchemaCheck['columns'], o: Opts & { exact?: boolean } = {}): SchemaCheck => ({
    type: 'schema',
    columns,
    ...o,
  }),
} as const

/** A check as JSON (for stored task options). */
export function checkToJson(check: DataQualityCheck): JsonObject {
  return JSON.parse(JSON.stringify(check)) as JsonObject
}
