/**
 * `createPostgresBackend`: the `Backend` contract of `@df/orchestration` on PostgreSQL, with
 * every optional interface (`RunHistory`, `RunControl`, `WatermarkStore`, `ScheduleStore`).
 *
 * For implementers of other backends: the contract is `Backend` in `@df/orchestration`
 * (packages/orchestration/src/backend.ts) and the definition of done is `describeBackend` from
 * `@df/conformance/backend` passing against a real server. The lifecycle, abort, retry and
 * error translation come from `@df/orchestration/backend-kit`; this file owns the pool and the
 * calls, the SQL lives in postgres-sql.ts.
 */
import { createHash } from 'node:crypto'
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
  compareClaimOrder,
  createOperationRunner,
  type OperationRunner,
  pageFromRows,
  rowToAttempt,
  rowToPipeline,
  rowToRun,
  rowToTask,
  rowToWatermark,
  runListFilter,
} from '@df/orchestration/backend-kit'
import type { Pool, QueryConfig, QueryResultRow } from 'pg'
import pg from 'pg'
import { isRetryable, translateError } from './internal/errors.js'
import { createRunParams, updateRunParams } from './internal/params.js'
import { createPgScheduleStore } from './internal/schedules.js'
import { applyTaskBatch } from './internal/task-batch.js'
import {
  type PostgresBackendOptions,
  type ResolvedPostgresOptions,
  resolvePostgresOptions,
} from './postgres-backend-options.js'
import { migratePostgres, quoteIdent } from './postgres-migrations.js'
import { listRunsQuery, type PostgresStatements, postgresSql } from './postgres-sql.js'

/** A `Backend` on PostgreSQL. */
export interface PostgresBackend extends FullBackend {
  readonly name: 'postgres'
  /** The schema holding the tables. */
  readonly schema: string
}

/**
 * Creates a PostgreSQL backend. Nothing connects until `init()` (or the first call), which
 * creates the schema and applies pending migrations.
 *
 * @throws `DF_OPTION_INVALID` for an unknown option, a bad value or no database at all.
 * @example
 * ```ts
 * const backend = createPostgresBackend({ connectionString: 'postgres://df@localhost/df' })
 * await backend.init()
 * ```
 */
export function createPostgresBackend(options: PostgresBackendOptions = {}): PostgresBackend {
  return new PgBackend(resolvePostgresOptions(options, process.env))
}

const CAPABILITIES: BackendCapabilities = Object.freeze({
  supportsLockingClaims: true,
  supportsMultipleProcesses: true,
})

const paging = backendPaging('@df/backend-postgres')

class PgBackend implements PostgresBackend {
  readonly name = 'postgres' as const
  readonly capabilities: BackendCapabilities = CAPABILITIES
  readonly schema: string
  readonly #sql: PostgresStatements
  readonly #s: string
  /** Prepared-statement name prefix, unique per schema so two backends can share one pool. */
  readonly #prefix: string
  readonly #runner: OperationRunner<Pool>
  readonly putSchedule: ScheduleStore['putSchedule']
  readonly getSchedule: ScheduleStore['getSchedule']
  readonly listSchedules: ScheduleStore['listSchedules']
  readonly claimSchedules: ScheduleStore['claimSchedules']
  readonly updateSchedule: ScheduleStore['updateSchedule']
  readonly deleteSchedule: ScheduleStore['deleteSchedule']
  readonly countActiveRuns: ScheduleStore['countActiveRuns']

  constructor(options: ResolvedPostgresOptions) {
    this.schema = options.schema
    this.#s = quoteIdent(options.schema)
    this.#sql = postgresSql(this.#s)
    this.#prefix = `df_${createHash('sha1').update(options.schema).digest('hex').slice(0, 12)}_`
    let ownsPool = false
    this.#runner = createOperationRunner<Pool>({
      packageName: '@df/backend-postgres',
      connect: async () => {
        let pool: Pool
        if (options.pool !== undefined) {
          pool = typeof options.pool === 'function' ? await options.pool() : options.pool
        } else {
          pool = new pg.Pool({
            connectionString: options.connectionString,
            max: options.poolSize,
            connectionTimeoutMillis: options.connectTimeoutMs,
            // A startup parameter, so it holds for every connection without an extra round trip.
            ...(options.synchronousCommit === 'off' && { options: '-c synchronous_commit=off' }),
          })
          // An idle connection dropped by the server emits 'error' on the pool; without a
          // listener Node would crash the process. The next query reports the problem instead.
          pool.on('error', () => undefined)
          ownsPool = true
        }
        const client = await pool.connect()
        try {
          await migratePostgres(client, options.schema)
        } finally {
          client.release()
        }
        return pool
      },
      disconnect: async (pool) => {
        if (ownsPool) await pool?.end()
      },
      translate: (error, operation) => translateError(error, options.target, operation),
      isRetryable,
      maxRetries: options.maxDeadlockRetries,
    })
    const schedules = createPgScheduleStore(
      (op, o, text, values) => this.#query(op, o, text, values),
      this.#sql,
    )
    this.putSchedule = schedules.putSchedule
    this.getSchedule = schedules.getSchedule
    this.listSchedules = schedules.listSchedules
    this.claimSchedules = schedules.claimSchedules
    this.updateSchedule = schedules.updateSchedule
    this.deleteSchedule = schedules.deleteSchedule
    this.countActiveRuns = schedules.countActiveRuns
  }

  init(options?: OperationOptions): Promise<void> {
    return this.#runner.init(options)
  }

  close(): Promise<void> {
    return this.#runner.close()
  }

  /** A named (server-side prepared, reused per connection) query config. */
  #named(name: string, text: string, values: unknown[]): QueryConfig {
    return { name: this.#prefix + name, text, values }
  }

  /** Runs one named statement and returns its rows. */
  #query<R extends QueryResultRow = Record<string, unknown>>(
    operation: string,
    options: OperationOptions | undefined,
    text: string,
    values: unknown[],
  ): Promise<R[]> {
    return this.#runner.run(
      operation,
      options,
      async (pool) => (await pool.query<R>(this.#named(operation, text, values))).rows,
    )
  }

  async putPipeline(pipeline: PipelineRecord, options?: OperationOptions): Promise<void> {
    const definition = JSON.stringify({ tasks: pipeline.tasks, options: pipeline.options })
    await this.#query('putPipeline', options, this.#sql.putPipeline, [
      pipeline.id,
      pipeline.description ?? null,
      definition,
      pipeline.definitionHash,
      pipeline.updatedAt,
    ])
  }

  async getPipeline(id: string, options?: OperationOptions): Promise<PipelineRecord | undefined> {
    const [row] = await this.#query('getPipeline', options, this.#sql.getPipeline, [id])
    return row === undefined ? undefined : rowToPipeline(row)
  }

  async listPipelines(
    query?: PageQuery,
    options?: OperationOptions,
  ): Promise<Page<PipelineRecord>> {
    const limit = paging.pageLimit(query?.limit)
    const after =
      query?.cursor === undefined ? null : paging.decodeCursor(query.cursor, ['string'] as const)[0]
    const rows = await this.#query('listPipelines', options, this.#sql.listPipelines, [
      after,
      limit + 1,
    ])
    return pageFromRows(rows.map(rowToPipeline), limit, (p) => [p.id])
  }

  async createRun(run: NewRun, options?: OperationOptions): Promise<RunRecord> {
    const [row] = await this.#query('createRun', options, this.#sql.createRun, createRunParams(run))
    if (row === undefined) {
      throw new OrchestrationError(
        'DF_CONFLICT',
        `[@df/backend-postgres] A run with id "${run.id}" already exists.`,
      )
    }
    return rowToRun(row)
  }

  async getRun(id: string, options?: OperationOptions): Promise<RunRecord | undefined> {
    const [row] = await this.#query('getRun', options, this.#sql.getRun, [id])
    return row === undefined ? undefined : rowToRun(row)
  }

  listRuns(query: RunQuery, options?: OperationOptions): Promise<Page<RunRecord>> {
    return this.#runner.run('listRuns', options, async (pool) => {
      const list = runListFilter(query, paging)
      if (list === undefined) return { items: [] }
      const rows = (await pool.query(listRunsQuery(this.#s, list.filter))).rows
      return pageFromRows(rows.map(rowToRun), list.page, (r) => [r.createdAt, r.id])
    })
  }

  async updateRun(update: RunUpdate, options?: OperationOptions): Promise<UpdateResult<RunRecord>> {
    const [row] = await this.#query(
      'updateRun',
      options,
      this.#sql.updateRun,
      updateRunParams(update),
    )
    if (row === undefined) return { ok: false, reason: 'not-found' }
    if (row.updated !== true) return { ok: false, reason: 'conflict' }
    return { ok: true, value: rowToRun(row) }
  }

  async deleteRuns(
    query: { before: number; pipelineId?: string },
    options?: OperationOptions,
  ): Promise<number> {
    const [row] = await this.#query<{ n: number }>('deleteRuns', options, this.#sql.deleteRuns, [
      query.before,
      query.pipelineId ?? null,
    ])
    return row?.n ?? 0
  }

  async getTasks(runId: string, options?: OperationOptions): Promise<TaskRecord[]> {
    const rows = await this.#query('getTasks', options, this.#sql.getTasks, [runId])
    return rows.map(rowToTask)
  }

  updateTasks(
    updates: readonly TaskUpdate[],
    options?: OperationOptions,
  ): Promise<UpdateResult<TaskRecord>[]> {
    return this.#runner.run('updateTasks', options, (pool) =>
      applyTaskBatch(pool, this.#named('updateTasks', this.#sql.updateTasks, []), updates),
    )
  }

  async listAttempts(
    runId: string,
    taskId?: string,
    options?: OperationOptions,
  ): Promise<AttemptRecord[]> {
    const rows = await this.#query('listAttempts', options, this.#sql.listAttempts, [
      runId,
      taskId ?? null,
    ])
    return rows.map(rowToAttempt)
  }

  async claimRuns(claim: RunClaim, options?: OperationOptions): Promise<RunRecord[]> {
    if (claim.limit < 1) {
      await this.#runner.run('claimRuns', options, async () => undefined)
      return []
    }
    const rows = await this.#query('claimRuns', options, this.#sql.claimRuns, [
      claim.owner,
      claim.now,
      claim.leaseExpiresAt,
      claim.pipelineIds === undefined ? null : [...claim.pipelineIds],
      claim.limit,
    ])
    return rows.map(rowToRun).sort(compareClaimOrder)
  }

  async renewLeases(
    renewal: LeaseRenewal,
    options?: OperationOptions,
  ): Promise<LeaseRenewalResult> {
    const rows = await this.#query<{
      id: string
      cancel_requested_at: string | null
      cancel_reason: string | null
    }>('renewLeases', options, this.#sql.renewLeases, [
      renewal.owner,
      renewal.leaseExpiresAt,
      renewal.runIds === undefined ? null : [...renewal.runIds],
    ])
    const cancelRequested = rows
      .filter((r) => r.cancel_requested_at !== null)
      .map((r) => ({ runId: r.id, reason: r.cancel_reason ?? 'cancel requested' }))
    const renewed = rows.map((r) => r.id).sort()
    return cancelRequested.length > 0 ? { renewed, cancelRequested } : { renewed }
  }

  async requestCancel(
    request: CancelRequest,
    options?: OperationOptions,
  ): Promise<UpdateResult<RunRecord>> {
    const [row] = await this.#query('requestCancel', options, this.#sql.requestCancel, [
      request.runId,
      request.reason,
      request.at,
    ])
    if (row === undefined) return { ok: false, reason: 'not-found' }
    if (row.updated !== true) return { ok: false, reason: 'conflict' }
    return { ok: true, value: rowToRun(row) }
  }

  async getWatermark(key: string, options?: OperationOptions): Promise<Watermark | undefined> {
    const [row] = await this.#query('getWatermark', options, this.#sql.getWatermark, [key])
    return row === undefined ? undefined : rowToWatermark(row)
  }

  async setWatermark(
    key: string,
    next: Watermark,
    expected: Watermark | undefined,
    options?: OperationOptions,
  ): Promise<UpdateResult<Watermark>> {
    const value: Watermark = { value: next.value, type: next.type, updatedAt: next.updatedAt }
    const nextValues = [key, next.value, next.type, next.updatedAt]
    if (expected === undefined) {
      const inserted = await this.#query(
        'insertWatermark',
        options,
        this.#sql.insertWatermark,
        nextValues,
      )
      return inserted.length === 1 ? { ok: true, value } : { ok: false, reason: 'conflict' }
    }
    const [row] = await this.#query<{ updated: number; found: boolean }>(
      'updateWatermark',
      options,
      this.#sql.updateWatermark,
      [...nextValues, expected.value, expected.type, expected.updatedAt],
    )
    if (row?.updated === 1) return { ok: true, value }
    return { ok: false, reason: row?.found === true ? 'conflict' : 'not-found' }
  }
}
