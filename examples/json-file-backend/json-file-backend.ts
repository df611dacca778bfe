/**
 * A complete `Backend` in one file (docs/contracts.md, "Writing a backend"): all state in one JSON
 * file, safe for several processes (a lock file around each read-modify-write). It passes
 * `describeBackend` and the crash and contention suites (it has no optional interfaces).
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import type {
  Backend,
  PipelineRecord,
  RunRecord,
  TaskRecord,
  UpdateResult,
} from '@df/orchestration'
import { OrchestrationError } from '@df/orchestration'
import { applyRunUpdate, applyTaskUpdate, compareClaimOrder } from '@df/orchestration/backend-kit'

type Opts = { readonly signal?: AbortSignal } | undefined // OperationOptions
type Store = {
  pipelines: Record<string, PipelineRecord>
  runs: Record<string, RunRecord>
  tasks: Record<string, TaskRecord[]>
}

const unfinished = (r: RunRecord) => r.status === 'QUEUED' || r.status === 'RUNNING'
/** A compare-and-set of `records[key]`: replaced by `next(record)` only at `expected`. */
function cas<T extends { version: number }>(
  store: Record<string, T> | T[],
  key: string | number,
  expected: number,
  next: (t: T) => T,
): UpdateResult<T> {
  const records = store as Record<string | number, T>
  const current = records[key]
  if (!current) return { ok: false, reason: 'not-found' }
  if (current.version !== expected) return { ok: false, reason: 'conflict' }
  records[key] = next(current)
  return { ok: true, value: records[key]! }
}

/** Creates a backend on the JSON file at `path` (created when missing). */
export function createJsonFileBackend({ path }: { path: string }): Backend {
  const lock = `${path}.lock`
  let closed = false
  /** Runs `fn` on the file's contents under the lock; writes them back when `write`. */
  async function withStore<T>(write: boolean, o: Opts, fn: (s: Store) => T): Promise<T> {
    o?.signal?.throwIfAborted()
    if (closed) throw new OrchestrationError('DF_BACKEND_CLOSED', `[json-file] ${path} is closed.`)
    for (let tries = 1; ; tries++) {
      try {
        writeFileSync(lock, String(process.pid), { flag: 'wx' }) // fails while another holds it
        break
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
        if (tries % 50 === 0) {
          try {
            process.kill(Number(readFileSync(lock, 'utf8')) || process.pid, 0) // holder alive?
          } catch (e) {
            const dead = (e as NodeJS.ErrnoException).code === 'ESRCH' // else: gone, retry
            if (dead) rmSync(lock, { force: true })
          }
        }
        await sleep(1)
      }
    }
    try {
      let store: Store = { pipelines: {}, runs: {}, tasks: {} }
      try {
        store = JSON.parse(readFileSync(path, 'utf8')) as Store
      } catch {} // no file yet
      const result = fn(store)
      if (write) {
        writeFileSync(`${path}.tmp`, JSON.stringify(store))
        renameSync(`${path}.tmp`, path) // atomic: a crash leaves the old or the new file
      }
      return result
    } finally {
      rmSync(lock, { force: true })
    }
  }

  return {
    name: 'json-file',
    capabilities: { supportsLockingClaims: false, supportsMultipleProcesses: true },
    init: (o) => withStore(false, o, () => undefined),
    close: async () => {
      closed = true
    },
    putPipeline: (p, o) =>
      withStore(true, o, (s) => {
        s.pipelines[p.id] = p
      }),
    createRun: ({ tasks, ...run }, o) =>
      withStore(true, o, (s) => {
        const { id } = run
        if (s.runs[id] || new Set(tasks.map((t) => t.taskId)).size !== tasks.length) {
          throw new OrchestrationError('DF_CONFLICT', `[json-file] Run ${id} exists.`)
        }
        const fresh = { runId: id, attempt: 0, version: 1 }
        s.tasks[id] = tasks.map((t) => ({
          ...fresh,
          taskId: t.taskId,
          state: t.state ?? 'PENDING',
        }))
        s.runs[id] = { ...run, version: 1 }
        return s.runs[id]
      }),
    getRun: (id, o) => withStore(false, o, (s) => s.runs[id]),
    updateRun: (u, o) =>
      withStore(true, o, (s) => cas(s.runs, u.id, u.expectedVersion, (r) => applyRunUpdate(r, u))),
    getTasks: (runId, o) => withStore(false, o, (s) => s.tasks[runId] ?? []),
    updateTasks: (updates, o) =>
      withStore(true, o, (s) =>
        updates.map((u) => {
          const tasks = s.tasks[u.runId] ?? []
          const i = tasks.findIndex((t) => t.taskId === u.taskId)
          // Attempt records are dropped: this backend has no RunHistory to list them.
          return cas(tasks, i, u.expectedVersion, (t) => applyTaskUpdate(t, u))
        }),
      ),
    claimRuns: (c, o) =>
      withStore(true, o, (s) =>
        Object.values(s.runs)
          .filter((r) => unfinished(r) && (c.pipelineIds?.includes(r.pipelineId) ?? true))
          .filter((r) => r.owner === undefined || (r.leaseExpiresAt ?? 0) <= c.now)
          .sort(compareClaimOrder)
          .slice(0, Math.max(0, c.limit))
          .map((r) => {
            const lease = { owner: c.owner, leaseExpiresAt: c.leaseExpiresAt }
            s.runs[r.id] = applyRunUpdate(r, { id: r.id, expectedVersion: r.version, ...lease })
            return s.runs[r.id]!
          }),
      ),
    renewLeases: (r, o) =>
      withStore(true, o, (s) => {
        const mine = Object.values(s.runs).filter((run) => run.owner === r.owner)
        const renewed = mine.filter((run) => r.runIds?.includes(run.id) ?? unfinished(run))
        // The version is left alone: a renewal is not a change another engine must see.
        for (const run of renewed) s.runs[run.id] = { ...run, leaseExpiresAt: r.leaseExpiresAt }
        return { renewed: renewed.map((run) => run.id) }
      }),
  }
}

/** `createBackendFromUrl` opens `json-file:///abs/path.json` with this module. */
export const URL_SCHEMES: readonly string[] = ['json-file']
export function fromUrl(url: string): Backend {
  return createJsonFileBackend({ path: fileURLToPath(url.replace(/^json-file:/, 'file:')) })
}
