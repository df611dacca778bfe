/**
 * Dremio's Iceberg maintenance statements, in its documented syntax (reference §12), with every
 * identifier quoted and every literal escaped. Pure functions: the tasks use them, and so can
 * anyone who wants the exact text.
 */
import { quotePath, sqlLiteral } from '@df/client'
import { OrchestrationError } from '@df/orchestration'

/** A table path: `'lake.sales.orders'` (quoted segments allowed) or `['lake', 'sales', 'orders']`. */
export type TablePath = string | readonly string[]

/** Options of `OPTIMIZE TABLE`. */
export interface OptimizeSqlOptions {
  /**
   * `'data'`: `REWRITE DATA USING BIN_PACK` with the file-size options below;
   * `'manifests'`: `REWRITE MANIFESTS` (no other option applies).
   * @default 'data'
   */
  readonly rewrite?: 'data' | 'manifests'
  /** Target size of rewritten files, MB. */
  readonly targetFileSizeMb?: number
  /** Files smaller than this are rewritten, MB. */
  readonly minFileSizeMb?: number
  /** Files larger than this are split, MB. */
  readonly maxFileSizeMb?: number
  /** A partition is rewritten only when it has at least this many eligible files. */
  readonly minInputFiles?: number
  /** `FOR PARTITIONS <predicate>`: trusted SQL on partition columns, inserted as is. */
  readonly forPartitions?: string
}

const SIZE_OPTIONS = [
  ['targetFileSizeMb', 'TARGET_FILE_SIZE_MB'],
  ['minFileSizeMb', 'MIN_FILE_SIZE_MB'],
  ['maxFileSizeMb', 'MAX_FILE_SIZE_MB'],
  ['minInputFiles', 'MIN_INPUT_FILES'],
] as const

/**
 * `OPTIMIZE TABLE "a"."b" REWRITE DATA USING BIN_PACK (TARGET_FILE_SIZE_MB = 256) FOR PARTITIONS …`
 * or `OPTIMIZE TABLE "a"."b" REWRITE MANIFESTS`.
 * @throws OrchestrationError `DF_OPTION_INVALID` for a non-positive-integer size option, or file-size
 *   options with `rewrite: 'manifests'`.
 */
export function optimizeTableSql(table: TablePath, options: OptimizeSqlOptions = {}): string {
  const head = `OPTIMIZE TABLE ${quotePath(table)}`
  const given = SIZE_OPTIONS.filter(([key]) => options[key] !== undefined)
  if (options.rewrite === 'manifests') {
    if (given.length > 0 || options.forPartitions !== undefined) {
      throw invalid('REWRITE MANIFESTS takes no file-size or FOR PARTITIONS option')
    }
    return `${head} REWRITE MANIFESTS`
  }
  if (options.rewrite !== undefined && options.rewrite !== 'data') {
    throw invalid(`rewrite must be 'data' or 'manifests', got ${JSON.stringify(options.rewrite)}`)
  }
  let sql = `${head} REWRITE DATA USING BIN_PACK`
  if (given.length > 0) {
    const parts = given.map(([key, word]) => `${word} = ${positiveInt(key, options[key])}`)
    sql += ` (${parts.join(', ')})`
  }
  if (options.forPartitions !== undefined) {
    if (typeof options.forPartitions !== 'string' || options.forPartitions.trim() === '') {
      throw invalid('forPartitions must be a SQL predicate')
    }
    sql += ` FOR PARTITIONS ${options.forPartitions.trim()}`
  }
  return sql
}

/** Options of `VACUUM TABLE … EXPIRE SNAPSHOTS`. */
export interface ExpireSnapshotsSqlOptions {
  /** Expire snapshots older than this instant (a `Date`, or `YYYY-MM-DD[ HH:MM:SS[.fff]]` / ISO). */
  readonly olderThan?: string | Date
  /** Keep at least this many recent snapshots (≥ 1). */
  readonly retainLast?: number
}

/** `VACUUM TABLE "a"."b" EXPIRE SNAPSHOTS older_than = '2026-11-20 00:00:00.000' retain_last = 5`. */
export function expireSnapshotsSql(
  table: TablePath,
  options: ExpireSnapshotsSqlOptions = {},
): string {
  let sql = `VACUUM TABLE ${quotePath(table)} EXPIRE SNAPSHOTS`
  if (options.olderThan !== undefined) sql += ` older_than = ${timestamp(options.olderThan)}`
  if (options.retainLast !== undefined) {
    sql += ` retain_last = ${positiveInt('retainLast', options.retainLast)}`
  }
  return sql
}

/** Options of `VACUUM TABLE … REMOVE ORPHAN FILES`. */
export interface RemoveOrphanFilesSqlOptions {
  /** Remove orphan files older than this instant (Dremio's default is 5 days). */
  readonly olderThan?: string | Date
  /** Only look under this location (a path inside the table's location). */
  readonly location?: string
}

/** `VACUUM TABLE "a"."b" REMOVE ORPHAN FILES older_than = '…' location = '…'`. */
export function removeOrphanFilesSql(
  table: TablePath,
  options: RemoveOrphanFilesSqlOptions = {},
): string {
  let sql = `VACUUM TABLE ${quotePath(table)} REMOVE ORPHAN FILES`
  if (options.olderThan !== undefined) sql += ` older_than = ${timestamp(options.olderThan)}`
  if (options.location !== undefined) {
    if (typeof options.location !== 'string' || options.location === '') {
      throw invalid('location must be a non-empty path')
    }
    sql += ` location = ${sqlLiteral(options.location)}`
  }
  return sql
}

/** `ALTER TABLE "a"."b" REFRESH REFLECTIONS` (or `ALTER VIEW` for a view). */
export function refreshReflectionsSql(
  dataset: TablePath,
  kind: 'table' | 'view' = 'table',
): string {
  if (kind !== 'table' && kind !== 'view') throw invalid("kind must be 'table' or 'view'")
  return `ALTER ${kind === 'view' ? 'VIEW' : 'TABLE'} ${quotePath(dataset)} REFRESH REFLECTIONS`
}

const TS = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2})(\.\d{1,3})?)?$/

/** Dremio's timestamp literal for older_than: `'YYYY-MM-DD HH:MM:SS.fff'` (UTC for a Date/ISO). */
function timestamp(value: string | Date): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw invalid('olderThan is an invalid Date')
    return `'${value.toISOString().slice(0, 23).replace('T', ' ')}'`
  }
  if (typeof value !== 'string') throw invalid('olderThan must be a Date or a timestamp string')
  const m = TS.exec(value)
  if (m) return `'${m[1]} ${m[2] ?? '00:00:00'}${(m[3] ?? '.000').padEnd(4, '0')}'`
  const parsed = new Date(value)
  if (/^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(parsed.getTime())) return timestamp(parsed)
  throw invalid(`olderThan ${JSON.stringify(value)} is not YYYY-MM-DD[ HH:MM:SS[.fff]] or ISO 8601`)
}

function positiveInt(key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalid(`${key} must be a whole number ≥ 1, got ${String(value)}`)
  }
  return value
}

function invalid(what: string): OrchestrationError {
  return new OrchestrationError('DF_OPTION_INVALID', `[@df/orchestration] ${what}.`)
}
