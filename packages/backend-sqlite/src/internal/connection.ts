/**
 * Opening the file: pragmas, migrations and the prepared-statement cache. Everything here is
 * synchronous (better-sqlite3), so a transaction never spans an `await`: writes from one process
 * are queued on its JS thread by construction, and cross-process waits are the busy timeout's.
 */
import Database, { type Statement } from 'better-sqlite3'
import { migrate } from '../sqlite-migrations.js'
import { type RunListShape, runListSql, SQL } from '../sqlite-sql.js'
import { createWrites, type Writes } from './writes.js'

/** One prepared statement per entry of `SQL`. */
export type Statements = { readonly [K in keyof typeof SQL]: Statement }

/** An open file with its statements. */
export interface Connection {
  readonly db: Database.Database
  readonly sql: Statements
  readonly writes: Writes
  /** The cached `listRuns` statement for a filter shape. */
  runList(shape: RunListShape): Statement
}

export interface OpenOptions {
  readonly busyTimeoutMs: number
  readonly synchronous: 'NORMAL' | 'FULL'
  readonly walAutocheckpointPages: number
  readonly now: () => number
}

/** Opens (creating when missing) and migrates `path`. Throws driver errors untranslated. */
export function openConnection(path: string, options: OpenOptions): Connection {
  const db = new Database(path, { timeout: options.busyTimeoutMs })
  try {
    // WAL: readers never block the writer and a commit is one append, no fsync with NORMAL.
    if (path !== ':memory:') db.pragma('journal_mode = WAL')
    db.pragma(`synchronous = ${options.synchronous}`)
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs))}`)
    // Checkpoints are the only fsyncs with WAL + NORMAL; fewer, larger ones keep commits cheap.
    db.pragma(`wal_autocheckpoint = ${Math.max(0, Math.floor(options.walAutocheckpointPages))}`)
    migrate(db, options.now())
    const sql = Object.fromEntries(
      Object.entries(SQL).map(([key, text]) => [key, db.prepare(text)]),
    ) as unknown as Statements
    const lists = new Map<string, Statement>()
    return {
      db,
      sql,
      writes: createWrites(db, sql),
      runList(shape) {
        const key = `${+shape.pipeline}${+shape.status}${+shape.after}${+shape.before}${+shape.cursor}`
        let statement = lists.get(key)
        if (!statement) {
          statement = db.prepare(runListSql(shape))
          lists.set(key, statement)
        }
        return statement
      },
    }
  } catch (error) {
    db.close()
    throw error
  }
}
