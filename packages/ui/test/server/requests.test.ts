/**
 * A UI that does not hold the pipelines' code: triggers and reruns become run requests (QUEUED,
 * no owner) that another engine adopts with recover(); cancel is a request stored on the run and
 * honoured by the engine driving it (another backend instance on the same SQLite file, as
 * another process would have).
 */
import { join } from 'node:path'
import { createSqliteBackend, type SqliteBackend } from '@df/backend-sqlite'
import type { Pipeline } from '@df/orchestration'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { etlPipeline, flakyPipeline, slowPipeline } from './fixtures.js'
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
let engineBackend: SqliteBackend
let etl: Pipeline
let flaky: Pipeline
let slow: Pipeline
const fail = { value: true }

beforeAll(async () => {
  const dir = tempDir()
  engineBackend = createSqliteBackend({ path: join(dir, 'runs.db') })
  etl = etlPipeline(engineBackend, 'engine-b:etl')
  flaky = flakyPipeline(engineBackend, fail)
  slow = slowPipeline(engineBackend, 'engine-b:slow', 600)
  // The engine stores the definitions (as `serve` does when it starts).
  for (const p of [etl, flaky, slow]) await p.recover({ limit: 0, wait: false })
  t = await startTestUi({ dir })
  s = await login(t.ui.url, 'olivia', PASSWORDS.operator)
})
afterAll(async () => {
  await t.close()
  for (const p of [etl, flaky, slow]) await p.close()
  await engineBackend.close()
})

const get = (path: string) => http(t.ui.url, 'GET', path, { headers: s.get })
const post = (path: string, body: unknown) =>
  http(t.ui.url, 'POST', path, { headers: s.post, body: JSON.stringify(body) })

describe('run requests', () => {
  it('a trigger stores a QUEUED run without owner that the engine adopts', async () => {
    const r = await post('/api/pipelines/etl/trigger', { params: { limit: 7 } })
    expect(r.status).toBe(201)
    expect(r.json().requested).toBe(true)
    const { runId } = r.json()
    const stored = await t.backend.getRun(runId)
    expect(stored).toMatchObject({
      status: 'QUEUED',
      trigger: 'ui',
      params: { region: 'eu', limit: 7 },
    })
    expect(stored?.owner).toBeUndefined()
    expect((await get(`/api/runs/${runId}`)).json().run.requested).toBe(true)
    const adopted = await etl.recover()
    expect(adopted.map((x) => [x.id, x.status])).toEqual([[runId, 'SUCCESS']])
    const after = (await get(`/api/runs/${runId}`)).json().run
    expect(after).toMatchObject({ status: 'SUCCESS', taskCounts: { SUCCESS: 3 } })
    expect(after.requested).toBeUndefined()
  })

  it('validates params against the stored schema without the code', async () => {
    const r = await post('/api/pipelines/etl/trigger', { params: { limit: 0 } })
    expect(r.status).toBe(400)
    expect(r.json().error.message).toContain('limit')
    expect((await post('/api/pipelines/unknown/trigger', {})).status).toBe(404)
  })

  it('a rerun request copies successes and re-executes the rest', async () => {
    const first = await flaky.run()
    expect(first.status).toBe('FAILED')
    const r = await post(`/api/runs/${first.id}/rerun`, { from: 'failed' })
    expect(r.status).toBe(201)
    const id = r.json().runId
    const queued = await t.backend.getRun(id)
    expect(queued).toMatchObject({ status: 'QUEUED', trigger: 'rerun', rerunOf: first.id })
    expect(queued?.owner).toBeUndefined()
    fail.value = false
    const [done] = await flaky.recover()
    expect(done?.status).toBe('SUCCESS')
    expect(done?.tasks.a?.reason).toContain(`Copied from run ${first.id}`)
    expect(done?.tasks.b?.attempt).toBe(1)
    expect(done?.tasks.c?.state).toBe('SUCCESS')
  })
})

describe('rerun requests from a task', () => {
  it('copy the tasks upstream of it, re-execute it and what follows', async () => {
    const first = await etl.run({ params: { region: 'us' } })
    const r = await post(`/api/runs/${first.id}/rerun`, { fromTask: 'transform' })
    expect(r.status).toBe(201)
    const stored = await t.backend.getTasks(r.json().runId)
    expect(stored.map((x) => [x.taskId, x.state])).toEqual([
      ['extract', 'SUCCESS'],
      ['transform', 'PENDING'],
      ['load', 'PENDING'],
    ])
    const [done] = await etl.recover()
    expect(done).toMatchObject({ id: r.json().runId, status: 'SUCCESS', params: { region: 'us' } })
    expect(done?.tasks.extract?.reason).toContain(`Copied from run ${first.id}`)
    expect(done?.tasks.transform?.result).toEqual({ rows: 3 })
    expect((await post(`/api/runs/${first.id}/rerun`, { fromTask: 'nope' })).status).toBe(404)
  })
})

describe('cancel requests', () => {
  it('reach a run driven by another engine at its next lease renewal', async () => {
    const running = slow.run()
    const runId = await waitFor(async () => {
      const r = (await get('/api/runs?pipeline=slow&status=RUNNING')).json().runs[0]
      return r?.runId as string | undefined
    })
    const c = await post(`/api/runs/${runId}/cancel`, { reason: 'test' })
    expect(c.status).toBe(202)
    expect(c.json()).toEqual({ runId, cancelRequested: true })
    expect((await get(`/api/runs/${runId}`)).json().run.cancelRequestedAt).toEqual(
      expect.any(Number),
    )
    const result = await running
    expect(result.status).toBe('CANCELLED')
    const detail = (await get(`/api/runs/${runId}`)).json().run
    expect(detail.status).toBe('CANCELLED')
    expect(detail.cancelReason).toBe('cancelled by olivia in the UI: test')
  })

  it('end an unadopted run request at once', async () => {
    const r = await post('/api/pipelines/slow/trigger', {})
    const runId = r.json().runId
    expect((await post(`/api/runs/${runId}/cancel`, {})).status).toBe(202)
    expect((await t.backend.getRun(runId))?.status).toBe('CANCELLED')
    expect((await post(`/api/runs/${runId}/cancel`, {})).status).toBe(409)
  })
})
