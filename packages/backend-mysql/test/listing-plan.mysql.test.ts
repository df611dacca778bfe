/**
 * The run listing stays indexed at 1,000,000 runs: asserted on the query plan (EXPLAIN), not on
 * timings (timings belong to bench/backends).
 */

import type { RunListFilter } from '@df/orchestration/backend-kit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MysqlBackend } from '../src/index.js'
import { listRunsQuery } from '../src/mysql-sql.js'
import { adminQuery, createDatabase, dropDatabase, newBackend, uniqueDatabase } from './helpers.js'

const database = uniqueDatabase()
const db = `\`${database}\``
let backend: MysqlBackend

beforeAll(async () => {
  await createDatabase(database)
  backend = newBackend(database, 2)
  await backend.init()
  // 1,000,000 runs over 20 pipelines and 5 statuses: six cross-joined digit tables, server-side.
  await adminQuery(`CREATE TABLE ${db}.\`digits\` (\`n\` INT NOT NULL);
    INSERT INTO ${db}.\`digits\` VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)`)
  await adminQuery(`INSERT INTO ${db}.\`runs\` (\`id\`, \`pipeline_id\`, \`status\`, \`params\`,
      \`logical_date\`, \`trigger\`, \`definition_hash\`, \`created_at\`, \`version\`)
    SELECT CONCAT('r', LPAD(g, 7, '0')), CONCAT('p', g MOD 20),
      ELT(1 + g MOD 5, 'QUEUED', 'RUNNING', 'SUCCESS', 'FAILED', 'CANCELLED'), '{}',
      '2026-11-27T00:00:00.000Z', 'schedule', 'h', 1700000000000 + g * 1000, 1
    FROM (SELECT 1 + a.n + 10 * b.n + 100 * c.n + 1000 * d.n + 10000 * e.n + 100000 * f.n AS g
      FROM ${db}.\`digits\` a, ${db}.\`digits\` b, ${db}.\`digits\` c, ${db}.\`digits\` d,
        ${db}.\`digits\` e, ${db}.\`digits\` f) AS s`)
  await adminQuery(`ANALYZE TABLE ${db}.\`runs\``)
}, 600_000)

afterAll(async () => {
  await backend?.close()
  await dropDatabase(database)
}, 120_000)

interface PlanRow {
  table: string
  type: string
  key: string | null
  Extra: string | null
}

async function plan(filter: RunListFilter): Promise<PlanRow[]> {
  const [sql, values] = listRunsQuery(db, filter)
  return (await adminQuery(`EXPLAIN ${sql}`, [...values])) as PlanRow[]
}

function expectOrderedIndex(rows: PlanRow[], index: RegExp): void {
  expect(rows).toHaveLength(1)
  expect(rows[0]?.key).toMatch(index)
  expect(rows[0]?.type).not.toBe('ALL')
  expect(rows[0]?.Extra ?? '').not.toMatch(/filesort/i)
}

describe('mysql run listing at 1,000,000 runs', () => {
  it('newest 50 with a status filter reads runs_status_created_idx, without a filesort', async () => {
    expectOrderedIndex(await plan({ statuses: ['FAILED'], limit: 51 }), /^runs_status_created_idx$/)
  })

  it('the next page (keyset cursor) is still an ordered index read', async () => {
    const rows = await plan({
      statuses: ['FAILED'],
      after: [1_700_500_000_000, 'r0500000'],
      limit: 51,
    })
    expectOrderedIndex(rows, /^runs_(status_)?created_idx$/)
  })

  it('a pipeline filter reads runs_pipeline_created_idx; no filter reads runs_created_idx', async () => {
    expectOrderedIndex(await plan({ pipelineId: 'p7', limit: 51 }), /^runs_pipeline_created_idx$/)
    expectOrderedIndex(await plan({ limit: 51 }), /^runs_created_idx$/)
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
