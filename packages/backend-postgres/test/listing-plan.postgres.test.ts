/**
 * The run listing stays indexed at 1,000,000 runs: asserted on the query plan (EXPLAIN), not on
 * timings (timings belong to bench/backends).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PostgresBackend } from '../src/index.js'
import { listRunsQuery } from '../src/postgres-sql.js'
import { adminQuery, dropSchema, newBackend, uniqueSchema } from './helpers.js'

const schema = uniqueSchema()
const s = `"${schema}"`
let backend: PostgresBackend

beforeAll(async () => {
  backend = newBackend(schema, 2)
  await backend.init()
  // 1,000,000 runs over 20 pipelines and 5 statuses, in one server-side statement.
  await adminQuery(`INSERT INTO ${s}."runs" ("id", "pipeline_id", "status", "params",
      "logical_date", "trigger", "definition_hash", "created_at", "version")
    SELECT 'r' || lpad(g::text, 7, '0'), 'p' || (g % 20),
      (ARRAY['QUEUED','RUNNING','SUCCESS','FAILED','CANCELLED'])[1 + g % 5], '{}'::jsonb,
      '2026-11-27T00:00:00.000Z', 'schedule', 'h', 1700000000000 + g * 1000, 1
    FROM generate_series(1, 1000000) AS g`)
  await adminQuery(`ANALYZE ${s}."runs"`)
}, 300_000)

afterAll(async () => {
  await backend?.close()
  await dropSchema(schema)
}, 120_000)

async function plan(filter: Parameters<typeof listRunsQuery>[1]): Promise<string> {
  const q = listRunsQuery(s, filter)
  const rows = await adminQuery<{ 'QUERY PLAN': string }>(`EXPLAIN ${q.text}`, q.values)
  return rows.map((r) => r['QUERY PLAN']).join('\n')
}

describe('postgres run listing at 1,000,000 runs', () => {
  it('newest 50 with a status filter reads runs_status_created_idx, without a sort', async () => {
    const text = await plan({ statuses: ['FAILED'], limit: 51 })
    expect(text).toContain('runs_status_created_idx')
    expect(text).not.toMatch(/Seq Scan|Sort/)
  })

  it('the next page (keyset cursor) is still an ordered index scan', async () => {
    const text = await plan({
      statuses: ['FAILED'],
      after: [1_700_500_000_000, 'r0500000'],
      limit: 51,
    })
    // With a status that common (20%) the planner may walk runs_created_idx and filter: both
    // indexes return rows in order, so either plan stops after 51 matches.
    expect(text).toMatch(/Index Scan using runs_(status_)?created_idx/)
    expect(text).not.toMatch(/Seq Scan|Sort/)
  })

  it('a pipeline filter reads runs_pipeline_created_idx; no filter reads runs_created_idx', async () => {
    const byPipeline = await plan({ pipelineId: 'p7', limit: 51 })
    expect(byPipeline).toContain('runs_pipeline_created_idx')
    expect(byPipeline).not.toMatch(/Seq Scan|Sort/)
    const all = await plan({ limit: 51 })
    expect(all).toContain('runs_created_idx')
    expect(all).not.toMatch(/Seq Scan|Sort/)
  })

  it('a pipeline + status filter reads runs_pipeline_status_created_idx, also when nothing matches', async () => {
    // p7 has only SUCCESS runs (g % 20 == 7 means g % 5 == 2): without the combined index the
    // planner walks every FAILED run looking for p7 ones.
    const text = await plan({ pipelineId: 'p7', statuses: ['FAILED'], limit: 51 })
    expect(text).toContain('runs_pipeline_status_created_idx')
    expect(text).not.toMatch(/Seq Scan|Sort/)
    expect(
      (await backend.listRuns({ pipelineId: 'p7', status: 'FAILED', limit: 50 })).items,
    ).toEqual([])
  })

  it('returns the newest 50 FAILED runs in order through the backend', async () => {
    const page = await backend.listRuns({ status: 'FAILED', limit: 50 })
    expect(page.items).toHaveLength(50)
    // g % 5 == 3 is FAILED; the newest such g is 999998.
    expect(page.items[0]?.id).toBe('r0999998')
    expect(page.items[1]?.id).toBe('r0999993')
    const next = await backend.listRuns({ status: 'FAILED', limit: 50, cursor: page.nextCursor! })
    expect(next.items[0]?.id).toBe('r0999748')
  })
})
