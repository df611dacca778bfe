/**
 * HttpTask against a real node:http server on loopback (port 0). Waits between in-attempt
 * retries run on a manual engine clock; `until` only lets loopback I/O finish.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createInProcessExecutor,
  createManualClock,
  type ManualClock,
  Pipeline,
  type PipelineEvent,
  type TaskRecord,
} from '@df/orchestration'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HttpTask } from '../../src/general/http-task.js'
import { history } from '../history.js'
import '../../src/task-types.js' // registers the library's task types, as importing @df/tasks does
import { taskFromDescription } from '@df/orchestration'

interface Seen {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}
type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void

let server: Server
let base: string
const seen: Seen[] = []
const routes = new Map<string, Handler>()

beforeAll(async () => {
  server = createServer((req, res) => {
    const parts: Buffer[] = []
    req.on('data', (c: Buffer) => parts.push(c))
    req.on('end', () => {
      const body = Buffer.concat(parts).toString()
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body })
      const path = new URL(req.url ?? '/', 'http://x').pathname
      const handler = routes.get(path)
      if (!handler) {
        res.writeHead(404).end('no route')
        return
      }
      handler(req, res, body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((r) => server.close(r))
})

async function until(clock: ManualClock, cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 3000 && !cond(); i++) {
    await clock.flush()
    await new Promise((r) => setTimeout(r, 2))
  }
  if (!cond()) throw new Error(`timed out waiting for ${what}`)
}

async function runOne(
  t: HttpTask,
  drive?: (clock: ManualClock, events: PipelineEvent[]) => Promise<void>,
) {
  const clock = createManualClock(0)
  const p = new Pipeline(`http_${t.name}`, { clock, executor: createInProcessExecutor({ clock }) })
  const events: PipelineEvent[] = []
  p.on('event', (e) => {
    events.push(e)
  })
  p.addTask(t)
  const done = p.run({ logicalDate: '2026-11-27T00:00:00.000Z', params: { region: 'eu' } })
  if (drive) await drive(clock, events)
  const run = await done
  const attempts = await history(p.backend).listAttempts(run.id, t.name)
  await p.close()
  return { run, task: run.tasks[t.name] as TaskRecord, attempts }
}

describe('HttpTask', { timeout: 30_000 }, () => {
  it('sends method, templated URL and query, headers and a JSON body; returns the JSON answer', async () => {
    routes.set('/hook/2026-11-27', (_req, res, body) => {
      res
        .writeHead(201, { 'content-type': 'application/json' })
        .end(JSON.stringify({ got: JSON.parse(body) }))
    })
    process.env.DF_TEST_HOOK_TOKEN = 'Bearer s3cr3t-token'
    const t = new HttpTask({
      name: 'post',
      method: 'post',
      url: `${base}/hook/{{ ds }}`,
      query: { region: '{{ params.region }}', n: 3 },
      headers: { 'x-pipeline': 'daily' },
      secretHeaders: { authorization: 'DF_TEST_HOOK_TOKEN' },
      json: { status: 'started' },
    })
    const { task, attempts } = await runOne(t)
    expect(task.state).toBe('SUCCESS')
    expect(task.result).toEqual({ status: 201, body: { got: { status: 'started' } } })
    const req = seen.at(-1) as Seen
    expect(req.method).toBe('POST')
    expect(req.url).toBe('/hook/2026-11-27?region=eu&n=3')
    expect(req.headers).toMatchObject({
      'x-pipeline': 'daily',
      authorization: 'Bearer s3cr3t-token',
      'content-type': 'application/json',
    })
    // The secret is neither stored with the task nor logged.
    expect(JSON.stringify(t.options)).not.toContain('s3cr3t')
    expect(t.options?.secretHeaders).toEqual({ authorization: 'DF_TEST_HOOK_TOKEN' })
    expect(attempts[0]?.log).toContain('POST http://127.0.0.1')
    expect(attempts[0]?.log).not.toContain('s3cr3t')
    expect(attempts[0]?.log).not.toContain('region=eu')
  })

  it('returns text for a text answer and accepts listed statuses', async () => {
    routes.set('/text', (_req, res) => {
      res.writeHead(202, { 'content-type': 'text/plain' }).end('accepted, thanks')
    })
    const { task } = await runOne(
      new HttpTask({ name: 'text', url: `${base}/text`, expectStatus: [202] }),
    )
    expect(task.result).toEqual({ status: 202, body: 'accepted, thanks' })
  })

  it('retries 5xx inside the attempt on the engine clock, then succeeds', async () => {
    let calls = 0
    routes.set('/flaky', (_req, res) => {
      calls++
      if (calls < 3) res.writeHead(503).end('busy')
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
    })
    const t = new HttpTask({
      name: 'flaky',
      url: `${base}/flaky`,
      httpRetries: 3,
      httpRetryDelay: 1000,
    })
    const backoffs = (events: PipelineEvent[]) =>
      events.filter((e) => e.type === 'log' && e.message.includes('retrying in')).length
    const { task, attempts } = await runOne(t, async (clock, events) => {
      // Advance only once the task is asleep (it logs the backoff just before sleeping).
      await until(clock, () => backoffs(events) === 1, 'the first backoff')
      await clock.advance(1000)
      await until(clock, () => backoffs(events) === 2, 'the second backoff')
      await clock.advance(2000) // doubled
    })
    expect(calls).toBe(3)
    expect(task).toMatchObject({
      state: 'SUCCESS',
      attempt: 1,
      result: { status: 200, body: { ok: true } },
    })
    expect(attempts[0]?.log).toContain('answered 503; retrying in 1000 ms')
    expect(attempts[0]?.log).toContain('answered 503; retrying in 2000 ms')
  })

  it('fails at once on an unexpected 4xx, with the status and an excerpt, without task retries', async () => {
    routes.set('/missing', (_req, res) => {
      res.writeHead(404).end('no such thing')
    })
    const { task } = await runOne(new HttpTask({ name: 'nf', url: `${base}/missing`, retries: 3 }))
    expect(task).toMatchObject({ state: 'FAILED', attempt: 1 })
    expect(task.error?.message).toMatch(
      /GET http:\/\/127\.0\.0\.1:\d+\/missing answered 404: no such thing/,
    )
  })

  it('fails a response over maxResponseBytes, and invalid JSON', async () => {
    routes.set('/big', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(5000))
    })
    routes.set('/badjson', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{nope')
    })
    const big = await runOne(
      new HttpTask({ name: 'big', url: `${base}/big`, maxResponseBytes: 1000 }),
    )
    expect(big.task.state).toBe('FAILED')
    expect(big.task.error?.message).toContain('larger than maxResponseBytes (1000 bytes)')
    const bad = await runOne(new HttpTask({ name: 'bad', url: `${base}/badjson` }))
    expect(bad.task.error?.message).toContain('not valid JSON')
  })

  it('times out a request that never answers', async () => {
    routes.set('/hang', () => {
      /* never answers */
    })
    const t = new HttpTask({
      name: 'hang',
      url: `${base}/hang`,
      requestTimeout: 200,
      httpRetries: 0,
    })
    const { task } = await runOne(t)
    expect(task.state).toBe('FAILED')
    expect(task.error?.message).toContain('no answer within 200 ms')
  })

  it('is a serialisable description and rejects bad options', () => {
    const t = new HttpTask({ name: 'd', url: `${base}/x`, method: 'PUT', body: 'day={{ ds }}' })
    const again = taskFromDescription({ name: 'd', type: 'http', options: t.options ?? {} })
    expect(again.options).toEqual(t.options)
    expect(() => new HttpTask({ name: 'e', url: 'not a url' })).toThrow(/not a valid URL/)
    expect(() => new HttpTask({ name: 'e', url: base, json: {}, body: 'x' })).toThrow(
      /json or body/,
    )
    expect(() => new HttpTask({ name: 'e', url: base, secretHeaders: { a: 'has space' } })).toThrow(
      /NAME of an environment variable/,
    )
  })
})
