/**
 * `createPostgresBackend`: the `Backend` contract of `@df/orchestration` on PostgreSQL.
 *
 * For implementers of other backends: the contract is `Backend` in `@df/orchestration`
 * (packages/orchestration/src/backend.ts) and the definition of done is `describeBackend` from
 * `@df/conformance/backend` passing against a real server. This file owns the pool, the lazy
 * `init()` (migrations under an advisory lock) and error translation; the SQL lives in
 * postgres-sql.ts and row mapping in internal/rows.ts.
 */
import { createHash } from 'node:crypto'
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
import type { Pool, QueryConfig, QueryResultRow } from 'pg'
import pg from 'pg'
import { abortable } from './internal/abort.js'
import { isRetryable, translateError } from './internal/errors.js'
import { decodeCursor, encodeCursor, pageLimit } from './internal/paging.js'
import { createRunParams, updateRunParams } from './internal/params.js'
import { toAttempt, toPipeline, toRun, toTask, toWatermark } from './internal/rows.js'
import { applyTaskBatch } from './internal/task-batch.js'
import {
  type PostgresBackendOptions,
  type ResolvedPostgresOptions,
  resolvePostgresOptions,
} from './postgres-backend-options.js'
import { migratePostgres, quoteIdent } from './postgres-migrations.js'
import { listRunsQuery, type PostgresStatements, postgresSql } from './postgres-sql.js'

/** A `Backend` on PostgreSQL. */
export interface PostgresBackend extends Backend {
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

class PgBackend implements PostgresBackend {
  readonly name = 'postgres' as const
  readonly capabilities: BackendCapabilities = CAPABILITIES
  readonly schema: string
  readonly #options: ResolvedPostgresOptions
  readonly #sql: PostgresStatements
  readonly #s: string
  /** Prepared-statement name prefix, unique per schema so two backends can share one pool. */
  readonly #prefix: string
  #pool: Pool | undefined
  #ownsPool = false
  #initializing: Promise<void> | undefined
  #closed = false

  constructor(options: ResolvedPostgresOptions) {
    this.#options = options
    this.schema = options.schema
    this.#s = quoteIdent(options.schema)
    this.#sql = postgresSql(this.#s)
    this.#prefix = `df_${createHash('sha1').update(options.schema).digest('hex').slice(0, 12)}_`
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
    if (o.pool !== undefined) {
      this.#pool = typeof o.pool === 'function' ? await o.pool() : o.pool
    } else {
      const pool = new pg.Pool({
        connectionString: o.connectionString,
        max: o.poolSize,
        connectionTimeoutMillis: o.connectTimeoutMs,
        // A startup parameter, so it holds for every connection without an extra round trip.
        ...(o.synchronousCommit === 'off' && { options: '-c synchronous_commit=off' }),
      })
      // An idle connection dropped by the server emits 'error' on the pool; without a listener
      // Node would crash the process. The next query reports the problem instead.
      pool.on('error', () => undefined)
      this.#pool = pool
      this.#ownsPool = true
    }
    const client = await this.#pool.connect()
    try {
      await migratePostgres(client, o.schema)
    } finally {
      client.release()
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#initializing?.catch(() => undefined)
    if (this.#ownsPool) await this.#pool?.end()
    this.#pool = undefined
  }

  #closedError(): OrchestrationError {
    return new OrchestrationError(
      'DF_BACKEND_CLOSED',
      '[@df/backend-postgres] The backend was used after close().',
    )
  }

  /** Runs `fn` after init, with abort support, deadlock retry and error translation. */
  async #run<T>(
    operation: string,
    options: OperationOptions | undefined,
    fn: (pool: Pool) => Promise<T>,
  ): Promise<T> {
    if (this.#closed) throw this.#closedError()
    options?.signal?.throwIfAborted()
    await this.init(options)
    const pool = this.#pool
    if (pool === undefined || this.#closed) throw this.#closedError()
    for (let attempt = 0; ; attempt++) {
      try {
        return await abortable(fn(pool), options?.signal)
      } catch (error) {
        if (isRetryable(error) && attempt < this.#options.maxDeadlockRetries) continue
        throw translateError(error, this.#options.target, operation)
      }
    }
  }

  /** A named (server-side prepared, reused per connection) query config. */
  #named(name: string, text: string, values: unknown[]): QueryConfig {
    return { name: this.#prefix + name, text, values }
  }

  async #rows<R extends QueryResultRow>(pool: Pool, config: QueryConfig): Promise<R[]> {
    return (await pool.query<R>(config)).rows
  }

  putPipeline(pipeline: PipelineRecord, options?: OperationOptions): Promise<void> {
    return this.#run('putPipeline', options, async (pool) => {
      const definition = JSON.stringify({ tasks: pipeline.tasks, options: pipeline.options })
      await pool.query(
        this.#named('putPipeline', this.#sql.putPipeline, [
          pipeline.id,
          pipeline.description ?? null,
          definition,
          pipeline.definitionHash,
          pipeline.updatedAt,
        ]),
      )
    })
  }

  getPipeline(id: string, options?: OperationOptions): Promise<PipelineRecord | undefined> {
    return this.#run('getPipeline', options, async (pool) => {
      const rows = await this.#rows(pool, this.#named('getPipeline', this.#sql.getPipeline, [id]))
      return rows[0] === undefined ? undefined : toPipeline(rows[0])
    })
  }

  listPipelines(query?: PageQuery, options?: OperationOptions): Promise<Page<PipelineRecord>> {
    return this.#run('listPipelines', options, async (pool) => {
      const limit = pageLimit(query?.limit)
      const after =
        query?.cursor === undefined ? null : decodeCursor(query.cursor, ['string'] as const)[0]
      const rows = await this.#rows(
        pool,
        this.#named('listPipelines', this.#sql.listPipelines, [after, limit + 1]),
      )
      const items = rows.slice(0, limit).map(toPipeline)
      const last = items.at(-1)
      return rows.length > limit && last !== undefined
        ? { items, nextCursor: encodeCursor([last.id]) }
        : { items }
    })
  }

  createRun(run: NewRun, options?: OperationOptions): Promise<RunRecord> {
    return this.#run('createRun', options, async (pool) => {
      const rows = await this.#rows(
        pool,
        this.#named('createRun', this.#sql.createRun, createRunParams(run)),
      )
      if (rows[0] === undefined) {
        throw new OrchestrationError(
          'DF_CONFLICT',
          `[@df/backend-postgres] A run with id "${run.id}" already exists.`,
        )
      }
      return toRun(rows[0])
    })
  }

  getRun(id: string, options?: OperationOptions): Promise<RunRecord | undefined> {
    return this.#run('getRun', options, async (pool) => {
      const rows = await this.#rows(pool, this.#named('getRun', this.#sql.getRun, [id]))
      return rows[0] === undefined ? undefined : toRun(rows[0])
    })
  }

  listRuns(query: RunQuery, options?: OperationOptions): Promise<Page<RunRecord>> {
    return this.#run('listRuns', options, async (pool) => {
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
      const q = listRunsQuery(this.#s, {
        limit: limit + 1,
        ...(query.pipelineId !== undefined && { pipelineId: query.pipelineId }),
        ...(statuses !== undefined && { statuses }),
        ...(query.createdAfter !== undefined && { createdAfter: query.createdAfter }),
        ...(query.createdBefore !== undefined && { createdBefore: query.createdBefore }),
        ...(after !== undefined && { after }),
      })
      const rows = await this.#rows(pool, q)
      const items = rows.slice(0, limit).map(toRun)
      const last = items.at(-1)
      return rows.length > limit && last !== undefined
        ? { items, nextCursor: encodeCursor([last.createdAt, last.id]) }
        : { items }
    })
  }

  updateRun(update: RunUpdate, options?: OperationOptions): Promise<UpdateResult<RunRecord>> {
    return this.#run('updateRun', options, async (pool) => {
      const rows = await this.#rows(
        pool,
        this.#named('updateRun', this.#sql.updateRun, updateRunParams(update)),
      )
      const row = rows[0]
      if (row === undefined) return { ok: false, reason: 'not-found' }
      if (row.updated !== true) return { ok: false, reason: 'conflict' }
      return { ok: true, value: toRun(row) }
    })
  }

  deleteRuns(
    query: { before: number; pipelineId?: string },
    options?: OperationOptions,
  ): Promise<number> {
    return this.#run('deleteRuns', options, async (pool) => {
      const rows = await this.#rows<{ n: number }>(
        pool,
        this.#named('deleteRuns', this.#sql.deleteRuns, [query.before, query.pipelineId ?? null]),
      )
      return rows[0]?.n ?? 0
    })
  }

  getTasks(runId: string, options?: OperationOptions): Promise<TaskRecord[]> {
    return this.#run('getTasks', options, async (pool) => {
      const rows = await this.#rows(pool, this.#named('getTasks', this.#sql.getTasks, [runId]))
      return rows.map(toTask)
    })
  }

  updateTasks(
    updates: readonly TaskUpdate[],
    options?: OperationOptions,
  ): Promise<UpdateResult<TaskRecord>[]> {
    return this.#run('updateTasks', options, (pool) =>
      applyTaskBatch(pool, this.#named('updateTasks', this.#sql.updateTasks, []), updates),
    )
  }

  listAttempts(
    runId: string,
    taskId?: string,
    options?: OperationOptions,
  ): Promise<AttemptRecord[]> {
    return this.#run('listAttempts', options, async (pool) => {
      const rows = await this.#rows(
        pool,
        this.#named('listAttempts', this.#sql.listAttempts, [runId, taskId ?? null]),
      )
      return rows.map(toAttempt)
    })
  }

  claimRuns(claim: RunClaim, options?: OperationOptions): Promise<RunRecord[]> {
    return this.#run('claimRuns', options, async (pool) => {
      if (claim.limit < 1) return []
      const rows = await this.#rows(
        pool,
        this.#named('claimRuns', this.#sql.claimRuns, [
          claim.owner,
          claim.now,
          claim.leaseExpiresAt,
          claim.pipelineIds === undefined ? null : [...claim.pipelineIds],
          claim.limit,
        ]),
      )
      return rows
        .map(toRun)
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    })
  }

  renewLeases(renewal: LeaseRenewal, options?: OperationOptions): Promise<string[]> {
    return this.#run('renewLeases', options, async (pool) => {
      const rows = await this.#rows<{ id: string }>(
        pool,
        this.#named('renewLeases', this.#sql.renewLeases, [
          renewal.owner,
          renewal.leaseExpiresAt,
          renewal.runIds === undefined ? null : [...renewal.runIds],
        ]),
      )
      return rows.map((r) => r.id).sort()
    })
  }

  getWatermark(key: string, options?: OperationOptions): Promise<Watermark | undefined> {
    return this.#run('getWatermark', options, async (pool) => {
      const rows = await this.#rows(
        pool,
        this.#named('getWatermark', this.#sql.getWatermark, [key]),
      )
      return rows[0] === undefined ? undefined : toWatermark(rows[0])
    })
  }

  setWatermark(
    key: string,
    next: Watermark,
    expected: Watermark | undefined,
    options?: OperationOptions,
  ): Promise<UpdateResult<Watermark>> {
    return this.#run('setWatermark', options, async (pool): Promise<UpdateResult<Watermark>> => {
      const value: Watermark = { value: next.value, type: next.type, updatedAt: next.updatedAt }
      const nextValues = [key, next.value, next.type, next.updatedAt]
      if (expected === undefined) {
        const statement = this.#named('insertWatermark', this.#sql.insertWatermark, nextValues)
        const inserted = await this.#rows(pool, statement)
        return inserted.length === 1 ? { ok: true, value } : { ok: false, reason: 'conflict' }
      }
      const was = [expected.value, expected.type, expected.updatedAt]
      const statement = this.#named('updateWatermark', this.#sql.updateWatermark, [
        ...nextValues,
        ...was,
      ])
      const rows = await this.#rows<{ updated: number; found: boolean }>(pool, statement)
      const row = rows[0]
      if (row?.updated === 1) return { ok: true, value }
      return { ok: false, reason: row?.found === true ? 'conflict' : 'not-found' }
    })
  }
}
