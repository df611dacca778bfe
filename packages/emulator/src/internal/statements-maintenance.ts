/**
 * `OPTIMIZE TABLE` and `VACUUM TABLE` in Dremio's documented grammar (reference §12). Iceberg
 * maintenance has nothing to do on DuckDB, so after the table check these validate the rest of
 * the statement and report zero files. VACUUM settings are `name [=] value` (Dremio's grammar:
 * `older_than [=] <string>`, `retain_last [=] <number>`, `location [=] <string>`; the Cloud docs
 * write `older_than '…' retain_last=20`, the Software docs `older_than = '…'`; keywords ignore
 * case). A form Dremio rejects fails here too, e.g. dremioframe's `EXPIRE SNAPSHOTS RETAIN LAST 5`.
 */
import type { DuckDBMaterializedResult } from '@duckdb/node-api'
import { type Cursor, splitTopLevel } from './sql-cursor.js'
import { SqlError } from './sql-translate.js'
import type { ExecEnv } from './statements.js'

const FILE_OPTIONS =
  /^(TARGET_FILE_SIZE_MB|MIN_FILE_SIZE_MB|MAX_FILE_SIZE_MB|MIN_INPUT_FILES)\s*=\s*(\d+)$/i
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2}(\.\d{1,9})?)?$/

/** The rest of `OPTIMIZE TABLE <t> …` after the table path. */
export function optimizeTable(env: ExecEnv, c: Cursor): Promise<DuckDBMaterializedResult> {
  if (c.accept('REWRITE', 'MANIFESTS')) {
    end(c)
    return env.conn.run(`SELECT 'Optimize table successful' AS summary`)
  }
  if (c.accept('REWRITE', 'DATA')) {
    c.accept('USING', 'BIN_PACK')
    if (c.peek()?.text === '(') fileOptions(c)
  }
  if (c.accept('FOR', 'PARTITIONS')) {
    // The predicate runs to the end of the statement.
    if (c.done) throw c.syntaxError('a partition predicate')
  } else end(c)
  return env.conn.run(
    'SELECT 0::BIGINT AS rewritten_data_files_count, 0::BIGINT AS rewritten_delete_files_count, ' +
      '0::BIGINT AS new_data_files_count',
  )
}

function fileOptions(c: Cursor): void {
  const { from, to } = c.group()
  const seen = new Set<string>()
  for (const part of splitTopLevel(c.tokens, from, to)) {
    const m = FILE_OPTIONS.exec(part)
    if (!m) {
      throw new SqlError(
        `Failure parsing the query: invalid OPTIMIZE option "${part}" (TARGET_FILE_SIZE_MB, MIN_FILE_SIZE_MB, MAX_FILE_SIZE_MB or MIN_INPUT_FILES = <number>)`,
      )
    }
    const name = (m[1] as string).toUpperCase()
    if (seen.has(name)) throw new SqlError(`Failure parsing the query: ${name} is given twice`)
    seen.add(name)
  }
}

/** The rest of `VACUUM TABLE <t> …` after the table path. */
export function vacuumTable(env: ExecEnv, c: Cursor): Promise<DuckDBMaterializedResult> {
  if (c.accept('EXPIRE', 'SNAPSHOTS')) {
    settings(c, { older_than: timestamp, retain_last: positiveInteger })
    const cols = [
      'data_files',
      'position_delete_files',
      'equality_delete_files',
      'manifest_files',
      'manifest_lists',
      'partition_stats_files',
    ]
    return env.conn.run(`SELECT ${cols.map((n) => `0::BIGINT AS deleted_${n}_count`).join(', ')}`)
  }
  if (c.accept('REMOVE', 'ORPHAN', 'FILES')) {
    settings(c, { older_than: timestamp, location: (cur) => cur.string() })
    return env.conn.run(
      'SELECT 0::BIGINT AS deleted_files_count, 0::BIGINT AS deleted_files_total_size_mb',
    )
  }
  throw c.syntaxError('EXPIRE SNAPSHOTS or REMOVE ORPHAN FILES')
}

/** `name [=] value` settings, each at most once, until the end of the statement. */
function settings(c: Cursor, readers: Record<string, (c: Cursor) => unknown>): void {
  const seen = new Set<string>()
  while (!c.done) {
    const word = c.peek()
    const name = word?.kind === 'word' ? word.text.toLowerCase() : undefined
    const read = name === undefined ? undefined : readers[name]
    if (name === undefined || read === undefined || seen.has(name)) {
      throw c.syntaxError(`${Object.keys(readers).join(' [=] …, ')} [=] …`)
    }
    seen.add(name)
    c.next()
    if (c.peek()?.text === '=') c.next()
    read(c)
  }
}

function timestamp(c: Cursor): string {
  const value = c.string()
  if (!TIMESTAMP.test(value)) {
    throw new SqlError(
      `Failure parsing the query: '${value}' is not a timestamp (YYYY-MM-DD HH:MM:SS.sss)`,
    )
  }
  return value
}

function positiveInteger(c: Cursor): number {
  const t = c.peek()
  if (t?.kind !== 'number' || !/^\d+$/.test(t.text) || Number(t.text) < 1) {
    throw c.syntaxError('a whole number >= 1')
  }
  c.next()
  return Number(t.text)
}

function end(c: Cursor): void {
  if (!c.done) throw c.syntaxError('end of statement')
}
