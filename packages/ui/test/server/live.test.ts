/**
 * The SSE stream over real HTTP: changes made by another engine on the same SQLite file reach
 * the browser through the one poller; in-process runs are pushed; Last-Event-ID resumes.
 */
import { join } from 'node:path'
import { createSqliteBackend, type SqliteBackend } from '@df/backend-sqlite'
import type { Pipeline } from '@df/orchestration'
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
} from './helpers.js'
import { openSse } from './sse.js'

let t: TestUi
let s: Session
let engineBackend: SqliteBackend
let etl: Pipeline
let local: TestUi

beforeAll(async () => {
  const dir = tempDir()
  engineBackend = createSqliteBackend({ path: join(dir, 'runs.db') })
  etl = etlPipeline(engineBackend, 'engine-b')
  await etl.recover({ limit: 0, wait: false })
  t = await startTestUi({ dir, pollMs: 50 })
  s = await login(t.ui.url, 'vic', PASSWORDS.viewer)
  const localDir = tempDir()
  const localBackend = createSqliteBackend({ path: join(localDir, 'runs.db') })
  local = await startTestUi({
    dir: localDir,
    backend: localBackend,
    pipelines: [flakyPipeline(localBackend)],
  })
})
afterAll(async () => {
  await t.close()
  await local.close()
  await etl.close()
  await engineBackend.close()
})

describe('GET /api/events', () => {
  it('delivers run and task changes made by another engine', async () => {
    const sse = await openSse(t.ui.url, '/api/events', s.get)
    expect(sse.status).toBe(200)
    await sse.next((e) => e.event === 'ready')
    const run = await etl.run()
    const done = await sse.next(
      (e) => e.event === 'run' && e.data.runId === run.id && e.data.status === 'SUCCESS',
    )
    expect(done.data).toMatchObject({
      pipelineId: 'etl',
      taskCounts: { SUCCESS: 3 },
      finishedAt: expect.any(Number),
    })
    expect(done.id).toMatch(/^[0-9a-z]+-\d+$/)
    const load = await sse.next(
      (e) => e.event === 'task' && e.data.runId === run.id && e.data.taskId === 'load',
    )
    expect(load.data).toMatchObject({ state: 'SUCCESS', attempt: 1 })
    const ids = sse.events.filter((e) => e.id !== undefined).map((e) => Number(e.id!.split('-')[1]))
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    sse.close()
  })

  it('resumes from Last-Event-ID with the events it missed', async () => {
    const first = await openSse(t.ui.url, '/api/events', s.get)
    const ready = await first.next((e) => e.event === 'ready')
    first.close()
    // Another open stream keeps the poller recording while the first is away.
    const other = await openSse(t.ui.url, '/api/events', s.get)
    const run = await etl.run()
    await other.next(
      (e) => e.event === 'run' && e.data.runId === run.id && e.data.status === 'SUCCESS',
    )
    const again = await openSse(t.ui.url, '/api/events', {
      ...s.get,
      'last-event-id': ready.data.lastEventId,
    })
    const replayReady = await again.next((e) => e.event === 'ready')
    const before = again.events.slice(0, again.events.indexOf(replayReady))
    expect(
      before.some(
        (e) => e.event === 'run' && e.data.runId === run.id && e.data.status === 'SUCCESS',
      ),
    ).toBe(true)
    expect(before.some((e) => e.event === 'task' && e.data.runId === run.id)).toBe(true)
    again.close()
    other.close()
  })

  it('answers an unknown Last-Event-ID with reset (refetch)', async () => {
    const sse = await openSse(t.ui.url, '/api/events?lastEventId=zzz-5', s.get)
    const reset = await sse.next((e) => e.event === 'reset')
    expect(reset.data.reason).toContain('refetch')
    sse.close()
  })

  it('limits task and log events to ?runs=, and streams log lines of watched runs', async () => {
    const op = await login(t.ui.url, 'olivia', PASSWORDS.operator)
    const trig = await http(t.ui.url, 'POST', '/api/pipelines/etl/trigger', {
      headers: op.post,
      body: '{"params":{"region":"us"}}',
    })
    const watched = trig.json().runId as string
    const sse = await openSse(t.ui.url, `/api/events?runs=${watched}`, s.get)
    await sse.next((e) => e.event === 'ready')
    const [adopted] = await etl.recover()
    expect(adopted?.id).toBe(watched)
    const other = await etl.run()
    const line = await sse.next((e) => e.event === 'log' && e.data.runId === watched)
    expect(line.data).toMatchObject({
      taskId: 'extract',
      attempt: 1,
      line: expect.stringContaining('extracting us'),
    })
    await sse.next(
      (e) => e.event === 'run' && e.data.runId === other.id && e.data.status === 'SUCCESS',
    )
    expect(sse.events.some((e) => e.event === 'task' && e.data.runId === other.id)).toBe(false)
    expect(sse.events.some((e) => e.event === 'task' && e.data.runId === watched)).toBe(true)
    sse.close()
  })

  it('pushes the events of in-process runs at once, log lines included', async () => {
    const op = await login(local.ui.url, 'olivia', PASSWORDS.operator)
    const sse = await openSse(local.ui.url, '/api/events', op.get)
    await sse.next((e) => e.event === 'ready')
    const r = await http(local.ui.url, 'POST', '/api/pipelines/flaky/trigger', {
      headers: op.post,
      body: '{}',
    })
    const runId = r.json().runId
    await sse.next(
      (e) =>
        e.event === 'task' &&
        e.data.runId === runId &&
        e.data.taskId === 'b' &&
        e.data.state === 'FAILED',
    )
    const log = await sse.next((e) => e.event === 'log' && e.data.runId === runId)
    expect(log.data).toMatchObject({ taskId: 'b', line: 'about to fail', level: 'warn' })
    await sse.next((e) => e.event === 'run' && e.data.runId === runId && e.data.status === 'FAILED')
    sse.close()
  })

  it('refuses the 51st open stream of a user with 429 and keeps the others', async () => {
    const mine = await login(t.ui.url, 'olivia', PASSWORDS.operator)
    const open = []
    for (let i = 0; i < 50; i++) open.push(await openSse(t.ui.url, '/api/events', mine.get))
    expect(open.every((x) => x.status === 200)).toBe(true)
    const extra = await openSse(t.ui.url, '/api/events', mine.get)
    expect(extra.status).toBe(429)
    extra.close()
    // Another user is not affected.
    const other = await openSse(t.ui.url, '/api/events', s.get)
    expect(other.status).toBe(200)
    other.close()
    for (const x of open) x.close()
    await Promise.all(open.map((x) => x.ended))
    await new Promise((r) => setTimeout(r, 50))
    const again = await openSse(t.ui.url, '/api/events', mine.get)
    expect(again.status).toBe(200)
    again.close()
  })

  it('ends the streams of a session at logout', async () => {
    const mine = await login(t.ui.url, 'vic', PASSWORDS.viewer)
    const sse = await openSse(t.ui.url, '/api/events', mine.get)
    await sse.next((e) => e.event === 'ready')
    await http(t.ui.url, 'POST', '/api/logout', { headers: mine.post, body: '{}' })
    await sse.ended
    const again = await openSse(t.ui.url, '/api/events', mine.get)
    expect(again.status).toBe(401)
    again.close()
  })
})
