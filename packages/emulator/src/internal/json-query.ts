/**
 * The fast path for SELECT results: DuckDB itself writes each result row as Dremio row JSON
 * (in parallel, in C++) and joins them, in order, into blocks of BLOCK_ROWS rows separated by
 * newlines (JSON text never holds a raw newline). Reading one long string from DuckDB costs about
 * what reading one short string costs, so a 1,000,000-row result is ~4,000 reads instead of
 * 1,000,000. The query is prepared first to learn its column types (no execution), then wrapped
 * once; it runs exactly once. Types this path cannot encode exactly (nested, intervals, time with
 * zone) make the caller fall back to encoding typed values in JS.
 */
import {
  type DuckDBConnection,
  type DuckDBType,
  DuckDBTypeId,
  StatementType,
} from '@duckdb/node-api'
import { type DremioField, dedupe, dremioType } from './encode.js'
import { quoteIdent, quoteString } from './sql-tokens.js'

/** Rows per block of the fast path. */
export const BLOCK_ROWS = 256

/** SQL that renders column `c` (a quoted identifier) as JSON text, or undefined if unsupported. */
function jsonExpr(type: DuckDBType, c: string): string | undefined {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return `CASE WHEN ${c} THEN 'true' ELSE 'false' END`
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.DECIMAL:
      // DECIMAL text keeps its scale (`10.50`), like Jackson's BigDecimal output.
      return `CAST(${c} AS VARCHAR)`
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      // Not JSON numbers: quoted with Java's names, as the JS encoder does.
      return (
        `CASE WHEN isfinite(${c}) THEN CAST(${c} AS VARCHAR) WHEN isnan(${c}) THEN '"NaN"' ` +
        `WHEN ${c} > 0 THEN '"Infinity"' ELSE '"-Infinity"' END`
      )
    case DuckDBTypeId.VARCHAR:
      return `CAST(to_json(${c}) AS VARCHAR)`
    case DuckDBTypeId.UUID:
    case DuckDBTypeId.ENUM:
      return `CAST(to_json(CAST(${c} AS VARCHAR)) AS VARCHAR)`
    case DuckDBTypeId.BLOB:
      return `'"' || to_base64(${c}) || '"'`
    case DuckDBTypeId.DATE:
      return `'"' || strftime(${c}, '%Y-%m-%d') || '"'`
    case DuckDBTypeId.TIME:
      return `'"' || strftime(DATE '1970-01-01' + ${c}, '%H:%M:%S.%g') || '"'`
    case DuckDBTypeId.TIMESTAMP:
      return `'"' || strftime(${c}, '%Y-%m-%d %H:%M:%S.%g') || '"'`
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return `'"' || strftime(CAST(${c} AS TIMESTAMP), '%Y-%m-%d %H:%M:%S.%g') || '"'`
    case DuckDBTypeId.TIMESTAMP_TZ:
      return `'"' || strftime(timezone('UTC', ${c}), '%Y-%m-%d %H:%M:%S.%g') || '"'`
    default:
      return undefined
  }
}

/** A query prepared for the fast path: its Dremio schema and the wrapping SQL. */
export interface JsonQuery {
  names: string[]
  schema: DremioField[]
  sql: string
}

/**
 * Prepares `sql` (one SELECT-like statement) and builds the JSON-rendering query, or returns
 * undefined when a column type needs the JS encoder (or the statement is not a plain query).
 */
export async function prepareJsonQuery(
  conn: DuckDBConnection,
  sql: string,
): Promise<JsonQuery | undefined> {
  const prepared = await conn.prepare(sql)
  const count = prepared.columnCount
  if (count === 0 || prepared.statementType !== StatementType.SELECT) return undefined
  const names: string[] = []
  const types: DuckDBType[] = []
  for (let i = 0; i < count; i++) {
    names.push(prepared.columnName(i))
    types.push(prepared.columnType(i))
  }
  const unique = dedupe(names)
  const parts: string[] = []
  for (let i = 0; i < count; i++) {
    const column = quoteIdent(`c${i}`)
    const expr = jsonExpr(types[i] as DuckDBType, column)
    if (expr === undefined) return undefined
    const key = quoteString(`${i === 0 ? '{' : ','}${JSON.stringify(unique[i])}:`)
    // NULL is tested on the column, not the expression: CASE-based encoders (BOOLEAN, DOUBLE)
    // would otherwise turn NULL into a value.
    parts.push(`${key} || CASE WHEN ${column} IS NULL THEN 'null' ELSE ${expr} END`)
  }
  const aliases = names.map((_, i) => quoteIdent(`c${i}`)).join(', ')
  // `row_number() OVER ()` numbers rows in the order the query produces them (DuckDB's
  // streaming window); the ordered string_agg keeps that order inside each block.
  // The newline after the user's SQL ends a trailing `--` comment.
  const rows = `SELECT ${parts.join(' || ')} || '}' AS j, row_number() OVER () - 1 AS rn FROM (${sql}\n) AS q(${aliases})`
  return {
    names: unique,
    schema: unique.map((name, i) => ({ name, type: dremioType(types[i] as DuckDBType) })),
    sql:
      `SELECT rn // ${BLOCK_ROWS} AS b, count(*)::BIGINT AS n, string_agg(j, chr(10) ORDER BY rn) AS rows ` +
      `FROM (${rows}) GROUP BY b ORDER BY b`,
  }
}
