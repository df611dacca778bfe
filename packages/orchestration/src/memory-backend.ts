/**
 * The memory backend: the `Backend` contract in one process's memory, for tests, development
 * and the default `Pipeline`. It passes `describeBackend` from `@df/conformance/backend`.
 *
 * Fast by construction (the engine benchmark writes three task updates per task): records are
 * replaced, never deep-cloned, so returned records are snapshots that later updates do not
 * change; JSON values (params, results) are stored by reference and must not be mutated.
 * Runs are kept in an array sorted by (createdAt, id) for paging and a set of unfinished (QUEUED
 * and RUNNING) runs for claims, so neither scans all history. Implements every optional
 * interface (`RunHistory`, `RunControl`, `WatermarkStore`, `ScheduleStore`).
 */

import type {
  AttemptRecord,
  CancelRequest,
  FullBackend,
  LeaseRenewal,
  LeaseRenewalResult,
  NewRun,
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
} from './backend.js'
import { applyRunUpdate, applyTaskUpdate } from './backend-kit/record-updates.js'
import { compareClaimOrder } from './backend-kit/rows.js'
import { pageLimit as sharedPageLimit } from './backend-paging.js'
import { OrchestrationError } from './errors.js'
import { createMemoryScheduleStore } from './internal/memory-schedules.js'
import { checkOptionKeys } from './internal/option-keys.js'

const MEMORY_OPTION_KEYS: ReadonlySet<string> = new Set(['name'])

import { decodeCursor, encodeCursor, RunIndex } from './internal/run-index.js'

/** Options of {@link createMemoryBackend}. */
export interface MemoryBackendOptions {
  /** Shown in errors and logs. @default 'memory' */
  readonly name?: string
}

/** Per-run storage. */
interface MemoryRunEntry {
  run: RunRecord
  readonly tasks: TaskRecord[]
  readonly taskIndex: Map<string, number>
  readonly attempts: (AttemptRecord[] | undefined)[]
}

const CONFLICT = Object.freeze({ ok: false, reason: 'conflict' }) as UpdateResult<never>
const NOT_FOUND = Object.freeze({ ok: false, reason: 'not-found' }) as UpdateResult<never>

/**
 * Creates a memory backend. Every call returns an independent store.
 *
 * @example
 * const backend = createMemoryBackend()
 * const pipeline = new Pipeline('etl', { backend })
 */
export function createMemoryBackend(options: MemoryBackendOptions = {}): FullBackend {
  checkOptionKeys(options, MEMORY_OPTION_KEYS, 'Memory backend')
  const name = options.name ?? 'memory'
  const pipelines = new Map<string, PipelineRecord>()
  const runs = new RunIndex<MemoryRunEntry>()
  /** QUEUED and RUNNING runs: what claims and lease renewals look at. */
  const live = new Set<MemoryRunEntry>()
  const watermarks = new Map<string, Watermark>()
  let closed = false

  const check = (signal?: AbortSignal): void => {
    if (closed) {
      throw new OrchestrationError(
        'DF_BACKEND_CLOSED',
        `[@df/orchestration] The ${name} backend is closed.`,
      )
    }
    signal?.throwIfAborted()
  }
  const setRun = (entry: MemoryRunEntry, run: RunRecord): void => {
    entry.run = run
    if (run.status === 'RUNNING' || run.status === 'QUEUED') live.add(entry)
    else live.delete(entry)
  }
  const scheduleStore = createMemoryScheduleStore(check, function* () {
    for (const entry of live) yield entry.run
  })

  return {
    ...scheduleStore,
    name,
    capabilities: { supportsLockingClaims: false, supportsMultipleProcesses: false },
    async init(o) {
      check(o?.signal)
    },
    async close() {
      closed = true
    },

    async putPipeline(pipeline, o) {
      check(o?.signal)
      pipelines.set(pipeline.id, { ...pipeline, tasks: pipeline.tasks.map((t) => ({ ...t })) })
    },
    async getPipeline(id, o) {
      check(o?.signal)
      return pipelines.get(id)
    },
    async listPipelines(query: PageQuery = {}, o) {
      check(o?.signal)
      const limit = pageLimit(query.limit)
      const ids = [...pipelines.keys()].sort()
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor)
      const start = after === undefined ? 0 : ids.findIndex((id) => id > after)
      const slice = start < 0 ? [] : ids.slice(start, start + limit)
      const items = slice.map((id) => pipelines.get(id)!)
      const last = slice[slice.length - 1]
      const more = start >= 0 && start + limit < ids.length
      return more && last !== undefined ? { items, nextCursor: encodeCursor(last) } : { items }
    },

    async createRun(newRun: NewRun, o) {
      check(o?.signal)
      if (runs.get(newRun.id)) {
        throw new OrchestrationError(
          'DF_CONFLICT',
          `[@df/orchestration] Run '${newRun.id}' already exists.`,
        )
      }
      const { tasks: newTasks, ...fields } = newRun
      const ids = new Set(newTasks.map((t) => t.taskId))
      if (ids.size !== newTasks.length) {
        throw new OrchestrationError(
          'DF_CONFLICT',
          `[@df/orchestration] Run '${newRun.id}' lists a task id twice; nothing was created.`,
        )
      }
      const run: RunRecord = { ...fields, params: structuredClone(fields.params), version: 1 }
      const tasks: TaskRecord[] = new Array(newTasks.length)
      const taskIndex = new Map<string, number>()
      for (let i = 0; i < newTasks.length; i++) {
        const t = newTasks[i]!
        tasks[i] = {
          runId: run.id,
          taskId: t.taskId,
          state: t.state ?? 'PENDING',
          attempt: 0,
          version: 1,
        }
        taskIndex.set(t.taskId, i)
      }
      const entry: MemoryRunEntry = { run, tasks, taskIndex, attempts: new Array(tasks.length) }
      runs.insert(run.id, run.createdAt, entry)
      setRun(entry, run)
      return run
    },
    async getRun(id, o) {
      check(o?.signal)
      return runs.get(id)?.run
    },
    async listRuns(query: RunQuery, o) {
      check(o?.signal)
      const statuses =
        query.status === undefined
          ? undefined
          : new Set(typeof query.status === 'string' ? [query.status] : query.status)
      const page: Page<MemoryRunEntry> = runs.page(
        pageLimit(query.limit),
        query.cursor,
        (e) =>
          (query.pipelineId === undefined || e.run.pipelineId === query.pipelineId) &&
          (statuses === undefined || statuses.has(e.run.status)) &&
          (query.createdAfter === undefined || e.run.createdAt >= query.createdAfter) &&
          (query.createdBefore === undefined || e.run.createdAt < query.createdBefore),
      )
      const items = page.items.map((e) => e.run)
      return page.nextCursor === undefined ? { items } : { items, nextCursor: page.nextCursor }
    },
    async updateRun(update: RunUpdate, o) {
      check(o?.signal)
      const entry = runs.get(update.id)
      if (!entry) return NOT_FOUND
      if (entry.run.version !== update.expectedVersion) return CONFLICT
      const run = applyRunUpdate(entry.run, update)
      setRun(entry, run)
      return { ok: true, value: run }
    },
    async deleteRuns(query, o) {
      check(o?.signal)
      const removed = runs.deleteBefore(
        query.before,
        (e) => query.pipelineId === undefined || e.run.pipelineId === query.pipelineId,
      )
      for (const e of removed) live.delete(e)
      return removed.length
    },

    async getTasks(runId, o) {
      check(o?.signal)
      return runs.get(runId)?.tasks.slice() ?? []
    },
    async updateTasks(updates: readonly TaskUpdate[], o) {
      check(o?.signal)
      const results: UpdateResult<TaskRecord>[] = new Array(updates.length)
      let entry: MemoryRunEntry | undefined
      for (let i = 0; i < updates.length; i++) {
        const u = updates[i]!
        if (entry === undefined || entry.run.id !== u.runId) entry = runs.get(u.runId)
        const index = entry?.taskIndex.get(u.taskId)
        if (entry === undefined || index === undefined) {
          results[i] = NOT_FOUND
          continue
        }
        const current = entry.tasks[index]!
        if (current.version !== u.expectedVersion) {
          results[i] = CONFLICT
          continue
        }
        const next = applyTaskUpdate(current, u)
        entry.tasks[index] = next
        if (u.attemptRecord !== undefined) upsertAttempt(entry, index, u.attemptRecord)
        results[i] = { ok: true, value: next }
      }
      return results
    },
    async listAttempts(runId, taskId, o) {
      check(o?.signal)
      const entry = runs.get(runId)
      if (!entry) return []
      if (taskId !== undefined) {
        const index = entry.taskIndex.get(taskId)
        return index === undefined ? [] : (entry.attempts[index]?.slice() ?? [])
      }
      const all: AttemptRecord[] = []
      for (const list of entry.attempts) if (list) all.push(...list)
      return all
    },

    async claimRuns(claim: RunClaim, o) {
      check(o?.signal)
      const pipelineIds = claim.pipelineIds ? new Set(claim.pipelineIds) : undefined
      // Synchronous from check to write: no other call interleaves, so claims never overlap.
      const candidates: MemoryRunEntry[] = []
      for (const entry of live) {
        const r = entry.run
        if (pipelineIds && !pipelineIds.has(r.pipelineId)) continue
        if (r.owner !== undefined && (r.leaseExpiresAt ?? 0) > claim.now) continue
        candidates.push(entry)
      }
      candidates.sort((x, y) => compareClaimOrder(x.run, y.run))
      const claimed: RunRecord[] = []
      for (const entry of candidates.slice(0, Math.max(0, claim.limit))) {
        const run: RunRecord = {
          ...entry.run,
          owner: claim.owner,
          leaseExpiresAt: claim.leaseExpiresAt,
          version: entry.run.version + 1,
        }
        setRun(entry, run)
        claimed.push(run)
      }
      return claimed
    },
    async renewLeases(renewal: LeaseRenewal, o): Promise<LeaseRenewalResult> {
      check(o?.signal)
      const renewed: string[] = []
      const cancelRequested: { runId: string; reason: string }[] = []
      const renew = (entry: MemoryRunEntry | undefined): void => {
        if (!entry || entry.run.owner !== renewal.owner) return
        // The version is left alone: a renewal is not a change another engine must see.
        const run = { ...entry.run, leaseExpiresAt: renewal.leaseExpiresAt }
        setRun(entry, run)
        renewed.push(run.id)
        if (run.cancelRequestedAt !== undefined) {
          cancelRequested.push({ runId: run.id, reason: run.cancelReason ?? 'cancel requested' })
        }
      }
      if (renewal.runIds) for (const id of renewal.runIds) renew(runs.get(id))
      else for (const entry of [...live]) renew(entry)
      return cancelRequested.length > 0 ? { renewed, cancelRequested } : { renewed }
    },

    async requestCancel(request: CancelRequest, o) {
      check(o?.signal)
      const entry = runs.get(request.runId)
      if (!entry) return NOT_FOUND
      const r = entry.run
      if (r.status !== 'QUEUED' && r.status !== 'RUNNING') return CONFLICT
      const run: RunRecord =
        r.owner === undefined
          ? applyRunUpdate(r, {
              id: r.id,
              expectedVersion: r.version,
              status: 'CANCELLED',
              endedAt: request.at,
              message: `Cancelled while queued: ${request.reason}`,
            })
          : { ...r, cancelRequestedAt: request.at, cancelReason: request.reason }
      setRun(entry, run)
      return { ok: true, value: run }
    },

    async getWatermark(key, o) {
      check(o?.signal)
      return watermarks.get(key)
    },
    async setWatermark(key, next, expected, o) {
      check(o?.signal)
      const current = watermarks.get(key)
      if (current === undefined && expected !== undefined) return NOT_FOUND
      const same =
        current === undefined
          ? expected === undefined
          : expected !== undefined &&
            current.value === expected.value &&
            current.type === expected.type &&
            current.updatedAt === expected.updatedAt
      if (!same) return CONFLICT
      const stored: Watermark = { value: next.value, type: next.type, updatedAt: next.updatedAt }
      watermarks.set(key, stored)
      return { ok: true, value: stored }
    },
  }
}

function upsertAttempt(entry: MemoryRunEntry, index: number, record: AttemptRecord): void {
  let list = entry.attempts[index]
  if (!list) {
    list = []
    entry.attempts[index] = list
  }
  const stored = record // the engine never mutates what it wrote (see the header)
  const last = list[list.length - 1]
  if (last !== undefined && last.attempt === record.attempt) list[list.length - 1] = stored
  else if (last === undefined || last.attempt < record.attempt) list.push(stored)
  else {
    const at = list.findIndex((a) => a.attempt >= record.attempt)
    if (list[at]?.attempt === record.attempt) list[at] = stored
    else list.splice(at, 0, stored)
  }
}

function pageLimit(limit: number | undefined): number {
  return sharedPageLimit(limit, '@df/orchestration')
}
