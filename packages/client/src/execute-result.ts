/**
 * Parses the result rows of DDL/DML statements (reference §12) into a tagged union, so callers
 * never read magic column names themselves.
 */
import type { DremioField, Row } from './types.js'

/** INSERT/UPDATE/DELETE/MERGE/COPY INTO/CTAS: rows written (sum of `Records`). */
export interface DmlResult {
  kind: 'dml'
  /** Rows inserted, updated, deleted, merged or copied. */
  recordsAffected: number
  /** COPY INTO with `ON_ERROR 'continue'|'skip_file'`: rows rejected. */
  rejectedRecords?: number
}

/** CREATE/DROP/ALTER/TRUNCATE/ROLLBACK/USE…: Dremio's `ok`/`summary` row. */
export interface DdlResult {
  kind: 'ddl'
  /** Dremio's `ok` column (`true` when the row had only a `summary`). */
  ok: boolean
  /** Dremio's `summary`, e.g. `"Table [a.b.t] dropped"`. */
  summary: string
}

/** `OPTIMIZE TABLE … REWRITE DATA` counters. */
export interface OptimizeResult {
  kind: 'optimize'
  rewrittenDataFilesCount: number
  rewrittenDeleteFilesCount: number
  newDataFilesCount: number
}

/** `VACUUM TABLE` counters: every `*_count`/`*_mb` column, camel-cased. */
export interface VacuumResult {
  kind: 'vacuum'
  /** e.g. `deletedDataFilesCount`, `deletedManifestListsCount`, `deletedFilesTotalSizeMb`. */
  counters: Record<string, number>
}

/** Any other statement: its rows as they are. */
export interface RowsResult {
  kind: 'rows'
  rows: Row[]
}

/** What `client.execute()` resolves with. */
export type ExecuteResult = DmlResult | DdlResult | OptimizeResult | VacuumResult | RowsResult

const DML_COLUMNS = new Set([
  'Records',
  'Rows Inserted',
  'Rows Updated',
  'Rows Deleted',
  'Rows Merged',
])
// CTAS writer summary: one row per written fragment; the statement's count is the sum.
const CTAS_MARKERS = ['Fragment', 'Path']

function camel(name: string): string {
  return name.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v ?? 0)
}

/** Classifies a statement's result by its schema. */
export function parseExecuteResult(schema: DremioField[], rows: Row[]): ExecuteResult {
  const names = schema.map((f) => f.name ?? '')
  const has = (n: string): boolean => names.includes(n)
  if (has('ok') && has('summary') && names.length === 2 && rows.length === 1) {
    const row = rows[0] as Row
    return { kind: 'ddl', ok: row.ok === true, summary: String(row.summary ?? '') }
  }
  if (names.length === 1 && has('summary') && rows.length === 1) {
    return { kind: 'ddl', ok: true, summary: String((rows[0] as Row).summary ?? '') }
  }
  if (has('rewritten_data_files_count') && has('new_data_files_count')) {
    const row = rows[0] ?? {}
    return {
      kind: 'optimize',
      rewrittenDataFilesCount: num(row.rewritten_data_files_count),
      rewrittenDeleteFilesCount: num(row.rewritten_delete_files_count),
      newDataFilesCount: num(row.new_data_files_count),
    }
  }
  if (names.length > 0 && names.every((n) => n.startsWith('deleted_'))) {
    const row = rows[0] ?? {}
    const counters: Record<string, number> = {}
    for (const n of names) counters[camel(n)] = num(row[n])
    return { kind: 'vacuum', counters }
  }
  const dmlColumn = names.find((n) => DML_COLUMNS.has(n))
  const isCtas = CTAS_MARKERS.every(has) && has('Records')
  const onlyCounts = names.every((n) => DML_COLUMNS.has(n) || n === 'RejectedRecords')
  if (dmlColumn && (isCtas || (onlyCounts && rows.length <= 1))) {
    let records = 0
    let rejected: number | undefined
    for (const row of rows) {
      records += num(row[dmlColumn])
      if (has('RejectedRecords')) rejected = (rejected ?? 0) + num(row.RejectedRecords)
    }
    return rejected === undefined
      ? { kind: 'dml', recordsAffected: records }
      : { kind: 'dml', recordsAffected: records, rejectedRecords: rejected }
  }
  return { kind: 'rows', rows }
}
