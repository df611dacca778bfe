/**
 * `createMysqlBackend`: the `Backend` contract of `@df/orchestration` on MySQL 8 and MariaDB
 * 10.6+ (tested on MariaDB 10.11).
 *
 * For implementers of other backends: the contract is `Backend` in `@df/orchestration`
 * (packages/orchestration/src/backend.ts) and the definition of done is `describeBackend` from
 * `@df/conformance/backend` passing against a real server. This file owns the pool, the lazy
 * `init()` (migrations under `GET_LOCK`), transactions with deadlock retry and error
 * translation; the SQL lives in mysql-sql.ts and row mapping in internal/rows.ts.
 */
import type {
  AttemptRecord,
  Backend,
  BackendCapabilities,
  LeaseRenewal,
  NewRun,
  OperationOptions,
  Page,
  PageQuery,
  PipelineRecord,
  RunClaim,
  RunQuery,
  RunRecord,
  RunUpdate,
  TaskRecord,
  TaskUpdate,
  UpdateResult,
  Watermark,
} from '@df/orchestration'
import { OrchestrationError } from '@df/orchestration'
import type { Pool, PoolConnection } from 'mysql2/promise'
import mysql from 'mysql2/promise'
import { abortable } from './internal/abort.js'
import { isRetryable, translateError } from './internal/errors.js'
import { claimRuns, renewLeases } from './internal/leases.js'
import { decodeCursor, encodeCursor, pageLimit } from './internal/paging.js'
import { newRunRecord, toAttempt, toPipeline, toRun, toTask, toWatermark } from './internal/rows.js'
import { createRunStatements } from './internal/run-statements.js'
import { affectedOf, isMultiStatementPool, rowsOf, runTransaction } from './internal/script.js'
import { supportsSkipLocked } from './internal/server-version.js'
import { taskBatchResults, taskBatchStatements } from './internal/task-batch.js'
import {
  type MysqlBackendOptions,
  type ResolvedMysqlOptions,
  resolveMysqlOptions,
} from './mysql-backend-options.js'
import { migrateMysql, quoteIdent } from './mysql-migrations.js'
import { listRunsQuery, type MysqlStatements, mysqlSql, type Statement } from './mysql-sql.js'

/** A `Backend` on MySQL or MariaDB. */
export interface MysqlBackend extends Backend {
  readonly name: 'mysql'
  /** The database holding the tables (known after `init()`). */
  readonly database: string | undefined
}

/**
 * Creates a MySQL/MariaDB backend. Nothing connects until `init()` (or the first call), which
 * applies pending migrations in the (existing) database.
 *
 * @throws `DF_OPTION_INVALID` for an unknown option, a bad value or no database at all.
 * @example
 * ```ts
 * const backend = createMysqlBackend({ uri: 'mysql://df:secret@localhost:3306/dremioframe' })
 * await backend.init()
 * ```
 */
export function createMysqlBackend(options: MysqlBackendOptions = {}): MysqlBackend {
  return new MyBackend(resolveMysqlOptions(options, process.env))
}

type Db = { sql: MysqlStatements; q: string; multi: boolean; pool: Pool }

class MyBackend implements MysqlBackend {
  readonly name = 'mysql' as const
  readonly #options: ResolvedMysqlOptions
  #db: Db | undefined
  #ownsPool = false
  #skipLocked = true
  #initializing: Promise<void> | undefined
  #closed = false
  database: string | undefined

  constructor(options: ResolvedMysqlOptions) {
    this.#options = options
    this.database = options.database
  }

  /** `supportsLockingClaims` is what the server offers: known for sure after `init()`. */
  get capabilities(): BackendCapabilities {
    return { supportsLockingClaims: this.#skipLocked, supportsMultipleProcesses: true }
  }

  init(options?: OperationOptions): Promise<void> {
    if (this.#closed) return Promise.reject(this.#closedError())
    this.#initializing ??= this.#connectAndMigrate().catch((error: unknown) => {
      this.#initializing = undefined
      throw translateError(error, this.#options.target, 'init')
    })
    return abortable(this.#initializing, options?.signal)
  }

  async #connectAndMigrate(): Promise<void> {
    const o = this.#options
    let pool: Pool
    if (o.pool !== undefined) {
      pool = typeof o.pool === 'function' ? await o.pool() : o.pool
    } else {
      pool = mysql.createPool(o.poolOptions!)
      // Idle connections dropped by the server emit 'error'; the next query reports it instead.
      pool.on('connection', (conn) => conn.on('error', () => undefined))
      this.#ownsPool = true
    }
    const conn = await pool.getConnection()
    try {
      const [rows] = await conn.query('SELECT VERSION() AS v, DATABASE() AS db')
      const row = (rows as { v: string; db: string | null }[])[0]
      const database = o.database ?? row?.db ?? undefined
      if (database === undefined) {
        throw new OrchestrationError(
          'DF_OPTION_INVALID',
          '[@df/backend-mysql] No database: pass "database" or connect to one.',
        )
      }
      await migrateMysql(conn, database)
      this.#skipLocked = supportsSkipLocked(row?.v ?? '')
      this.database = database
      const multi = this.#ownsPool || isMultiStatementPool(pool)
      const q = quoteIdent(database)
      this.#db = { sql: mysqlSql(q), q, multi, pool }
    } finally {
      conn.release()
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#initializing?.catch(() => undefined)
    if (this.#ownsPool) await this.#db?.pool.end()
    this.#db = undefined
  }

  #closedError(): OrchestrationError {
    return new OrchestrationError(
      'DF_BACKEND_CLOSED',
      '[@df/backend-mysql] The backend was used after close().',
    )
  }

  /** Runs `fn` after init, with abort support, deadlock retry and error translation. */
  async #run<T>(
    operation: string,
    options: OperationOptions | undefined,
    fn: (db: Db) => Promise<T>,
  ): Promise<T> {
    if (this.#closed) throw this.#closedError()
    options?.signal?.throwIfAborted()
    await this.init(options)
    const db = this.#db
    if (db === undefined || this.#closed) throw this.#closedError()
    for (let attempt = 0; ; attempt++) {
      try {
        return await abortable(fn(db), options?.signal)
      } catch (error) {
        if (isRetryable(error) && attempt < this.#options.maxDeadlockRetries) {
          // Jitter so two transactions that deadlocked do not collide again in lockstep.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)))
          continue
        }
        throw translateError(error, this.#options.target, operation)
      }
    }
  }

  /** Borrows a connection for `fn` (a transaction). */
  async #withConnection<T>(db: Db, fn: (conn: PoolConnection) => Promise<T>): Promise<T> {
    const conn = await db.pool.getConnection()
    try {
      return await fn(conn)
    } finally {
      conn.release()
    }
  }

  async #query(db: Db, [sql, values]: Statement): Promise<Record<string, unknown>[]> {
    const [rows] = await db.pool.query(sql, values as unknown[])
    return rows as Record<string, unknown>[]
  }

  /** A fixed statement, prepared once per connection and reused (mysql2 `execute`). */
  async #execute(db: Db, sql: string, values: unknown[]): Promise<Record<string, unknown>[]> {
    const [rows] = await db.pool.execute(sql, values as never)
    return rows as Record<string, unknown>[]
  }

  putPipeline(pipeline: PipelineRecord, options?: OperationOptions): Promise<void> {
    return this.#run('putPipeline', options, async (db) => {
      const definition = JSON.stringify({ tasks: pipeline.tasks, options: pipeline.options })
      await db.pool.query(db.sql.putPipeline, [
        pipeline.id,
        pipeline.description ?? null,
        definition,
        pipeline.definitionHash,
        pipeline.updatedAt,
      ])
    })
  }

  getPipeline(id: string, options?: OperationOptions): Promise<PipelineRecord | undefined> {
    return this.#run('getPipeline', options, async (db) => {
      const rows = await this.#execute(db, db.sql.getPipeline, [id])
      return rows[0] === undefined ? undefined : toPipeline(rows[0])
    })
  }

  listPipelines(query?: PageQuery, options?: OperationOptions): Promise<Page<PipelineRecord>> {
    return this.#run('listPipelines', options, async (db) => {
      const limit = pageLimit(query?.limit)
      const after =
        query?.cursor === undefined ? undefined : decodeCursor(query.cursor, ['string'] as const)[0]
      const rows = await this.#query(db, [
        db.sql.listPipelines(after !== undefined, limit + 1),
        after === undefined ? [] : [after],
      ])
      const items = rows.slice(0, limit).map(toPipeline)
      const last = items.at(-1)
      return rows.length > limit && last !== undefined
        ? { items, nextCursor: encodeCursor([last.id]) }
        : { items }
    })
  }

  createRun(run: NewRun, options?: OperationOptions): Promise<RunRecord> {
    return this.#run('createRun', options, async (db) => {
      const params = JSON.stringify(run.params)
      const statements = createRunStatements(db.sql, run, params)
      await this.#withConnection(db, (conn) => runTransaction(conn, statements, db.multi))
      return newRunRecord(run, params)
    })
  }

  getRun(id: string, options?: OperationOptions): Promise<RunRecord | undefined> {
    return this.#run('getRun', options, async (db) => {
      const rows = await this.#execute(db, db.sql.getRun, [id])
      return rows[0] === undefined ? undefined : toRun(rows[0])
    })
  }

  listRuns(query: RunQuery, options?: OperationOptions): Promise<Page<RunRecord>> {
    return this.#run('listRuns', options, async (db) => {
      const limit = pageLimit(query.limit)
      const statuses =
        query.status === undefined
          ? undefined
          : typeof query.status === 'string'
            ? [query.status]
            : [...query.status]
      if (statuses?.length === 0) return { items: [] }
      const after =
        query.cursor === undefined
          ? undefined
          : decodeCursor(query.cursor, ['number', 'string'] as const)
      const rows = await this.#query(
        db,
        listRunsQuery(db.q, {
          limit: limit + 1,
          ...(query.pipelineId !== undefined && { pipelineId: query.pipelineId }),
          ...(statuses !== undefined && { statuses }),
          ...(query.createdAfter !== undefined && { createdAfter: query.createdAfter }),
          ...(query.createdBefore !== undefined && { createdBefore: query.createdBefore }),
          ...(after !== undefined && { after }),
        }),
      )
      const items = rows.slice(0, limit).map(toRun)
      const last = items.at(-1)
      return rows.length > limit && last !== undefined
        ? { items, nextCursor: encodeCursor([last.createdAt, last.id]) }
        : { items }
    })
  }

  updateRun(update: RunUpdate, options?: OperationOptions): Promise<UpdateResult<RunRecord>> {
    return this.#run('updateRun', options, async (db) => {
      const [write, read] = await this.#withConnection(db, (conn) =>
        runTransaction(conn, [db.sql.updateRun(update), [db.sql.getRun, [update.id]]], db.multi),
      )
      const row = rowsOf(read)[0]
      if (row === undefined) return { ok: false, reason: 'not-found' }
      if (affectedOf(write) !== 1) return { ok: false, reason: 'conflict' }
      return { ok: true, value: toRun(row) }
    })
  }

  deleteRuns(
    query: { before: number; pipelineId?: string },
    options?: OperationOptions,
  ): Promise<number> {
    return this.#run('deleteRuns', options, async (db) => {
      const byPipeline = query.pipelineId !== undefined
      const [result] = await db.pool.query(
        db.sql.deleteRuns(byPipeline),
        byPipeline ? [query.before, query.pipelineId] : [query.before],
      )
      return affectedOf(result as never)
    })
  }

  getTasks(runId: string, options?: OperationOptions): Promise<TaskRecord[]> {
    return this.#run('getTasks', options, async (db) => {
      return (await this.#execute(db, db.sql.getTasks, [runId])).map(toTask)
    })
  }

  updateTasks(
    updates: readonly TaskUpdate[],
    options?: OperationOptions,
  ): Promise<UpdateResult<TaskRecord>[]> {
    return this.#run('updateTasks', options, async (db) => {
      if (updates.length === 0) return []
      const { statements, slots } = taskBatchStatements(db.sql, updates)
      const results = await this.#withConnection(db, (conn) =>
        runTransaction(conn, statements, db.multi),
      )
      return taskBatchResults(results, slots)
    })
  }

  listAttempts(
    runId: string,
    taskId?: string,
    options?: OperationOptions,
  ): Promise<AttemptRecord[]> {
    return this.#run('listAttempts', options, async (db) => {
      const byTask = taskId !== undefined
      const rows = await this.#query(db, [
        db.sql.listAttempts(byTask),
        byTask ? [runId, taskId] : [runId],
      ])
      return rows.map(toAttempt)
    })
  }

  claimRuns(claim: RunClaim, options?: OperationOptions): Promise<RunRecord[]> {
    return this.#run('claimRuns', options, async (db) => {
      if (claim.limit < 1 || claim.pipelineIds?.length === 0) return []
      return this.#withConnection(db, (conn) => claimRuns(conn, db.sql, claim, this.#skipLocked))
    })
  }

  renewLeases(renewal: LeaseRenewal, options?: OperationOptions): Promise<string[]> {
    return this.#run('renewLeases', options, async (db) => {
      if (renewal.runIds?.length === 0) return []
      return this.#withConnection(db, (conn) => renewLeases(conn, db.sql, renewal))
    })
  }

  getWatermark(key: string, options?: OperationOptions): Promise<Watermark | undefined> {
    return this.#run('getWatermark', options, async (db) => {
      const rows = await this.#execute(db, db.sql.getWatermark, [key])
      return rows[0] === undefined ? undefined : toWatermark(rows[0])
    })
  }

  setWatermark(
    key: string,
    next: Watermark,
    expected: Watermark | undefined,
    options?: OperationOptions,
  ): Promise<UpdateResult<Watermark>> {
    return this.#run('setWatermark', options, async (db): Promise<UpdateResult<Watermark>> => {
      const value: Watermark = { value: next.value, type: next.type, updatedAt: next.updatedAt }
      if (expected === undefined) {
        try {
          await db.pool.query(db.sql.insertWatermark, [key, next.value, next.type, next.updatedAt])
          return { ok: true, value }
        } catch (error) {
          if ((error as { errno?: unknown }).errno === 1062)
            return { ok: false, reason: 'conflict' }
          throw error
        }
      }
      const [result] = await db.pool.query(db.sql.updateWatermark, [
        next.value,
        next.type,
        next.updatedAt,
        key,
        expected.value,
        expected.type,
        expected.updatedAt,
      ])
      if (affectedOf(result as never) === 1) return { ok: true, value }
      const found = await this.#execute(db, db.sql.getWatermark, [key])
      return { ok: false, reason: found.length > 0 ? 'conflict' : 'not-found' }
    })
  }
}
