/** Options of `createSqliteBackend`. */

/**
 * The file `createSqliteBackend()` uses when no `path` is given, relative to the current
 * directory. The CLI uses the same default, so `pipeline list` shows what a script wrote (the
 * original's backend and CLI disagreed here: reference §2.4).
 */
export const DEFAULT_SQLITE_PATH = 'dremioframe.db'

/** @default 5000 */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000

/** Options of `createSqliteBackend`. */
export interface SqliteBackendOptions {
  /**
   * The database file, created when missing (its directory must exist). `':memory:'` keeps
   * everything in this backend's memory: nothing is shared with other processes.
   * @default DEFAULT_SQLITE_PATH ('dremioframe.db' in the current directory)
   */
  readonly path?: string
  /**
   * How long one statement waits for another process's write lock before the backend retries.
   * @default 5000
   */
  readonly busyTimeoutMs?: number
  /**
   * How long an operation keeps retrying while the file stays locked by other processes, after
   * which it rejects with `DF_BACKEND_UNAVAILABLE`. Lock waits never surface as errors before this.
   * @default 60000
   */
  readonly lockRetryMs?: number
  /**
   * `PRAGMA synchronous`. `'NORMAL'` (with WAL) survives a process crash and loses at most the
   * last transactions on power loss; `'FULL'` also survives power loss at the cost of an fsync
   * per commit.
   * @default 'NORMAL'
   */
  readonly synchronous?: 'NORMAL' | 'FULL'
  /**
   * `PRAGMA wal_autocheckpoint`: how many pages the write-ahead log may hold before a commit
   * copies it back into the database file (with an fsync). SQLite's default of 1000 costs a
   * checkpoint every few hundred task updates; 10000 (about 40 MB of log) amortises it.
   * @default 10000
   */
  readonly walAutocheckpointPages?: number
  /**
   * Shown in errors and logs.
   * @default 'sqlite'
   */
  readonly name?: string
  /** The clock used only to stamp `applied_at` of migrations. @default Date.now */
  readonly now?: () => number
}
