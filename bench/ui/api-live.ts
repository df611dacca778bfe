/**
 * Two more API figures of bench/ui:
 * 1. `GET /api/runs/{id}/tasks` of a 10,000-task run (the compact columnar answer): p50/p99 and
 *    its size, on SQLite and PostgreSQL.
 * 2. State change → SSE event, measured by a Node SSE client: a chain of tasks driven by another
 *    engine (its own backend instance, as another process would be) reaches the stream through
 *    the server's poller; an in-process pipeline's runs are pushed. Latency is from the engine's
 *    event time (same machine clock) to the event's arrival at the client.
 */

import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPostgresBackend } from '@df/backend-postgres'
import { createSqliteBackend } from '@df/backend-sqlite'
import { type Backend, Pipeline, type RunHistory, Task, type TaskEvent } from '@df/orchestration'
import { startUi } from '@df/ui'
import { POSTGRES_URL, withPostgres } from '../backends/drivers.js'
import { latency } from '../backends/listing.js'
import { call, sessionCookie } from './api-http.js'

const TASKS = 10_000

async function seedWideRun(backend: Backend): Promise<string> {
  await backend.init()
  const id = `wide-${Date.now()}`
  await backend.createRun({
    id,
    pipelineId: 'wide',
    status: 'SUCCESS',
    params: {},
    logicalDate: new Date().toISOString(),
    trigger: 'manual',
    definitionHash: 'h',
    createdAt: Date.now(),
    tasks: Array.from({ length: TASKS }, (_, i) => ({
      taskId: `task_${String(i).padStart(5, '0')}`,
      state: 'SUCCESS' as const,
    })),
  })
  return id
}

/** Rows for the 10,000-task run's task states. */
export async function benchTasks(backends: readonly string[], n: number): Promise<void> {
  console.log(
    `# GET /api/runs/{id}/tasks of a ${TASKS.toLocaleString('en')}-task run; ${n} calls after 20 warm-up`,
  )
  console.log('backend\tp50_ms\tp99_ms\tmax_ms\tbytes\tgzip_bytes_est')
  const dir = mkdtempSync(join(tmpdir(), 'df-bench-ui-'))
  const schema = `df_bench_ui_${Math.random().toString(36).slice(2, 8)}`
  try {
    for (const name of backends) {
      const backend =
        name === 'sqlite'
          ? createSqliteBackend({ path: join(dir, 'wide.db') })
          : createPostgresBackend({ connectionString: POSTGRES_URL, schema })
      const runId = await seedWideRun(backend)
      const ui = await startUi({
        backend,
        port: 0,
        auth: { username: 'b', password: 'b-pw' },
        log: () => {},
      })
      try {
        const cookie = await sessionCookie(ui.url, 'b', 'b-pw')
        let bytes = 0
        let gz = 0
        const r = await latency(async () => {
          const a = await call(ui.url, 'GET', `/api/runs/${runId}/tasks`, { cookie })
          if (a.status !== 200) throw new Error(a.text)
          bytes = a.text.length
        }, n)
        const { gzipSync } = await import('node:zlib')
        gz = gzipSync(
          (await call(ui.url, 'GET', `/api/runs/${runId}/tasks`, { cookie })).text,
        ).length
        console.log(
          [name, r.p50.toFixed(2), r.p99.toFixed(2), r.max.toFixed(2), bytes, gz].join('\t'),
        )
      } finally {
        await ui.close()
        await backend.close()
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
    await withPostgres((q) => q(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).catch(() => {})
  }
}

/** Opens the SSE stream; calls `onEvent(type, data, arrivedAt)`. */
function stream(
  base: string,
  cookie: string,
  onEvent: (type: string, data: Record<string, unknown>, at: number) => void,
) {
  const url = new URL(base)
  const req = request(
    {
      host: url.hostname,
      port: url.port,
      path: '/api/events',
      headers: { cookie, accept: 'text/event-stream' },
    },
    (res) => {
      let buf = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        const at = Date.now()
        buf += chunk
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const block = buf.slice(0, i)
          buf = buf.slice(i + 2)
          const type = /^event: (.*)$/m.exec(block)?.[1]
          const data = /^data: (.*)$/m.exec(block)?.[1]
          if (type && data) onEvent(type, JSON.parse(data), at)
        }
      })
    },
  )
  req.end()
  return () => req.destroy()
}

function chain(backend: Backend, name: string, length: number, stepMs: number): Pipeline {
  const p = new Pipeline(name, { backend, maxWorkers: 1 })
  let prev: Task | undefined
  for (let i = 0; i < length; i++) {
    const t = new Task({ name: `t${String(i).padStart(3, '0')}`, run: (ctx) => ctx.sleep(stepMs) })
    p.addTask(t)
    prev?.setDownstream(t)
    prev = t
  }
  return p
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] ?? Number.NaN
}

/** Rows: state change → SSE arrival, through the poller and pushed. */
export async function benchLive(pollMs: number, length: number): Promise<void> {
  console.log(
    `# task state change -> SSE event at a Node client; a ${length}-task chain (20 ms per task), SQLite, pollMs ${pollMs}`,
  )
  console.log('source\tevents\tp50_ms\tp99_ms\tmax_ms\ttarget_p99_ms\tmeets')
  const dir = mkdtempSync(join(tmpdir(), 'df-bench-ui-live-'))
  try {
    const path = join(dir, 'live.db')
    const uiBackend = createSqliteBackend({ path })
    const engineBackend = createSqliteBackend({ path })
    await uiBackend.init()
    await engineBackend.init()
    const remote = chain(engineBackend, 'remote_chain', length, 20)
    const local = chain(uiBackend, 'local_chain', length, 20)
    const ui = await startUi({
      backend: uiBackend as Backend & RunHistory,
      pipelines: [local],
      port: 0,
      pollMs,
      auth: { username: 'b', password: 'b-pw' },
      log: () => {},
    })
    try {
      const cookie = await sessionCookie(ui.url, 'b', 'b-pw')
      for (const [label, p] of [
        ['other process (poller)', remote],
        ['in-process (pushed)', local],
      ] as const) {
        const sent = new Map<string, number>()
        const lat: number[] = []
        const off = p.on('event', (e) => {
          if (e.type === 'task') sent.set(`${(e as TaskEvent).runId}|${e.taskId}|${e.state}`, e.at)
        })
        const close = stream(ui.url, cookie, (type, d, at) => {
          if (type !== 'task') return
          const t0 = sent.get(`${d.runId}|${d.taskId}|${d.state}`)
          if (t0 !== undefined) lat.push(at - t0)
        })
        await new Promise((r) => setTimeout(r, 300))
        await p.run()
        await new Promise((r) => setTimeout(r, pollMs * 3))
        close()
        off()
        const p99 = pct(lat, 0.99)
        console.log(
          [
            label,
            lat.length,
            pct(lat, 0.5).toFixed(1),
            p99.toFixed(1),
            Math.max(...lat).toFixed(1),
            250,
            p99 <= 250 ? 'yes' : 'NO',
          ].join('\t'),
        )
      }
    } finally {
      await ui.close()
      await remote.close()
      await local.close()
      await uiBackend.close()
      await engineBackend.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Rows: the server's CPU while one stream is open and nothing changes, on the 1M-run stores. */
export async function benchPollCost(backends: readonly string[], pollMs: number): Promise<void> {
  const { seededPostgres, seededSqlite } = await import('../backends/listing.js')
  console.log(
    `# idle poller cost: one open SSE stream, nothing changing, 1,000,000 stored runs (50,000 of them QUEUED), pollMs ${pollMs}, 10 s`,
  )
  console.log('backend\tcpu_ms\tpercent_of_one_core\tpolls')
  for (const name of backends) {
    const store = name === 'sqlite' ? await seededSqlite() : await seededPostgres()
    const ui = await startUi({
      backend: store.backend,
      port: 0,
      pollMs,
      auth: { username: 'b', password: 'b-pw' },
      log: () => {},
    })
    try {
      const cookie = await sessionCookie(ui.url, 'b', 'b-pw')
      const close = stream(ui.url, cookie, () => {})
      await new Promise((r) => setTimeout(r, 1000))
      const c0 = process.cpuUsage()
      const t0 = performance.now()
      await new Promise((r) => setTimeout(r, 10_000))
      const c = process.cpuUsage(c0)
      const wall = performance.now() - t0
      const cpu = (c.user + c.system) / 1000
      console.log(
        [name, cpu.toFixed(0), ((cpu / wall) * 100).toFixed(1), Math.round(wall / pollMs)].join(
          '\t',
        ),
      )
      close()
    } finally {
      await ui.close()
      await store.backend.close()
    }
  }
}
