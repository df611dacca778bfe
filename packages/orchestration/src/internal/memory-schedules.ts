/**
 * The memory backend's `ScheduleStore`: schedules in a map, claims and compare-and-sets that
 * run synchronously from check to write (no other call interleaves), active-run counts from the
 * backend's set of unfinished runs.
 */
import type { RunRecord, UpdateResult } from '../backend.js'
import { compareScheduleClaimOrder } from '../backend-kit/rows.js'
import { pageLimit } from '../backend-paging.js'
import type { ScheduleRecord, ScheduleStore, ScheduleUpdate } from '../schedule-store.js'
import { decodeCursor, encodeCursor } from './run-index.js'

const CONFLICT = Object.freeze({ ok: false, reason: 'conflict' }) as UpdateResult<never>
const NOT_FOUND = Object.freeze({ ok: false, reason: 'not-found' }) as UpdateResult<never>

/** A `ScheduleStore` in memory; `check` guards every call, `active` lists QUEUED/RUNNING runs. */
export function createMemoryScheduleStore(
  check: (signal?: AbortSignal) => void,
  active: () => Iterable<RunRecord>,
): ScheduleStore {
  const schedules = new Map<string, ScheduleRecord>()
  return {
    async putSchedule(s, o) {
      check(o?.signal)
      const current = schedules.get(s.id)
      if (current !== undefined && current.specHash === s.specHash) return current
      const stored: ScheduleRecord =
        current === undefined
          ? {
              id: s.id,
              pipelineId: s.pipelineId,
              spec: structuredClone(s.spec),
              specHash: s.specHash,
              paused: s.paused,
              lastTick: s.lastTick,
              ...(s.nextDueAt !== undefined ? { nextDueAt: s.nextDueAt } : {}),
              pending: [],
              updatedAt: s.updatedAt,
              version: 1,
            }
          : withDue(
              {
                ...current,
                pipelineId: s.pipelineId,
                spec: structuredClone(s.spec),
                specHash: s.specHash,
                updatedAt: s.updatedAt,
                version: current.version + 1,
              },
              s.nextDueAt,
            )
      schedules.set(s.id, stored)
      return stored
    },

    async getSchedule(id, o) {
      check(o?.signal)
      return schedules.get(id)
    },

    async listSchedules(query = {}, o) {
      check(o?.signal)
      const limit = pageLimit(query.limit, '@df/orchestration')
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor)
      const matching = [...schedules.values()]
        .filter(
          (s) =>
            (query.pipelineId === undefined || s.pipelineId === query.pipelineId) &&
            (after === undefined || s.id > after),
        )
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      const items = matching.slice(0, limit)
      const last = items[items.length - 1]
      return matching.length > limit && last !== undefined
        ? { items, nextCursor: encodeCursor(last.id) }
        : { items }
    },

    async claimSchedules(claim, o) {
      check(o?.signal)
      const due: ScheduleRecord[] = []
      for (const id of new Set(claim.ids)) {
        const s = schedules.get(id)
        if (s === undefined || s.nextDueAt === undefined || s.nextDueAt > claim.now) continue
        if (s.owner !== undefined && (s.leaseExpiresAt ?? 0) > claim.now) continue
        due.push(s)
      }
      due.sort(compareScheduleClaimOrder)
      return due.slice(0, Math.max(0, claim.limit)).map((s) => {
        const claimed: ScheduleRecord = {
          ...s,
          owner: claim.owner,
          leaseExpiresAt: claim.leaseExpiresAt,
          version: s.version + 1,
        }
        schedules.set(s.id, claimed)
        return claimed
      })
    },

    async updateSchedule(update, o) {
      check(o?.signal)
      const current = schedules.get(update.id)
      if (current === undefined) return NOT_FOUND
      if (current.version !== update.expectedVersion) return CONFLICT
      const next = applyScheduleUpdate(current, update)
      schedules.set(next.id, next)
      return { ok: true, value: next }
    },

    async deleteSchedule(id, o) {
      check(o?.signal)
      return schedules.delete(id)
    },

    async countActiveRuns(query, o) {
      check(o?.signal)
      let pipeline = 0
      let schedule = 0
      for (const run of active()) {
        if (run.pipelineId !== query.pipelineId) continue
        pipeline++
        if (query.scheduleId !== undefined && run.scheduleId === query.scheduleId) schedule++
      }
      return { pipeline, schedule }
    },
  }
}

function withDue(s: ScheduleRecord, nextDueAt: number | null | undefined): ScheduleRecord {
  const { nextDueAt: _old, ...rest } = s
  return nextDueAt === undefined || nextDueAt === null ? rest : { ...rest, nextDueAt }
}

/** Applies a schedule compare-and-set that won (version + 1); fields left out are kept. */
export function applyScheduleUpdate(s: ScheduleRecord, u: ScheduleUpdate): ScheduleRecord {
  let next: ScheduleRecord = {
    ...s,
    ...(u.paused !== undefined ? { paused: u.paused } : {}),
    ...(u.lastTick !== undefined ? { lastTick: u.lastTick } : {}),
    ...(u.pending !== undefined ? { pending: [...u.pending] } : {}),
    ...(u.lastRunId !== undefined ? { lastRunId: u.lastRunId } : {}),
    updatedAt: u.updatedAt,
    version: u.expectedVersion + 1,
  }
  if (u.nextDueAt !== undefined) next = withDue(next, u.nextDueAt)
  if (u.owner === null) {
    const { owner: _o, leaseExpiresAt: _l, ...rest } = next
    next = rest
  } else if (u.owner !== undefined) next = { ...next, owner: u.owner }
  if (u.leaseExpiresAt === null) {
    const { leaseExpiresAt: _l, ...rest } = next
    next = rest
  } else if (u.leaseExpiresAt !== undefined) next = { ...next, leaseExpiresAt: u.leaseExpiresAt }
  return next
}
