/**
 * `createMysqlBackend`: the `Backend` contract of `@df/orchestration` on MySQL 8 and MariaDB
 * 10.6+ (tested on MariaDB 10.11).
 *
 * For implementers of other backends: the contract is `Backend` in `@df/orchestration`
 * (packages/orchestration/src/backend.ts) and the definition of done is `describeBackend` from
 * `@df/conformance/backend` passing against a real server. The lifecycle, abort, deadlock retry
 * and error translation come from `@df/orchestration/backend-kit`; this file owns the pool,
 * `init()` (migrations under `GET_LOCK`) and the transactions; the SQL lives in mysql-sql.ts.
 */
import type {
  AttemptRecord,
  BackendCapabilities,
  CancelRequest,
  FullBackend,
  LeaseRenewal,
  LeaseRenewalResult,
  NewRun,
  OperationOptions,
  Page,
  PageQuery,
  PipelineRecord,
  RunClaim,
  RunQuery,
  RunRecord,
  RunUpdate,
  ScheduleStore,
  TaskRecord,
  TaskUpdate,
  UpdateResult,
  Watermark,
} from '@df/orchestration'
import { OrchestrationError } from '@df/orchestration'
import {
  backendPaging,
  createOperationRunner,
  newRunRecord,
  type OperationRunner,
  pageFromRows,
  rowToAttempt,
  rowToPipeline,
  rowToRun,
  rowToTask,
  rowToWatermark,
  runListFilter,
} from '@df/orchestration/backend-kit'
import type { Pool, PoolConnection } from 'mysql2/promise'
import mysql from 'mysql2/promise'
import { isRetryable, translateError } from './internal/errors.js'
import { claimRuns, renewLeases, requestCancel } from './internal/leases.js'
import { createRunStatements } from './internal/run-statements.js'
import { createMysqlScheduleStore } from './internal/schedules.js'
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
export interface MysqlBackend extends FullBackend {
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

/** The open database: its statements, quoted name, multi-statement flag and pool. */
export type Db = { sql: MysqlStatements; q: string; multi: boolean; pool: Pool }

const paging = backendPaging('@df/backend-mysql')

class MyBackend implements MysqlBackend {
  readonly name = 'mysql' as const
  readonly #runner: OperationRunner<Db>
  #skipLocked = true
  database: string | undefined
  readonly putSchedule: ScheduleStore['putSchedule']
  readonly getSchedule: ScheduleStore['getSchedule']
  readonly listSchedules: ScheduleStore['listSchedules']
  readonly claimSchedules: ScheduleStore['claimSchedules']
  readonly updateSchedule: ScheduleStore['updateSchedule']
  readonly deleteSchedule: ScheduleStore['deleteSchedule']
  readonly countActiveRuns: ScheduleStore['countActiveRuns']

  constructor(o: ResolvedMysqlOptions) {
    this.database = o.database
    let ownsPool = false
    this.#runner = createOperationRunner<Db>({
      packageName: '@df/backend-mysql',
      connect: async () => {
        let pool: Pool
        if (o.pool !== undefined) {
          pool = typeof o.pool === 'function' ? await o.pool() : o.pool
        } else {
          pool = mysql.createPool(o.poolOptions!)
          // Idle connections dropped by the server emit 'error'; the next query reports it instead.
          pool.on('connection', (conn) => conn.on('error', () => undefined))
          ownsPool = true
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
          const q = quoteIdent(database)
          return { sql: mysqlSql(q), q, multi: ownsPool || isMultiStatementPool(pool), pool }
        } finally {
          conn.release()
        }
      },
      disconnect: async (db) => {
        if (ownsPool) await db?.pool.end()
      },
      translate: (error, operation) => translateError(error, o.target, operation),
      isRetryable,
      maxRetries: o.maxDeadlockRetries,
    })
    const schedules = createMysqlScheduleStore({
      run: (operation, options, fn) => this.#runner.run(operation, options, fn),
      withConnection: (db, fn) => this.#withConnection(db, fn),
      skipLocked: () => this.#skipLocked,
    })
    this.putSchedule = schedules.putSchedule
    this.getSchedule = schedules.getSchedule
    this.listSchedules = schedules.listSchedules
    this.claimSchedules = schedules.claimSchedules
    this.updateSchedule = schedules.updateSchedule
    this.deleteSchedule = schedules.deleteSchedule
    this.countActiveRuns = schedules.countActiveRuns
  }

  /** `supportsLockingClaims` is what the server offers: known for sure after `init()`. */
  get capabilities(): BackendCapabilities {
    return { supportsLockingClaims: this.#skipLocked, supportsMultipleProcesses: true }
  }

  init(options?: OperationOptions): Promise<void> {
    return this.#runner.init(options)
  }

  close(): Promise<void> {
    return this.#runner.close()
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
    return this.#runner.run('putPipeline', options, async (db) => {
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
    return this.#runner.run('getPipeline', options, async (db) => {
      const [row] = await this.#execute(db, db.sql.getPipeline, [id])
      return row === undefined ? undefined : rowToPipeline(row)
    })
  }

  listPipelines(query?: PageQuery, options?: OperationOptions): Promise<Page<PipelineRecord>> {
    return this.#runner.run('listPipelines', options, async (db) => {
      const limit = paging.pageLimit(query?.limit)
      const after =
        query?.cursor === undefined
          ? undefined
          : paging.decodeCursor(query.cursor, ['string'] as const)[0]
      const rows = await this.#query(db, [
        db.sql.listPipelines(after !== undefined, limit + 1),
        after === undefined ? [] : [after],
      ])
      return pageFromRows(rows.map(rowToPipeline), limit, (p) => [p.id])
    })
  }

  createRun(run: NewRun, options?: OperationOptions): Promise<RunRecord> {
    return this.#runner.run('createRun', options, async (db) => {
      const statements = createRunStatements(db.sql, run)
      await this.#withConnection(db, (conn) => runTransaction(conn, statements, db.multi))
      return newRunRecord(run)
    })
  }

  getRun(id: string, options?: OperationOptions): Promise<RunRecord | undefined> {
    return this.#runner.run('getRun', options, async (db) => {
      const [row] = await this.#execute(db, db.sql.getRun, [id])
      return row === undefined ? undefined : rowToRun(row)
    })
  }

  listRuns(query: RunQuery, options?: OperationOptions): Promise<Page<RunRecord>> {
    return this.#runner.run('listRuns', options, async (db) => {
      const list = runListFilter(query, paging)
      if (list === undefined) return { items: [] }
      const rows = await this.#query(db, listRunsQuery(db.q, list.filter))
      return pageFromRows(rows.map(rowToRun), list.page, (r) => [r.createdAt, r.id])
    })
  }

  updateRun(update: RunUpdate, options?: OperationOptions): Promise<UpdateResult<RunRecord>> {
    return this.#runner.run('updateRun', options, async (db) => {
      const [write, read] = await this.#withConnection(db, (conn) =>
        runTransaction(conn, [db.sql.updateRun(update), [db.sql.getRun, [update.id]]], db.multi),
      )
      const row = rowsOf(read)[0]
      if (row === undefined) return { ok: false, reason: 'not-found' }
      if (affectedOf(write) !== 1) return { ok: false, reason: 'conflict' }
      return { ok: true, value: rowToRun(row) }
    })
  }

  deleteRuns(
    query: { before: number; pipelineId?: string },
    options?: OperationOptions,
  ): Promise<number> {
    return this.#runner.run('deleteRuns', options, async (db) => {
      const byPipeline = query.pipelineId !== undefined
      const [result] = await db.pool.query(
        db.sql.deleteRuns(byPipeline),
        byPipeline ? [query.before, query.pipelineId] : [query.before],
      )
      return affectedOf(result as never)
    })
  }

  getTasks(runId: string, options?: OperationOptions): Promise<TaskRecord[]> {
    return this.#runner.run('getTasks', options, async (db) =>
      (await this.#execute(db, db.sql.getTasks, [runId])).map(rowToTask),
    )
  }

  updateTasks(
    updates: readonly TaskUpdate[],
    options?: OperationOptions,
  ): Promise<UpdateResult<TaskRecord>[]> {
    return this.#runner.run('updateTasks', options, async (db) => {
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
    return this.#runner.run('listAttempts', options, async (db) => {
      const byTask = taskId !== undefined
      const rows = await this.#query(db, [
        db.sql.listAttempts(byTask),
        byTask ? [runId, taskId] : [runId],
      ])
      return rows.map(rowToAttempt)
    })
  }

  claimRuns(claim: RunClaim, options?: OperationOptions): Promise<RunRecord[]> {
    return this.#runner.run('claimRuns', options, async (db) => {
      if (claim.limit < 1 || claim.pipelineIds?.length === 0) return []
      return this.#withConnection(db, (conn) => claimRuns(conn, db.sql, claim, this.#skipLocked))
    })
  }

  renewLeases(renewal: LeaseRenewal, options?: OperationOptions): Promise<LeaseRenewalResult> {
    return this.#runner.run('renewLeases', options, async (db) => {
      if (renewal.runIds?.length === 0) return { renewed: [] }
      return this.#withConnection(db, (conn) => renewLeases(conn, db.sql, renewal))
    })
  }

  requestCancel(
    request: CancelRequest,
    options?: OperationOptions,
  ): Promise<UpdateResult<RunRecord>> {
    return this.#runner.run('requestCancel', options, (db) =>
      this.#withConnection(db, (conn) => requestCancel(conn, db.sql, request)),
    )
  }

  getWatermark(key: string, options?: OperationOptions): Promise<Watermark | undefined> {
    return this.#runner.run('getWatermark', options, async (db) => {
      const [row] = await this.#execute(db, db.sql.getWatermark, [key])
      return row === undefined ? undefined : rowToWatermark(row)
    })
  }

  setWatermark(
    key: string,
    next: Watermark,
    expected: Watermark | undefined,
    options?: OperationOptions,
  ): Promise<UpdateResult<Watermark>> {
    return this.#runner.run(
      'setWatermark',
      options,
      async (db): Promise<UpdateResult<Watermark>> => {
        const value: Watermark = { value: next.value, type: next.type, updatedAt: next.updatedAt }
        if (expected === undefined) {
          try {
            await db.pool.query(db.sql.insertWatermark, [
              key,
              next.value,
              next.type,
              next.updatedAt,
            ])
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
      },
    )
  }
}
