/**
 * Listing the newest runs out of 1,000,000 (issue 4): every filter shape of `listRuns` is an
 * index range scan in the wanted order (no full scan, no sort), checked with EXPLAIN QUERY PLAN
 * on a real million-run file. Speed itself is measured by the benchmark, not asserted here.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSqliteBackend } from '@df/backend-sqlite'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runListSql } from '../src/sqlite-sql.js'

const dir = mkdtempSync(join(tmpdir(), 'df-sqlite-plan-'))
const path = join(dir, 'million.db')
const RUNS = 1_000_000

beforeAll(async () => {
  const backend = createSqliteBackend({ path })
  await backend.init()
  await backend.close()
  // Bulk-load in SQL: a million createRun calls would test the loader, not the plan.
  const db = new Database(path)
  db.exec(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${RUNS - 1})
    INSERT INTO df_runs (id, pipeline_id, status, params, logical_date, trigger, definition_hash,
      created_at, version)
    SELECT printf('run-%07d', i), 'pipe-' || (i % 20),
      CASE i % 5 WHEN 0 THEN 'SUCCESS' WHEN 1 THEN 'FAILED' WHEN 2 THEN 'RUNNING'
        WHEN 3 THEN 'QUEUED' ELSE 'CANCELLED' END,
      '{}', '2024-01-01T00:00:00.000Z', 'schedule', 'h', 1700000000000 + i * 1000, 1 FROM n`)
  db.exec('ANALYZE')
  db.close()
}, 600_000)

afterAll(() => rmSync(dir, { recursive: true, force: true }))

function plan(sql: string): string {
  const db = new Database(path, { readonly: true })
  const params = {
    limit: 51,
    pipelineId: 'pipe-3',
    status: 'FAILED',
    createdAfter: 0,
    createdBefore: 9e15,
    cursorCreatedAt: 1_700_000_500_000,
    cursorId: 'run-0000500',
  }
  const rows = db
    .prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .all(Object.fromEntries(Object.entries(params).filter(([k]) => sql.includes(`@${k}`)))) as {
    detail: string
  }[]
  db.close()
  return rows.map((r) => r.detail).join(' | ')
}

describe('listRuns on 1,000,000 runs', () => {
  const shapes = [false, true].flatMap((pipeline) =>
    [false, true].flatMap((status) =>
      [false, true].map((cursor) => ({ pipeline, status, cursor, after: cursor, before: cursor })),
    ),
  )
  for (const shape of shapes) {
    it(`uses an ordered index range, never a scan or sort: ${JSON.stringify(shape)}`, () => {
      const detail = plan(runListSql(shape))
      expect(detail).toMatch(/USING INDEX df_runs_/)
      expect(detail).not.toMatch(/TEMP B-TREE/)
      if (shape.pipeline || shape.status || shape.cursor) expect(detail).toMatch(/SEARCH/)
    })
  }

  it('returns the newest 50 with a status filter, then pages on by cursor', async () => {
    const backend = createSqliteBackend({ path })
    const first = await backend.listRuns({ status: 'FAILED' })
    expect(first.items.map((r) => r.id)).toEqual(
      Array.from({ length: 50 }, (_, k) => `run-${String(RUNS - 4 - 5 * k).padStart(7, '0')}`),
    )
    const second = await backend.listRuns({ status: 'FAILED', cursor: first.nextCursor })
    expect(second.items[0]?.id).toBe(`run-${String(RUNS - 4 - 5 * 50).padStart(7, '0')}`)
    // Several statuses: one bounded scan each, merged newest first (i % 5: 0 SUCCESS, 1 FAILED).
    const several = await backend.listRuns({ status: ['FAILED', 'SUCCESS'], limit: 4 })
    expect(several.items.map((r) => [r.id, r.status])).toEqual([
      ['run-0999996', 'FAILED'],
      ['run-0999995', 'SUCCESS'],
      ['run-0999991', 'FAILED'],
      ['run-0999990', 'SUCCESS'],
    ])
    await backend.close()
  }, 60_000)
})
