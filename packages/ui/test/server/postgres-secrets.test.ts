/**
 * One PostgreSQL case: every endpoint over a real PostgreSQL backend created from a DSN with a
 * password, as the CLI does; and the secret scan: a full API session (including the SSE
 * stream) with secrets in the backend URL, task options, error messages, log lines, params and
 * attempt meta, and no response body or header holding any of them.
 */
import { randomBytes } from 'node:crypto'
import {
  type Backend,
  createBackendFromUrl,
  NonRetryableError,
  Pipeline,
  Task,
} from '@df/orchestration'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  http,
  login,
  PASSWORDS,
  type Session,
  seenBodies,
  startTestUi,
  type TestUi,
} from './helpers.js'
import { openSse } from './sse.js'

const URL_BASE = process.env.DF_TEST_POSTGRES_URL ?? 'postgres://df:df@127.0.0.1:5432/test'
const schema = `df_ui_${randomBytes(5).toString('hex')}`
const DSN = `${URL_BASE}?schema=${schema}`
const SECRETS = {
  pat: 'dremio-PAT-9f8e7d6c5b4a39281706',
  smtp: 'smtp-Secret-Passw0rd-4242',
  s3: 's3SecretKey/AbCdEfGhIjKlMnOp1234567890',
  dsnPassword: 'dsn-pw-Zq81x',
}
const SECRET_DSN = `postgres://loader:${SECRETS.dsnPassword}@db.internal:5432/warehouse`

let backend: Backend
let t: TestUi
let s: Session
let runId: string
const sseText: string[] = []

function leakyPipeline(b: Backend): Pipeline {
  const p = new Pipeline('leaky', {
    backend: b,
    params: {
      password: { type: 'string', default: SECRETS.smtp },
      region: { type: 'string', default: 'eu' },
    },
  })
  const fetch = new Task({
    name: 'fetch',
    type: 'http',
    options: {
      url: 'https://api.example/x',
      headers: { Authorization: `Bearer ${SECRETS.pat}` },
      smtp: { host: 'mail', password: SECRETS.smtp },
      s3: { accessKeyId: 'AKIA', secretAccessKey: SECRETS.s3 },
    },
    run: (ctx) => {
      ctx.log.info(`connecting with token=${SECRETS.pat}`)
      ctx.log.info(`dsn ${SECRET_DSN}`)
      ctx.setMeta?.('dremioJobId', 'job-1')
      ctx.setMeta?.('token', SECRETS.pat)
      return 1
    },
  })
  const load = new Task({
    name: 'load',
    run: () => {
      throw new NonRetryableError(
        `could not connect to ${SECRET_DSN} (password=${SECRETS.dsnPassword})`,
      )
    },
  })
  p.addTask(fetch, load)
  fetch.setDownstream(load)
  return p
}

beforeAll(async () => {
  backend = await createBackendFromUrl(DSN)
  await backend.init()
  const p = leakyPipeline(backend)
  runId = (await p.run()).id
  t = await startTestUi({ backend: backend as never, pipelines: [p] })
  s = await login(t.ui.url, 'admin', PASSWORDS.admin)
})
afterAll(async () => {
  await t?.close().catch(() => {})
  const c = new pg.Client({ connectionString: URL_BASE })
  await c.connect()
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await c.end()
})

const get = (path: string) => http(t.ui.url, 'GET', path, { headers: s.get })
const post = (path: string, body: unknown) =>
  http(t.ui.url, 'POST', path, { headers: s.post, body: JSON.stringify(body) })

describe('on PostgreSQL', () => {
  it('serves every endpoint', async () => {
    const sse = await openSse(t.ui.url, '/api/events', s.get)
    await sse.next((e) => e.event === 'ready')
    const pipelines = (await get('/api/pipelines')).json().pipelines
    expect(pipelines).toHaveLength(1)
    expect(pipelines[0].lastRuns[0]).toMatchObject({ runId, status: 'FAILED' })
    expect(pipelines[0].params).toEqual({
      password: { type: 'string', secret: true, hasDefault: true },
      region: { type: 'string', default: 'eu' },
    })
    const run = (await get(`/api/runs/${runId}`)).json().run
    expect(run.status).toBe('FAILED')
    const def = await get(`/api/pipelines/leaky/definitions/${run.definitionHash}`)
    expect(def.json().tasks.map((x: { id: string }) => x.id)).toEqual(['fetch', 'load'])
    expect((await get('/api/runs?status=FAILED&pipeline=leaky')).json().runs).toHaveLength(1)
    expect((await get(`/api/runs/${runId}/tasks`)).json().states).toEqual(['SUCCESS', 'FAILED'])
    for (const task of ['fetch', 'load']) {
      expect((await get(`/api/runs/${runId}/tasks/${task}/attempts`)).json().attempts).toHaveLength(
        1,
      )
    }
    const trig = await post('/api/pipelines/leaky/trigger', { params: { region: 'us' } })
    expect(trig.status).toBe(201)
    const rerun = await post(`/api/runs/${runId}/rerun`, { from: 'failed' })
    expect(rerun.status).toBe(201)
    await sse.next(
      (e) => e.event === 'run' && e.data.runId === rerun.json().runId && e.data.status === 'FAILED',
    )
    const list = (await get('/api/runs?limit=1')).json()
    expect(list.runs).toHaveLength(1)
    const next = (
      await get(`/api/runs?limit=1&cursor=${encodeURIComponent(list.nextCursor)}`)
    ).json()
    expect(next.runs[0].runId).not.toBe(list.runs[0].runId)
    for (const r of (await get('/api/runs')).json().runs) {
      await get(`/api/runs/${r.runId}`)
      await get(`/api/runs/${r.runId}/tasks`)
      for (const task of ['fetch', 'load']) await get(`/api/runs/${r.runId}/tasks/${task}/attempts`)
    }
    await get('/api/session')
    sse.close()
    sseText.push(...sse.events.map((e) => JSON.stringify(e)))
    expect(sse.events.filter((e) => e.event === 'log').length).toBeGreaterThan(0)
  })

  it('never sends a secret: every body and header of the session scanned', () => {
    const all = [...seenBodies, ...sseText].join('\n')
    expect(all.length).toBeGreaterThan(5_000)
    // The scan would see them: the attempts were read and they hold the scrubbed log and error.
    expect(all).toContain('connecting with token=***')
    expect(all).toContain('could not connect to postgres://***@db.internal:5432/warehouse')
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect(all.includes(secret), `${name} leaked`).toBe(false)
    }
    expect(all).not.toContain(URL_BASE)
    expect(all).not.toContain(
      new URL(URL_BASE).password ? `:${new URL(URL_BASE).password}@` : 'never',
    )
    expect(all).not.toContain(schema)
  })
})
