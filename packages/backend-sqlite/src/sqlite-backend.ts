/**
 * `@df/backend-sqlite`: the `Backend` contract of `@df/orchestration` on one SQLite file
 * (better-sqlite3). Third-party implementers: the contract is `Backend` in `@df/orchestration`,
 * and `describeBackend` from `@df/conformance/backend` is the definition of done.
 *
 * Design: WAL with `synchronous=NORMAL`, a busy timeout, and every write in a `BEGIN IMMEDIATE`
 * transaction that runs synchronously to completion (so one process's writes queue on its JS
 * thread, and processes queue on SQLite's write lock without deadlocking on lock upgrades).
 * A lock that outlives the busy timeout is retried, never surfaced as "database is locked".
 * SQLite has no `SKIP LOCKED`: `claimRuns` is one UPDATE under the write lock, which serialises
 * claimers instead of locking rows (`supportsLockingClaims: false`).
 */
import { resolve } from 'node:path'
import {
  type FullBackend,
  type LeaseRenewalResult,
  type OperationOptions,
  OrchestrationError,
  type RunRecord,
  type UpdateResult,
  type Watermark,
} from '@df/orchestration'
import {
  pageFromRows,
  type Row,
  rowToAttempt,
  rowToPipeline,
  rowToRun,
  rowToTask,
  rowToWatermark,
} from '@df/orchestration/backend-kit'
import { type Connection, openConnection } from './internal/connection.js'
import { closedError, invalidOption, isBusy, translateError } from './internal/errors.js'
import { paging } from './internal/paging.js'
import { pipelineParams, runUpdateParams } from './internal/params.js'
import { retryBusy } from './internal/retry.js'
import { createScheduleMethods } from './internal/schedules.js'
import { createTaskWriteQueue } from './internal/task-write-queue.js'
import { CONFLICT, claimedRuns, NOT_FOUND } from './internal/writes.js'
import {
  DEFAULT_BUSY_TIMEOUT_MS,
  DEFAULT_SQLITE_PATH,
  type SqliteBackendOptions,
} from './sqlite-backend-options.js'
import { listRuns } from './sqlite-list-runs.js'
import { SchemaTooNewError, SQLITE_SCHEMA_VERSION } from './sqlite-migrations.js'

/** A SQLite `Backend`; `path` is the file it uses (absolute), or `':memory:'`. */
export interface SqliteBackend extends FullBackend {
  readonly path: string
}

/**
 * Creates a SQLite backend. It opens the file lazily, in `init()` (or on first use).
 *
 * @example
 * const backend = createSqliteBackend({ path: 'runs.db' })
 * await backend.init()
 */
export function createSqliteBackend(options: SqliteBackendOptions = {}): SqliteBackend {
  const name = options.name ?? 'sqlite'
  const given = options.path ?? DEFAULT_SQLITE_PATH
  const path = given === ':memory:' ? given : resolve(given)
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS
  const lockRetryMs = options.lockRetryMs ?? 60_000
  let connection: Connection | undefined
  let opening: Promise<Connection> | undefined
  let closed = false

  const guard = (signal?: AbortSignal) => () => {
    if (closed) throw closedError(name, path)
    signal?.throwIfAborted()
  }

  const open = (signal?: AbortSignal): Promise<Connection> => {
    if (connection) return Promise.resolve(connection)
    opening ??= retryBusy(
      () =>
        openConnection(path, {
          busyTimeoutMs,
          synchronous: options.synchronous ?? 'NORMAL',
          walAutocheckpointPages: options.walAutocheckpointPages ?? 10_000,
          now: options.now ?? Date.now,
        }),
      lockRetryMs,
      guard(signal),
    ).then(
      (c) => {
        if (closed) {
          c.db.close()
          throw closedError(name, path)
        }
        connection = c
        return c
      },
      (error: unknown) => {
        opening = undefined
        if (error instanceof SchemaTooNewError) {
          throw new OrchestrationError(
            'DF_BACKEND_UNAVAILABLE',
            `[@df/backend-sqlite] ${path} has schema version ${error.found}, newer than this package's ${SQLITE_SCHEMA_VERSION}: upgrade @df/backend-sqlite.`,
            { cause: error },
          )
        }
        throw translateError(error, path, 'open the database', 'DF_BACKEND_UNAVAILABLE')
      },
    )
    return opening
  }

  /**
   * Runs `work` on the open connection, translating driver errors. The common case is one
   * synchronous call and one resolved promise; only a lock wait or the first open goes async.
   */
  const run = <T>(
    action: string,
    o: OperationOptions | undefined,
    work: (c: Connection) => T,
  ): Promise<T> => {
    const stop = guard(o?.signal)
    try {
      stop()
    } catch (error) {
      return Promise.reject(error)
    }
    try {
      if (connection) return Promise.resolve(work(connection))
    } catch (error) {
      if (!isBusy(error)) return Promise.reject(translateError(error, path, action))
    }
    return (async () => {
      const c = connection ?? (await open(o?.signal))
      try {
        return await retryBusy(() => work(c), lockRetryMs, stop)
      } catch (error) {
        // Closed or aborted while waiting: the guard's own error (or the signal's reason) as is.
        if (closed || (o?.signal?.aborted && error === o.signal.reason)) throw error
        throw translateError(error, path, action)
      }
    })()
  }

  const taskWrites = createTaskWriteQueue(() => connection, {
    lockRetryMs,
    stop: guard(),
    translate: (error) => translateError(error, path, 'update tasks'),
  })

  return {
    ...createScheduleMethods(run),
    name,
    path,
    capabilities: {
      supportsLockingClaims: false,
      // A ':memory:' database lives inside this connection: no other process can see it.
      supportsMultipleProcesses: path !== ':memory:',
    },

    async init(o) {
      guard(o?.signal)()
      await open(o?.signal)
    },

    async close() {
      if (closed) return
      // Batches accepted before close() are committed, not dropped.
      taskWrites.drain()
      closed = true
      const c = connection ?? (await opening?.catch(() => undefined))
      connection = undefined
      c?.db.close()
    },

    putPipeline: (pipeline, o) =>
      run('store a pipeline', o, (c) => {
        c.sql.putPipeline.run(pipelineParams(pipeline))
      }),

    getPipeline: (id, o) =>
      run('read a pipeline', o, (c) => {
        const row = c.sql.getPipeline.get(id) as Row | undefined
        return row && rowToPipeline(row)
      }),

    listPipelines: async (query = {}, o) => {
      const limit = paging.pageLimit(query.limit)
      const after =
        query.cursor === undefined
          ? undefined
          : paging.decodeCursor(query.cursor, ['string'] as const)[0]
      return run('list pipelines', o, (c) => {
        const rows = (
          after === undefined
            ? c.sql.listPipelinesFirst.all(limit + 1)
            : c.sql.listPipelinesAfter.all(after, limit + 1)
        ) as Row[]
        return pageFromRows(rows.map(rowToPipeline), limit, (p) => [p.id])
      })
    },

    createRun: async (newRun, o) => {
      const seen = new Set<string>()
      for (const task of newRun.tasks) {
        if (seen.has(task.taskId)) {
          throw invalidOption(`Run ${newRun.id} lists task ${task.taskId} twice.`)
        }
        seen.add(task.taskId)
      }
      return run('create a run', o, (c) => rowToRun(c.writes.createRun(newRun)))
    },

    getRun: (id, o) =>
      run('read a run', o, (c) => {
        const row = c.sql.getRun.get(id) as Row | undefined
        return row && rowToRun(row)
      }),

    listRuns: async (query, o) => {
      const limit = paging.pageLimit(query.limit)
      const cursor =
        query.cursor === undefined
          ? undefined
          : paging.decodeCursor(query.cursor, ['number', 'string'] as const)
      return run('list runs', o, (c) => listRuns(c, query, limit, cursor))
    },

    updateRun: (update, o) =>
      run('update a run', o, (c): UpdateResult<RunRecord> => {
        const row = c.sql.updateRun.get(runUpdateParams(update)) as Row | undefined
        if (row) return { ok: true, value: rowToRun(row) }
        return c.sql.runExists.get(update.id) ? CONFLICT : NOT_FOUND
      }),

    deleteRuns: (query, o) => run('delete runs', o, (c) => c.writes.deleteRuns(query)),

    getTasks: (runId, o) =>
      run('read tasks', o, (c) => (c.sql.getTasks.all(runId) as Row[]).map(rowToTask)),

    updateTasks: (updates, o) => {
      try {
        guard(o?.signal)()
      } catch (error) {
        return Promise.reject(error)
      }
      if (updates.length === 0) return Promise.resolve([])
      if (!connection) return open(o?.signal).then(() => taskWrites.enqueue(updates))
      return taskWrites.enqueue(updates)
    },

    listAttempts: (runId, taskId, o) =>
      run('read attempts', o, (c) =>
        (
          (taskId === undefined
            ? c.sql.listAttempts.all(runId)
            : c.sql.listTaskAttempts.all(runId, taskId)) as Row[]
        ).map(rowToAttempt),
      ),

    claimRuns: (claim, o) =>
      run('claim runs', o, (c) =>
        claim.limit <= 0 || claim.pipelineIds?.length === 0
          ? []
          : claimedRuns(c.writes.claimRuns(claim)),
      ),

    renewLeases: (renewal, o) =>
      run('renew leases', o, (c): LeaseRenewalResult => {
        if (renewal.runIds?.length === 0) return { renewed: [] }
        const rows = (
          renewal.runIds === undefined
            ? c.sql.renewAll.all({ owner: renewal.owner, leaseExpiresAt: renewal.leaseExpiresAt })
            : c.sql.renewSome.all({
                owner: renewal.owner,
                leaseExpiresAt: renewal.leaseExpiresAt,
                runIds: JSON.stringify(renewal.runIds),
              })
        ) as { id: string; cancel_requested_at: number | null; cancel_reason: string | null }[]
        const ids = rows.map((r) => r.id)
        const kept = new Set(ids)
        const renewed =
          renewal.runIds === undefined ? ids.sort() : renewal.runIds.filter((id) => kept.has(id))
        const cancelRequested = rows
          .filter((r) => r.cancel_requested_at !== null)
          .map((r) => ({ runId: r.id, reason: r.cancel_reason ?? 'cancel requested' }))
        return cancelRequested.length > 0 ? { renewed, cancelRequested } : { renewed }
      }),

    requestCancel: (request, o) =>
      run('request a cancel', o, (c): UpdateResult<RunRecord> => {
        const row = c.sql.requestCancel.get({
          id: request.runId,
          reason: request.reason,
          at: request.at,
        }) as Row | undefined
        if (row) return { ok: true, value: rowToRun(row) }
        return c.sql.runExists.get(request.runId) ? CONFLICT : NOT_FOUND
      }),

    getWatermark: (key, o) =>
      run('read a watermark', o, (c) => {
        const row = c.sql.getWatermark.get(key) as Row | undefined
        return row && rowToWatermark(row)
      }),

    setWatermark: (key, next, expected, o) =>
      run('set a watermark', o, (c): UpdateResult<Watermark> => {
        const stored = { value: next.value, type: next.type, updatedAt: next.updatedAt }
        const values = { key, ...stored }
        if (expected === undefined) {
          return c.sql.insertWatermark.run(values).changes === 1
            ? { ok: true, value: stored }
            : CONFLICT
        }
        const changed = c.sql.updateWatermark.run({
          ...values,
          expectedValue: expected.value,
          expectedType: expected.type,
          expectedUpdatedAt: expected.updatedAt,
        }).changes
        if (changed === 1) return { ok: true, value: stored }
        return c.sql.watermarkExists.get(key) ? CONFLICT : NOT_FOUND
      }),
  }
}
