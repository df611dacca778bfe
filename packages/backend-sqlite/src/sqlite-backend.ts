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
  type Backend,
  type OperationOptions,
  OrchestrationError,
  type RunRecord,
  type TaskRecord,
  type UpdateResult,
  type Watermark,
} from '@df/orchestration'
import { type Connection, openConnection } from './internal/connection.js'
import { closedError, invalidOption, translateError } from './internal/errors.js'
import {
  decodePipelineCursor,
  decodeRunCursor,
  encodeCursor,
  pageLimit,
} from './internal/paging.js'
import {
  attemptParams,
  pipelineParams,
  runParams,
  runUpdateParams,
  taskUpdateParams,
} from './internal/params.js'
import { retryBusy } from './internal/retry.js'
import {
  type AttemptRow,
  type PipelineRow,
  type RunRow,
  type TaskRow,
  toAttempt,
  toPipeline,
  toRun,
  toTask,
  toWatermark,
  type WatermarkRow,
} from './internal/rows.js'
import {
  DEFAULT_BUSY_TIMEOUT_MS,
  DEFAULT_SQLITE_PATH,
  type SqliteBackendOptions,
} from './sqlite-backend-options.js'
import { listRuns } from './sqlite-list-runs.js'
import { SchemaTooNewError, SQLITE_SCHEMA_VERSION } from './sqlite-migrations.js'

/** A SQLite `Backend`; `path` is the file it uses (absolute), or `':memory:'`. */
export interface SqliteBackend extends Backend {
  readonly path: string
}

const CONFLICT = Object.freeze({ ok: false, reason: 'conflict' }) as UpdateResult<never>
const NOT_FOUND = Object.freeze({ ok: false, reason: 'not-found' }) as UpdateResult<never>

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

  /** Runs `work` on the open connection, retrying lock waits, translating driver errors. */
  const run = async <T>(
    action: string,
    o: OperationOptions | undefined,
    work: (c: Connection) => T,
  ): Promise<T> => {
    const stop = guard(o?.signal)
    stop()
    const c = connection ?? (await open(o?.signal))
    try {
      return await retryBusy(() => work(c), lockRetryMs, stop)
    } catch (error) {
      throw translateError(error, path, action)
    }
  }

  return {
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
        const row = c.sql.getPipeline.get(id) as PipelineRow | undefined
        return row && toPipeline(row)
      }),

    listPipelines: async (query = {}, o) => {
      const limit = pageLimit(query.limit)
      const after = query.cursor === undefined ? undefined : decodePipelineCursor(query.cursor)
      return run('list pipelines', o, (c) => {
        const rows = (
          after === undefined
            ? c.sql.listPipelinesFirst.all(limit + 1)
            : c.sql.listPipelinesAfter.all(after, limit + 1)
        ) as PipelineRow[]
        const items = rows.slice(0, limit).map(toPipeline)
        const last = items[items.length - 1]
        return rows.length > limit && last
          ? { items, nextCursor: encodeCursor([last.id]) }
          : { items }
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
      return run('create a run', o, (c) =>
        c.db
          .transaction(() => {
            if (c.sql.runExists.get(newRun.id)) {
              throw new OrchestrationError(
                'DF_CONFLICT',
                `[@df/backend-sqlite] Run ${newRun.id} already exists.`,
              )
            }
            const row = c.sql.insertRun.get(runParams(newRun)) as RunRow
            newRun.tasks.forEach((task, position) => {
              c.sql.insertTask.run(newRun.id, task.taskId, position, task.state ?? 'PENDING')
            })
            return toRun(row)
          })
          .immediate(),
      )
    },

    getRun: (id, o) =>
      run('read a run', o, (c) => {
        const row = c.sql.getRun.get(id) as RunRow | undefined
        return row && toRun(row)
      }),

    listRuns: async (query, o) => {
      const limit = pageLimit(query.limit)
      const cursor = query.cursor === undefined ? undefined : decodeRunCursor(query.cursor)
      return run('list runs', o, (c) => listRuns(c, query, limit, cursor))
    },

    updateRun: (update, o) =>
      run('update a run', o, (c): UpdateResult<RunRecord> => {
        const row = c.sql.updateRun.get(runUpdateParams(update)) as RunRow | undefined
        if (row) return { ok: true, value: toRun(row) }
        return c.sql.runExists.get(update.id) ? CONFLICT : NOT_FOUND
      }),

    deleteRuns: (query, o) =>
      run('delete runs', o, (c) =>
        c.db
          .transaction(() => {
            const s = c.sql
            if (query.pipelineId === undefined) {
              s.deleteAttemptsBefore.run({ before: query.before })
              s.deleteTasksBefore.run({ before: query.before })
              return s.deleteRunsBefore.run({ before: query.before }).changes
            }
            const p = { before: query.before, pipelineId: query.pipelineId }
            s.deleteAttemptsOfPipelineBefore.run(p)
            s.deleteTasksOfPipelineBefore.run(p)
            return s.deleteRunsOfPipelineBefore.run(p).changes
          })
          .immediate(),
      ),

    getTasks: (runId, o) =>
      run('read tasks', o, (c) => (c.sql.getTasks.all(runId) as TaskRow[]).map(toTask)),

    updateTasks: (updates, o) => {
      if (updates.length === 0) return run('update tasks', o, () => [])
      return run('update tasks', o, (c) =>
        c.db
          .transaction(() => {
            const results: UpdateResult<TaskRecord>[] = new Array(updates.length)
            for (let i = 0; i < updates.length; i++) {
              const u = updates[i]!
              const row = c.sql.updateTask.get(taskUpdateParams(u)) as TaskRow | undefined
              if (row) {
                if (u.attemptRecord) c.sql.upsertAttempt.run(attemptParams(u.attemptRecord))
                results[i] = { ok: true, value: toTask(row) }
              } else {
                results[i] = c.sql.taskExists.get(u.runId, u.taskId) ? CONFLICT : NOT_FOUND
              }
            }
            return results
          })
          .immediate(),
      )
    },

    listAttempts: (runId, taskId, o) =>
      run('read attempts', o, (c) =>
        (
          (taskId === undefined
            ? c.sql.listAttempts.all(runId)
            : c.sql.listTaskAttempts.all(runId, taskId)) as AttemptRow[]
        ).map(toAttempt),
      ),

    claimRuns: (claim, o) =>
      run('claim runs', o, (c) => {
        if (claim.limit <= 0 || claim.pipelineIds?.length === 0) return []
        const rows = c.db
          .transaction(
            () =>
              c.sql.claimRuns.all({
                owner: claim.owner,
                leaseExpiresAt: claim.leaseExpiresAt,
                now: claim.now,
                allPipelines: claim.pipelineIds === undefined ? 1 : 0,
                pipelineIds: JSON.stringify(claim.pipelineIds ?? []),
                limit: claim.limit,
              }) as RunRow[],
          )
          .immediate()
        // RETURNING has no order: hand runs out oldest first, like the subquery chose them.
        return rows.map(toRun).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
      }),

    renewLeases: (renewal, o) =>
      run('renew leases', o, (c) => {
        if (renewal.runIds?.length === 0) return []
        const rows = (
          renewal.runIds === undefined
            ? c.sql.renewAll.all({ owner: renewal.owner, leaseExpiresAt: renewal.leaseExpiresAt })
            : c.sql.renewSome.all({
                owner: renewal.owner,
                leaseExpiresAt: renewal.leaseExpiresAt,
                runIds: JSON.stringify(renewal.runIds),
              })
        ) as { id: string }[]
        const ids = rows.map((r) => r.id)
        if (renewal.runIds === undefined) return ids.sort()
        const renewed = new Set(ids)
        return renewal.runIds.filter((id) => renewed.has(id))
      }),

    getWatermark: (key, o) =>
      run('read a watermark', o, (c) => {
        const row = c.sql.getWatermark.get(key) as WatermarkRow | undefined
        return row && toWatermark(row)
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
