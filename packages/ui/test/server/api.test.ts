/** Every endpoint over real HTTP against a real SQLite backend, with in-process pipelines. */

import { join } from 'node:path'
import { createSqliteBackend } from '@df/backend-sqlite'
import { resolveScheduleOptions } from '@df/orchestration'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { etlPipeline, flakyPipeline } from './fixtures.js'
import {
  http,
  login,
  PASSWORDS,
  type Session,
  startTestUi,
  type TestUi,
  tempDir,
  waitFor,
} from './helpers.js'

let t: TestUi
let s: Session
let base: string
let etlRun: string
let flakyRun: string

beforeAll(async () => {
  const dir = tempDir()
  const backend = createSqliteBackend({ path: join(dir, 'runs.db') })
  const etl = etlPipeline(backend)
  const flaky = flakyPipeline(backend)
  etlRun = (await etl.run({ params: { region: 'us' } })).id
  flakyRun = (await flaky.run()).id
  const sched = resolveScheduleOptions('etl', { cron: '0 2 * * *', timezone: 'Europe/Paris' })
  await backend.putSchedule({
    id: sched.id,
    pipelineId: 'etl',
    spec: sched.spec,
    specHash: sched.specHash,
    paused: false,
    lastTick: Date.now(),
    nextDueAt: Date.now() + 3_600_000,
    updatedAt: Date.now(),
  })
  t = await startTestUi({ dir, backend, pipelines: [etl, flaky] })
  base = t.ui.url
  s = await login(base, 'olivia', PASSWORDS.operator)
})
afterAll(async () => {
  await t.close()
})

const get = async (path: string) => {
  const r = await http(base, 'GET', path, { headers: s.get })
  return r
}
const post = (path: string, body: unknown) =>
  http(base, 'POST', path, { headers: s.post, body: JSON.stringify(body) })

describe('GET /api/pipelines', () => {
  it('lists stored pipelines with params, schedule and last runs', async () => {
    const r = await get('/api/pipelines')
    expect(r.status).toBe(200)
    const { pipelines } = r.json()
    expect(pipelines.map((p: { name: string }) => p.name)).toEqual(['etl', 'flaky'])
    const etl = pipelines[0]
    expect(etl).toMatchObject({
      pipelineId: 'etl',
      name: 'etl',
      description: 'Loads orders',
      tasks: 3,
      canTrigger: true,
      inProcess: true,
      params: { region: { type: 'string', enum: ['eu', 'us'], default: 'eu' } },
      schedule: { id: 'etl', cron: '0 2 * * *', timezone: 'Europe/Paris', paused: false },
    })
    expect(etl.definitionHash).toMatch(/^[0-9a-f]{16,}$/)
    expect(etl.schedule.nextRunAt).toBeGreaterThan(Date.now())
    expect(etl.lastRuns[0]).toMatchObject({ runId: etlRun, status: 'SUCCESS' })
    expect(pipelines[1].lastRuns[0]).toMatchObject({ runId: flakyRun, status: 'FAILED' })
  })

  it('a viewer sees canTrigger: false', async () => {
    const v = await login(base, 'vic', PASSWORDS.viewer)
    const r = await http(base, 'GET', '/api/pipelines', { headers: v.get })
    expect(r.json().pipelines.every((p: { canTrigger: boolean }) => !p.canTrigger)).toBe(true)
  })
})

describe('definitions', () => {
  it('serves the DAG by definition hash, cacheable forever', async () => {
    const hash = (await get(`/api/runs/${etlRun}`)).json().run.definitionHash
    const r = await get(`/api/pipelines/etl/definitions/${hash}`)
    expect(r.status).toBe(200)
    expect(r.headers['cache-control']).toBe('private, max-age=31536000, immutable')
    expect(r.json()).toEqual({
      pipelineId: 'etl',
      definitionHash: hash,
      current: true,
      tasks: [
        { id: 'extract', type: 'function', upstream: [], triggerRule: 'all_success', retries: 0 },
        {
          id: 'transform',
          type: 'function',
          upstream: ['extract'],
          triggerRule: 'all_success',
          retries: 0,
        },
        {
          id: 'load',
          type: 'function',
          upstream: ['transform'],
          triggerRule: 'all_success',
          retries: 0,
        },
      ],
    })
    const old = await get('/api/pipelines/etl/definitions/not-the-hash')
    expect(old.json().current).toBe(false)
    expect(old.headers['cache-control']).toBe('no-store')
    expect((await get(`/api/pipelines/nope/definitions/${hash}`)).status).toBe(404)
  })
})

describe('runs', () => {
  it('lists runs newest first with summaries', async () => {
    const r = await get('/api/runs')
    expect(r.status).toBe(200)
    const body = r.json()
    expect(body.nextCursor).toBeNull()
    expect(body.runs.map((x: { runId: string }) => x.runId)).toEqual([flakyRun, etlRun])
    expect(body.runs[1]).toMatchObject({
      runId: etlRun,
      pipelineId: 'etl',
      status: 'SUCCESS',
      trigger: 'manual',
      taskCounts: { SUCCESS: 3 },
    })
    expect(typeof body.runs[1].startedAt).toBe('number')
    expect(typeof body.runs[1].finishedAt).toBe('number')
  })

  it('filters by pipeline, status and date and pages with a cursor', async () => {
    for (let i = 0; i < 4; i++)
      await post('/api/pipelines/etl/trigger', { params: { region: 'eu' } })
    await waitFor(async () => {
      const r = (await get('/api/runs?pipeline=etl&status=SUCCESS')).json()
      return r.runs.length === 5 || undefined
    })
    expect(
      (await get('/api/runs?status=FAILED')).json().runs.map((x: { runId: string }) => x.runId),
    ).toEqual([flakyRun])
    expect((await get('/api/runs?status=FAILED,SUCCESS&pipeline=flaky')).json().runs).toHaveLength(
      1,
    )
    const page1 = (await get('/api/runs?pipeline=etl&limit=2')).json()
    expect(page1.runs).toHaveLength(2)
    expect(page1.nextCursor).toEqual(expect.any(String))
    const page2 = (
      await get(`/api/runs?pipeline=etl&limit=2&cursor=${encodeURIComponent(page1.nextCursor)}`)
    ).json()
    const page3 = (
      await get(`/api/runs?pipeline=etl&limit=2&cursor=${encodeURIComponent(page2.nextCursor)}`)
    ).json()
    const ids = [...page1.runs, ...page2.runs, ...page3.runs].map((x: { runId: string }) => x.runId)
    expect(new Set(ids).size).toBe(5)
    expect(ids.at(-1)).toBe(etlRun)
    expect(page3.nextCursor).toBeNull()
    const future = new Date(Date.now() + 86_400_000).toISOString()
    expect((await get(`/api/runs?from=${future}`)).json().runs).toEqual([])
    expect((await get(`/api/runs?to=${future}&pipeline=flaky`)).json().runs).toHaveLength(1)
  })

  it('shows one run with params and definition hash', async () => {
    const r = await get(`/api/runs/${etlRun}`)
    expect(r.status).toBe(200)
    expect(r.json().run).toMatchObject({
      runId: etlRun,
      params: { region: 'us' },
      status: 'SUCCESS',
      logicalDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    })
    const failed = (await get(`/api/runs/${flakyRun}`)).json().run
    expect(failed.status).toBe('FAILED')
    expect(failed.error.message).toContain('b')
    expect((await get('/api/runs/does-not-exist')).status).toBe(404)
  })

  it('gives task states as columns', async () => {
    const r = await get(`/api/runs/${flakyRun}/tasks`)
    expect(r.status).toBe(200)
    const c = r.json()
    expect(c.ids).toEqual(['a', 'b', 'c'])
    expect(c.states).toEqual(['SUCCESS', 'FAILED', 'UPSTREAM_FAILED'])
    expect(c.attempts).toEqual([1, 1, 0])
    expect(c.startedAt[0]).toEqual(expect.any(Number))
    expect(c.finishedAt[1]).toEqual(expect.any(Number))
    expect(c.reasons[2]).toEqual(expect.any(String))
    expect((await get('/api/runs/does-not-exist/tasks')).status).toBe(404)
  })

  it('gzips large answers for clients that accept it', async () => {
    for (let i = 0; i < 80; i++) await post('/api/pipelines/flaky/trigger', {})
    await waitFor(async () =>
      (await get('/api/runs?status=QUEUED,RUNNING')).json().runs.length === 0 ? true : undefined,
    )
    const plain = await http(base, 'GET', '/api/runs?limit=1000', { headers: s.get })
    expect(plain.text.length).toBeGreaterThan(16_384)
    expect(plain.headers['content-encoding']).toBeUndefined()
    const { request } = await import('node:http')
    const { gunzipSync } = await import('node:zlib')
    const u = new URL(base)
    const answer = await new Promise<{ headers: Record<string, unknown>; raw: Buffer }>(
      (resolve, reject) => {
        request(
          {
            host: u.hostname,
            port: u.port,
            path: '/api/runs?limit=1000',
            headers: { ...s.get, 'accept-encoding': 'gzip, br' },
          },
          (res) => {
            const chunks: Buffer[] = []
            res.on('data', (c: Buffer) => chunks.push(c))
            res.on('end', () => resolve({ headers: res.headers, raw: Buffer.concat(chunks) }))
          },
        )
          .on('error', reject)
          .end()
      },
    )
    expect(answer.headers['content-encoding']).toBe('gzip')
    expect(answer.headers.vary).toBe('Accept-Encoding')
    expect(gunzipSync(answer.raw).toString('utf8')).toBe(plain.text)
    expect(answer.raw.length).toBeLessThan(plain.text.length / 3)
  })

  it('gives attempts with error, log lines and meta', async () => {
    const b = (await get(`/api/runs/${flakyRun}/tasks/b/attempts`)).json()
    expect(b.attempts).toHaveLength(1)
    expect(b.attempts[0]).toMatchObject({
      attempt: 1,
      status: 'FAILED',
      error: { message: 'b broke' },
    })
    expect(b.attempts[0].log.join('\n')).toContain('about to fail')
    expect(b.attempts[0].error.stack).toContain('b broke')
    const e = (await get(`/api/runs/${etlRun}/tasks/extract/attempts`)).json()
    expect(e.attempts[0]).toMatchObject({ status: 'SUCCESS', meta: { dremioJobId: 'job-123' } })
    expect(e.attempts[0].log.join('\n')).toContain('extracting us')
    expect((await get(`/api/runs/${etlRun}/tasks/nope/attempts`)).status).toBe(404)
  })
})

describe('actions', () => {
  it('triggers an in-process pipeline with validated params and defaults', async () => {
    const r = await post('/api/pipelines/etl/trigger', {
      params: { limit: 5 },
      logicalDate: '2026-01-02T00:00:00Z',
    })
    expect(r.status).toBe(201)
    const { runId } = r.json()
    const run = await waitFor(async () => {
      const x = (await get(`/api/runs/${runId}`)).json().run
      return x.status === 'SUCCESS' ? x : undefined
    })
    expect(run).toMatchObject({
      trigger: 'ui',
      params: { region: 'eu', limit: 5 },
      logicalDate: '2026-01-02T00:00:00.000Z',
    })
  })

  it('refuses bad params with a 400 naming the param', async () => {
    const r = await post('/api/pipelines/etl/trigger', { params: { region: 'mars' } })
    expect(r.status).toBe(400)
    expect(r.json().error).toMatchObject({
      code: 'DF_UI_BAD_REQUEST',
      message: expect.stringContaining('region'),
    })
    expect(r.json().error.message).not.toContain('mars')
    const unknown = await post('/api/pipelines/etl/trigger', { params: { colour: 'red' } })
    expect(unknown.status).toBe(400)
    const notObject = await post('/api/pipelines/etl/trigger', { params: [1] })
    expect(notObject.status).toBe(400)
    const date = await post('/api/pipelines/etl/trigger', { logicalDate: 'yesterday-ish' })
    expect(date.status).toBe(400)
  })

  it('reruns from failed and from a chosen task', async () => {
    const r = await post(`/api/runs/${flakyRun}/rerun`, { from: 'failed' })
    expect(r.status).toBe(201)
    const rerun = await waitFor(async () => {
      const x = (await get(`/api/runs/${r.json().runId}`)).json().run
      return x.status === 'FAILED' ? x : undefined
    })
    expect(rerun).toMatchObject({ trigger: 'rerun', rerunOf: flakyRun })
    const tasks = (await get(`/api/runs/${rerun.runId}/tasks`)).json()
    expect(tasks.reasons[0]).toContain(`Copied from run ${flakyRun}`)
    const fromTask = await post(`/api/runs/${etlRun}/rerun`, { fromTask: 'transform' })
    expect(fromTask.status).toBe(201)
    const ran = await waitFor(async () => {
      const x = (await get(`/api/runs/${fromTask.json().runId}/tasks`)).json()
      return x.states.every((st: string) => st === 'SUCCESS') ? x : undefined
    })
    expect(ran.reasons?.[0]).toContain('Copied')
    expect((await post(`/api/runs/${etlRun}/rerun`, { fromTask: 'nope' })).status).toBe(404)
    expect((await post(`/api/runs/${etlRun}/rerun`, { from: 'everything' })).status).toBe(400)
  })

  it('pauses and resumes a schedule', async () => {
    const p = await post('/api/schedules/etl/pause', {})
    expect(p.status).toBe(200)
    expect(p.json().schedule).toMatchObject({ id: 'etl', paused: true })
    expect((await get('/api/pipelines')).json().pipelines[0].schedule.paused).toBe(true)
    const r = await post('/api/schedules/etl/resume', {})
    expect(r.json().schedule.paused).toBe(false)
    expect((await post('/api/schedules/nope/pause', {})).status).toBe(404)
  })

  it('cancelling a finished run is a 409', async () => {
    const r = await post(`/api/runs/${etlRun}/cancel`, {})
    expect(r.status).toBe(409)
    expect(r.json().error.code).toBe('DF_UI_CONFLICT')
  })
})
