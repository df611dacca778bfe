/** Listing runs: newest first, filters, keyset paging that survives concurrent inserts. */
import type { FullBackend, RunQuery, RunRecord, RunState } from '@df/orchestration'
import { expect } from 'vitest'
import { expectCode } from '../assertions.js'
import { type BackendCase, defineCase } from '../define-case.js'
import { seedRun, uniqueId } from '../fixtures.js'

/** Newest first: `createdAt` descending, then `id` descending. */
function newestFirst(a: RunRecord, b: RunRecord): number {
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0
}

/** Follows `nextCursor` to the end and returns every item, failing on a runaway loop. */
async function listAll(backend: FullBackend, query: RunQuery): Promise<RunRecord[]> {
  const all: RunRecord[] = []
  let cursor = query.cursor
  for (let page = 0; page < 1000; page++) {
    const result = await backend.listRuns({ ...query, cursor })
    all.push(...result.items)
    if (result.nextCursor === undefined) return all
    expect(result.items.length, 'a page with a nextCursor is full').toBe(query.limit ?? 50)
    cursor = result.nextCursor
  }
  throw new Error('listRuns never ended')
}

const STATUSES: readonly RunState[] = ['QUEUED', 'RUNNING', 'SUCCESS', 'FAILED', 'CANCELLED']

/** Seeds 2 pipelines × 15 runs with mixed statuses and shared createdAt values (ties). */
async function seedMany(backend: FullBackend): Promise<{ runs: RunRecord[]; pipelines: string[] }> {
  const pipelines = [uniqueId('pipe'), uniqueId('pipe')]
  const runs: RunRecord[] = []
  for (let i = 0; i < 30; i++) {
    runs.push(
      await seedRun(backend, {
        pipelineId: pipelines[i % 2],
        status: STATUSES[i % STATUSES.length],
        // Three runs per instant: the id must break ties.
        createdAt: 1_000_000 + Math.floor(i / 3) * 1000,
        id: `run-${uniqueId('l')}-${String(29 - i).padStart(2, '0')}`,
      }),
    )
  }
  return { runs, pipelines }
}

export const runListCases: readonly BackendCase[] = [
  defineCase(
    'runs.list.order',
    'lists newest first: createdAt descending, then id descending for equal createdAt',
    async ({ backend }) => {
      const { runs } = await seedMany(backend)
      const page = await backend.listRuns({ limit: 1000 })
      expect(page.items).toEqual([...runs].sort(newestFirst))
      expect(page.nextCursor).toBeUndefined()
    },
    ['RunHistory'],
  ),

  defineCase(
    'runs.list.default-limit',
    'returns at most 50 runs by default',
    async ({ backend }) => {
      const pipelineId = uniqueId('pipe')
      for (let i = 0; i < 53; i++) await seedRun(backend, { pipelineId, taskIds: [] })
      const page = await backend.listRuns({ pipelineId })
      expect(page.items).toHaveLength(50)
      expect(page.nextCursor).toBeTypeOf('string')
    },
    ['RunHistory'],
  ),

  defineCase(
    'runs.list.filters',
    'filters by pipelineId, one status or several, createdAfter (inclusive) and createdBefore (exclusive)',
    async ({ backend }) => {
      const { runs, pipelines } = await seedMany(backend)
      const sorted = [...runs].sort(newestFirst)
      const check = async (query: RunQuery, keep: (r: RunRecord) => boolean) => {
        expect(
          (await backend.listRuns({ limit: 1000, ...query })).items,
          JSON.stringify(query),
        ).toEqual(sorted.filter(keep))
      }
      await check({ pipelineId: pipelines[1] }, (r) => r.pipelineId === pipelines[1])
      await check({ status: 'FAILED' }, (r) => r.status === 'FAILED')
      await check({ status: ['QUEUED', 'CANCELLED'] }, (r) =>
        ['QUEUED', 'CANCELLED'].includes(r.status),
      )
      await check({ status: [] }, () => false)
      await check(
        { pipelineId: pipelines[0], status: ['SUCCESS', 'RUNNING'] },
        (r) => r.pipelineId === pipelines[0] && ['SUCCESS', 'RUNNING'].includes(r.status),
      )
      await check({ createdAfter: 1_004_000 }, (r) => r.createdAt >= 1_004_000)
      await check({ createdBefore: 1_004_000 }, (r) => r.createdAt < 1_004_000)
      await check(
        { createdAfter: 1_002_000, createdBefore: 1_006_000, status: 'RUNNING' },
        (r) => r.createdAt >= 1_002_000 && r.createdAt < 1_006_000 && r.status === 'RUNNING',
      )
      await check({ pipelineId: uniqueId('none') }, () => false)
    },
    ['RunHistory'],
  ),

  defineCase(
    'runs.list.paging',
    'cursor pages return every matching run exactly once, in order, with and without filters',
    async ({ backend }) => {
      const { runs, pipelines } = await seedMany(backend)
      const sorted = [...runs].sort(newestFirst)
      expect(await listAll(backend, { limit: 4 })).toEqual(sorted)
      expect(await listAll(backend, { limit: 1 })).toEqual(sorted)
      expect(await listAll(backend, { limit: 3, pipelineId: pipelines[0] })).toEqual(
        sorted.filter((r) => r.pipelineId === pipelines[0]),
      )
      expect(await listAll(backend, { limit: 2, status: ['FAILED', 'SUCCESS'] })).toEqual(
        sorted.filter((r) => r.status === 'FAILED' || r.status === 'SUCCESS'),
      )
      // Exactly divisible: the last full page may carry a cursor, but the next page is then empty.
      expect(await listAll(backend, { limit: 5 })).toEqual(sorted)
    },
    ['RunHistory'],
  ),

  defineCase(
    'runs.list.paging-stable',
    'keyset paging: runs created or updated between pages neither repeat nor go missing',
    async ({ backend }) => {
      const { runs } = await seedMany(backend)
      const sorted = [...runs].sort(newestFirst)
      const first = await backend.listRuns({ limit: 10 })
      expect(first.items).toEqual(sorted.slice(0, 10))
      // A newer run arrives and an already-listed run changes status before the next page.
      await seedRun(backend, { createdAt: 9_000_000 })
      const listed = first.items[0]!
      await backend.updateRun({ id: listed.id, expectedVersion: 1, status: 'CANCELLED' })
      const rest = await listAll(backend, { limit: 10, cursor: first.nextCursor } as RunQuery)
      expect(rest.map((r) => r.id)).toEqual(sorted.slice(10).map((r) => r.id))
    },
    ['RunHistory'],
  ),

  defineCase(
    'runs.list.invalid',
    'rejects a limit outside 1..1000 and a malformed cursor with DF_OPTION_INVALID (stricter than clamping)',
    async ({ backend }) => {
      await expectCode(backend.listRuns({ limit: 0 }), 'DF_OPTION_INVALID')
      await expectCode(backend.listRuns({ limit: 1001 }), 'DF_OPTION_INVALID')
      await expectCode(backend.listRuns({ limit: -3 }), 'DF_OPTION_INVALID')
      await expectCode(backend.listRuns({ cursor: '%%not a cursor%%' }), 'DF_OPTION_INVALID')
    },
    ['RunHistory'],
  ),
]
