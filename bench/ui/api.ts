/**
 * The API half of bench/ui: `GET /api/runs` over real HTTP (a session cookie, keep-alive) out of
 * 1,000,000 stored runs in SQLite and PostgreSQL (the stores of bench/backends, seeded by bulk
 * SQL and kept between runs): the first page, filters, a date window and a deep keyset page.
 * Each figure next to the same backend call made directly, as a ratio measured in the same run.
 */
import type { Backend, RunHistory, RunQuery } from '@df/orchestration'
import { startUi } from '@df/ui'
import { latency, SEEDED_RUNS, seededPostgres, seededSqlite } from '../backends/listing.js'
import { call, sessionCookie } from './api-http.js'

const TARGET_P99_MS = 50

interface Case {
  readonly name: string
  readonly query: RunQuery
}

function qs(q: RunQuery): string {
  const p = new URLSearchParams()
  p.set('limit', String(q.limit ?? 50))
  if (q.pipelineId !== undefined) p.set('pipeline', q.pipelineId)
  if (q.status !== undefined)
    p.set('status', ([] as string[]).concat(q.status as string | string[]).join(','))
  if (q.createdAfter !== undefined) p.set('from', String(q.createdAfter))
  if (q.createdBefore !== undefined) p.set('to', String(q.createdBefore))
  if (q.cursor !== undefined) p.set('cursor', q.cursor)
  return p.toString()
}

async function cases(history: RunHistory): Promise<Case[]> {
  const newest = (await history.listRuns({ limit: 1 })).items[0]!.createdAt
  const mid = newest - (SEEDED_RUNS / 2) * 1000
  // A genuine cursor half-way down the history (the page after 500,000 newer runs).
  const deep = (await history.listRuns({ createdBefore: mid, limit: 50 })).nextCursor!
  const deepFailed = (await history.listRuns({ createdBefore: mid, status: 'FAILED', limit: 50 }))
    .nextCursor!
  return [
    { name: 'first page', query: { limit: 50 } },
    { name: 'status=FAILED', query: { status: 'FAILED', limit: 50 } },
    { name: 'pipeline', query: { pipelineId: 'pipe-7', limit: 50 } },
    { name: 'pipeline+status', query: { pipelineId: 'pipe-10', status: 'FAILED', limit: 50 } },
    // pipe-7 has no FAILED run in the seed: the filter must not walk every FAILED run.
    {
      name: 'pipeline+status, none match',
      query: { pipelineId: 'pipe-7', status: 'FAILED', limit: 50 },
    },
    { name: 'status=FAILED,CANCELLED', query: { status: ['FAILED', 'CANCELLED'], limit: 50 } },
    {
      name: 'date window (1 day)',
      query: { createdAfter: mid - 86_400_000, createdBefore: mid, limit: 50 },
    },
    { name: 'deep cursor (500k)', query: { cursor: deep, limit: 50 } },
    { name: 'deep cursor+status', query: { cursor: deepFailed, status: 'FAILED', limit: 50 } },
    { name: 'limit=1000 (max page)', query: { limit: 1000 } },
  ]
}

/** Rows: backend, query, p50/p99/max over HTTP, the direct call's p50, and the verdict. */
export async function benchRunsList(backends: readonly string[], n: number): Promise<void> {
  console.log(
    `# GET /api/runs out of ${SEEDED_RUNS.toLocaleString('en')} runs over real HTTP (session cookie, keep-alive); ${n} calls after 20 warm-up`,
  )
  console.log(
    'backend\tquery\tseed_s\thttp_p50_ms\thttp_p99_ms\thttp_max_ms\tdirect_p50_ms\thttp_vs_direct_p50\tbytes\ttarget_p99_ms\tmeets',
  )
  for (const name of backends) {
    const store = name === 'sqlite' ? await seededSqlite() : await seededPostgres()
    const backend = store.backend as Backend & RunHistory
    let seed = store.seedSeconds
    const ui = await startUi({
      backend,
      port: 0,
      auth: { username: 'bench', password: 'bench-pw' },
      log: () => {},
    })
    try {
      const cookie = await sessionCookie(ui.url, 'bench', 'bench-pw')
      for (const c of await cases(backend)) {
        const path = `/api/runs?${qs(c.query)}`
        let bytes = 0
        const http = await latency(async () => {
          const r = await call(ui.url, 'GET', path, { cookie })
          if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.text}`)
          bytes = r.text.length
        }, n)
        const direct = await latency(() => backend.listRuns(c.query), n)
        console.log(
          [
            name,
            c.name,
            seed.toFixed(1),
            http.p50.toFixed(2),
            http.p99.toFixed(2),
            http.max.toFixed(2),
            direct.p50.toFixed(2),
            (http.p50 / direct.p50).toFixed(2),
            bytes,
            ...(c.query.limit === 1000
              ? ['-', '-']
              : [TARGET_P99_MS, http.p99 <= TARGET_P99_MS ? 'yes' : 'NO']),
          ].join('\t'),
        )
        seed = 0
      }
    } finally {
      await ui.close()
      await backend.close()
    }
  }
}
