/**
 * An example third-party backend: the `Backend` contract of `@df/orchestration` kept in a Map-like
 * JSON document on disk (see `JsonFile`). It depends on `@df/orchestration` alone and passes
 * `describeBackend` and the durability suites of `@df/conformance`. Not fast (every write rewrites
 * the file): a template for a real store, small enough to read in one sitting.
 */
import {
  type AttemptRecord,
  type Backend,
  decodeCursor,
  encodeCursor,
  type OperationOptions,
  OrchestrationError,
  type OrchestrationErrorCode,
  type PageQuery,
  pageLimit,
  type RunRecord,
  type RunUpdate,
  type TaskRecord,
  type TaskUpdate,
  type UpdateResult,
  type Watermark,
} from '@df/orchestration'
import { JsonFile, type StoreData, type StoredRun } from './json-file.js'

/** Options of {@link createJsonFileBackend}. */
export interface JsonFileBackendOptions {
  /** The JSON file (created by `init()`; its directory must exist). */
  readonly path: string
}

const PKG = '@df/example-json-file-backend'
const CONFLICT = { ok: false, reason: 'conflict' } as const
const NOT_FOUND = { ok: false, reason: 'not-found' } as const
type Mutable<T> = { -readonly [K in keyof T]: T[K] }

const fail = (code: OrchestrationErrorCode, message: string, cause?: unknown) =>
  new OrchestrationError(code, `[${PKG}] ${message}`, cause === undefined ? {} : { cause })

/** Newest first: `createdAt` descending, then `id` descending. */
const newestFirst = (a: Pick<RunRecord, 'createdAt' | 'id'>, b: RunRecord) =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)

/** The run after `u`; `owner: null` clears the owner and the lease. */
function applyRun(run: RunRecord, u: RunUpdate): RunRecord {
  const next: Mutable<RunRecord> = { ...run, version: run.version + 1 }
  for (const key of ['status', 'startedAt', 'endedAt', 'message', 'owner'] as const) {
    if (u[key] !== undefined && u[key] !== null) Object.assign(next, { [key]: u[key] })
  }
  if (u.owner === null) delete next.owner
  if (u.owner === null || u.leaseExpiresAt === null) delete next.leaseExpiresAt
  else if (u.leaseExpiresAt !== undefined) next.leaseExpiresAt = u.leaseExpiresAt
  return next
}

/** The task after `u`; `null` clears nextAttemptAt, error and reason. */
function applyTask(task: TaskRecord, u: TaskUpdate): TaskRecord {
  const next: Mutable<TaskRecord> = { ...task, version: task.version + 1 }
  for (const key of ['state', 'attempt', 'startedAt', 'endedAt', 'result'] as const) {
    if (u[key] !== undefined) Object.assign(next, { [key]: u[key] })
  }
  for (const key of ['nextAttemptAt', 'error', 'reason'] as const) {
    if (u[key] === null) delete next[key]
    else if (u[key] !== undefined) Object.assign(next, { [key]: u[key] })
  }
  return next
}

function upsertAttempt(list: AttemptRecord[], record: AttemptRecord): void {
  const at = list.findIndex((a) => a.attempt >= record.attempt)
  if (at < 0) list.push(record)
  else list.splice(at, list[at]!.attempt === record.attempt ? 1 : 0, record)
}

/**
 * Creates (without `init()`) a backend on one JSON file. Several instances, in one process or
 * several, may share the file.
 * @example
 * const backend = createJsonFileBackend({ path: 'runs.json' })
 * await backend.init()
 */
export function createJsonFileBackend(options: JsonFileBackendOptions): Backend {
  const file = new JsonFile(options.path)
  let closed = false

  /** Every call: closed first, then an aborted signal (rejects with its reason). */
  const guard = (o: OperationOptions | undefined): void => {
    if (closed) throw fail('DF_BACKEND_CLOSED', 'The backend is closed.')
    o?.signal?.throwIfAborted()
  }
  /** Runs `fn` on the document (a `write` stores what it changed); store failures are typed. */
  const run = async <T>(
    o: OperationOptions | undefined,
    mode: 'read' | 'write',
    fn: (data: StoreData) => T,
  ): Promise<T> => {
    guard(o)
    try {
      return file[mode](fn)
    } catch (error) {
      if (OrchestrationError.is(error)) throw error
      throw fail('DF_BACKEND_ERROR', `The store ${options.path} failed: ${String(error)}`, error)
    }
  }
  const runOf = (data: StoreData, id: string): StoredRun | undefined =>
    Object.hasOwn(data.runs, id) ? data.runs[id] : undefined
  const taskIndex = (entry: StoredRun, taskId: string) =>
    entry.tasks.findIndex((t) => t.taskId === taskId)

  return {
    name: 'json-file',
    capabilities: { supportsLockingClaims: true, supportsMultipleProcesses: true },
    async init(o) {
      guard(o)
      try {
        file.create()
      } catch (error) {
        throw fail('DF_BACKEND_UNAVAILABLE', `Cannot create the store ${options.path}.`, error)
      }
    },
    async close() {
      closed = true
    },

    putPipeline: (pipeline, o) =>
      run(o, 'write', (data) => {
        data.pipelines[pipeline.id] = pipeline
      }),
    getPipeline: (id, o) =>
      run(o, 'read', (data) =>
        Object.hasOwn(data.pipelines, id) ? data.pipelines[id] : undefined,
      ),
    listPipelines: (query: PageQuery = {}, o) =>
      run(o, 'read', (data) => {
        const limit = pageLimit(query.limit, PKG)
        const after = query.cursor && decodeCursor(query.cursor, ['string'] as const, PKG)[0]
        const ids = Object.keys(data.pipelines)
          .filter((id) => !after || id > after)
          .sort()
        const items = ids.slice(0, limit).map((id) => data.pipelines[id]!)
        return ids.length > limit
          ? { items, nextCursor: encodeCursor([ids[limit - 1]!]) }
          : { items }
      }),

    createRun: (newRun, o) =>
      run(o, 'write', (data) => {
        const { tasks, ...fields } = newRun
        if (runOf(data, newRun.id)) throw fail('DF_CONFLICT', `Run '${newRun.id}' already exists.`)
        if (new Set(tasks.map((t) => t.taskId)).size !== tasks.length) {
          throw fail(
            'DF_CONFLICT',
            `Run '${newRun.id}' lists a task id twice; nothing was created.`,
          )
        }
        const record: RunRecord = { ...fields, version: 1 }
        data.runs[record.id] = {
          run: record,
          tasks: tasks.map((t) => ({
            runId: record.id,
            taskId: t.taskId,
            state: t.state ?? 'PENDING',
            attempt: 0,
            version: 1,
          })),
          attempts: tasks.map(() => []),
        }
        return record
      }),
    getRun: (id, o) => run(o, 'read', (data) => runOf(data, id)?.run),
    listRuns: (query, o) =>
      run(o, 'read', (data) => {
        const limit = pageLimit(query.limit, PKG)
        const after = query.cursor && decodeCursor(query.cursor, ['number', 'string'] as const, PKG)
        const statuses = query.status === undefined ? undefined : [query.status].flat()
        const runs = Object.values(data.runs)
          .map((e) => e.run)
          .filter(
            (r) =>
              (query.pipelineId === undefined || r.pipelineId === query.pipelineId) &&
              (statuses === undefined || statuses.includes(r.status)) &&
              (query.createdAfter === undefined || r.createdAt >= query.createdAfter) &&
              (query.createdBefore === undefined || r.createdAt < query.createdBefore) &&
              (!after || newestFirst({ createdAt: after[0], id: after[1] }, r) < 0),
          )
          .sort(newestFirst)
        const items = runs.slice(0, limit)
        const last = items[limit - 1]
        return runs.length > limit && last
          ? { items, nextCursor: encodeCursor([last.createdAt, last.id]) }
          : { items }
      }),
    updateRun: (u, o) =>
      run(o, 'write', (data): UpdateResult<RunRecord> => {
        const entry = runOf(data, u.id)
        if (!entry) return NOT_FOUND
        if (entry.run.version !== u.expectedVersion) return CONFLICT
        entry.run = applyRun(entry.run, u)
        return { ok: true, value: entry.run }
      }),
    deleteRuns: (query, o) =>
      run(o, 'write', (data) => {
        const doomed = Object.values(data.runs).filter(
          (e) =>
            e.run.createdAt < query.before &&
            (query.pipelineId === undefined || e.run.pipelineId === query.pipelineId),
        )
        for (const e of doomed) delete data.runs[e.run.id]
        return doomed.length
      }),

    getTasks: (runId, o) => run(o, 'read', (data) => runOf(data, runId)?.tasks.slice() ?? []),
    updateTasks: (updates, o) =>
      run(o, 'write', (data) =>
        updates.map((u): UpdateResult<TaskRecord> => {
          const entry = runOf(data, u.runId)
          const i = entry ? taskIndex(entry, u.taskId) : -1
          if (!entry || i < 0) return NOT_FOUND
          if (entry.tasks[i]!.version !== u.expectedVersion) return CONFLICT
          entry.tasks[i] = applyTask(entry.tasks[i]!, u)
          if (u.attemptRecord) upsertAttempt(entry.attempts[i]!, u.attemptRecord)
          return { ok: true, value: entry.tasks[i]! }
        }),
      ),
    listAttempts: (runId, taskId, o) =>
      run(o, 'read', (data) => {
        const entry = runOf(data, runId)
        if (!entry) return []
        if (taskId === undefined) return entry.attempts.flat()
        const i = taskIndex(entry, taskId)
        return i < 0 ? [] : entry.attempts[i]!.slice()
      }),

    claimRuns: (claim, o) =>
      run(o, 'write', (data) =>
        Object.values(data.runs)
          .filter(
            (e) =>
              e.run.status === 'RUNNING' &&
              (e.run.owner === undefined || (e.run.leaseExpiresAt ?? 0) <= claim.now) &&
              (!claim.pipelineIds || claim.pipelineIds.includes(e.run.pipelineId)),
          )
          .slice(0, claim.limit)
          .map((e) => {
            const { owner, leaseExpiresAt } = claim
            e.run = { ...e.run, owner, leaseExpiresAt, version: e.run.version + 1 }
            return e.run
          }),
      ),
    renewLeases: (renewal, o) =>
      run(o, 'write', (data) =>
        (renewal.runIds ?? Object.keys(data.runs))
          .map((id) => runOf(data, id))
          .filter(
            (e): e is StoredRun =>
              e?.run.owner === renewal.owner && (!!renewal.runIds || e.run.status === 'RUNNING'),
          )
          .map((e) => {
            e.run = { ...e.run, leaseExpiresAt: renewal.leaseExpiresAt, version: e.run.version + 1 }
            return e.run.id
          }),
      ),

    getWatermark: (key, o) =>
      run(o, 'read', (data) =>
        Object.hasOwn(data.watermarks, key) ? data.watermarks[key] : undefined,
      ),
    setWatermark: (key, next, expected, o) =>
      run(o, 'write', (data): UpdateResult<Watermark> => {
        const current = Object.hasOwn(data.watermarks, key) ? data.watermarks[key] : undefined
        if (current === undefined && expected !== undefined) return NOT_FOUND
        const same =
          current === undefined
            ? expected === undefined
            : expected !== undefined &&
              (['value', 'type', 'updatedAt'] as const).every((k) => current[k] === expected[k])
        if (!same) return CONFLICT
        const stored: Watermark = { value: next.value, type: next.type, updatedAt: next.updatedAt }
        data.watermarks[key] = stored
        return { ok: true, value: stored }
      }),
  }
}
