/** Bad input gets a clear JSON 4xx and the server keeps serving. */
import { connect } from 'node:net'
import { join } from 'node:path'
import { createSqliteBackend } from '@df/backend-sqlite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_BODY_BYTES } from '../../src/index.js'
import { etlPipeline } from './fixtures.js'
import {
  http,
  login,
  PASSWORDS,
  type Session,
  startTestUi,
  type TestUi,
  tempDir,
} from './helpers.js'

let t: TestUi
let s: Session

beforeAll(async () => {
  const dir = tempDir()
  const backend = createSqliteBackend({ path: join(dir, 'runs.db') })
  t = await startTestUi({ dir, backend, pipelines: [etlPipeline(backend)] })
  s = await login(t.ui.url, 'admin', PASSWORDS.admin)
})
afterAll(async () => {
  await t.close()
})

async function alive(): Promise<void> {
  const r = await http(t.ui.url, 'GET', '/api/pipelines', { headers: s.get })
  expect(r.status).toBe(200)
}

/** Sends raw bytes (no client-side URL normalisation at all). */
function raw(text: string): Promise<string> {
  const url = new URL(t.ui.url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(text))
    const chunks: Buffer[] = []
    socket.on('data', (c) => chunks.push(c))
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    socket.on('error', reject)
  })
}

describe('bad input', () => {
  it('unknown pipeline → 404 JSON', async () => {
    const r = await http(t.ui.url, 'POST', '/api/pipelines/nope/trigger', {
      headers: s.post,
      body: '{}',
    })
    expect(r.status).toBe(404)
    expect(r.json().error).toEqual({ code: 'DF_UI_NOT_FOUND', message: "No pipeline 'nope'." })
    await alive()
  })

  it('malformed JSON, a non-object body and unknown fields → 400', async () => {
    for (const body of [
      '{"params": {',
      '[1,2]',
      '"text"',
      '{"params":{},"extra":1}',
      '{"params":"region=eu"}',
    ]) {
      const r = await http(t.ui.url, 'POST', '/api/pipelines/etl/trigger', {
        headers: s.post,
        body,
      })
      expect(r.status, body).toBe(400)
      expect(r.json().error.code).toBe('DF_UI_BAD_REQUEST')
    }
    await alive()
  })

  it('a body over the cap → 413, with or without Content-Length', async () => {
    const big = `{"params":{"x":"${'a'.repeat(MAX_BODY_BYTES)}"}}`
    const r = await http(t.ui.url, 'POST', '/api/pipelines/etl/trigger', {
      headers: s.post,
      body: big,
    })
    expect(r.status).toBe(413)
    expect(r.json().error.code).toBe('DF_UI_PAYLOAD_TOO_LARGE')
    const chunked = await http(t.ui.url, 'POST', '/api/pipelines/etl/trigger', {
      headers: { ...s.post, 'transfer-encoding': 'chunked' },
      body: big,
    })
    expect(chunked.status).toBe(413)
    await alive()
  })

  it('path traversal in static paths → 400 JSON, never a file outside the root', async () => {
    for (const path of [
      '/../outside-secret.txt',
      '/%2e%2e/outside-secret.txt',
      '/assets/..%2f..%2foutside-secret.txt',
      '/..%5coutside-secret.txt',
      '/%00',
    ]) {
      const answer = await raw(
        `GET ${path} HTTP/1.1\r\nHost: x\r\nCookie: ${s.cookie}\r\nConnection: close\r\n\r\n`,
      )
      expect(answer, path).toMatch(/^HTTP\/1\.1 400 /)
      expect(answer).toContain('"code":"DF_UI_BAD_REQUEST"')
      expect(answer).not.toContain('OUTSIDE-THE-WEB-ROOT')
    }
    const pub = await raw(
      'GET /assets/../../outside-secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    )
    expect(pub).not.toContain('OUTSIDE-THE-WEB-ROOT')
    expect(pub).toMatch(/^HTTP\/1\.1 (400|401) /)
    await alive()
  })

  it('bad list queries → 400 naming the parameter', async () => {
    for (const [q, word] of [
      ['limit=0', 'limit'],
      ['limit=5000', 'limit'],
      ['limit=abc', 'limit'],
      ['status=DONE', 'status'],
      ['from=notadate', 'from'],
      ['cursor=garbage', 'cursor'],
      ['sort=asc', 'sort'],
    ] as const) {
      const r = await http(t.ui.url, 'GET', `/api/runs?${q}`, { headers: s.get })
      expect(r.status, q).toBe(400)
      expect(r.json().error.message).toContain(word)
    }
    await alive()
  })

  it('unknown API routes and methods → 404 / 405 JSON; a missing file → 404', async () => {
    const missing = await http(t.ui.url, 'GET', '/api/whatever', { headers: s.get })
    expect(missing.status).toBe(404)
    const method = await http(t.ui.url, 'DELETE', '/api/runs', { headers: s.get })
    expect(method.status).toBe(405)
    expect(method.json().error.code).toBe('DF_UI_METHOD_NOT_ALLOWED')
    expect(method.headers.allow).toBe('GET, HEAD')
    const file = await http(t.ui.url, 'GET', '/assets/missing.js', { headers: s.get })
    expect(file.status).toBe(404)
    expect(file.json().error.code).toBe('DF_UI_NOT_FOUND')
    const page = await http(t.ui.url, 'GET', '/runs/some-run', { headers: s.get })
    expect(page.status).toBe(200)
    expect(page.headers['content-type']).toContain('text/html')
    await alive()
  })

  it('a malformed percent-encoding in an API path → 400', async () => {
    const r = await http(t.ui.url, 'GET', '/api/runs/%E0%A4%A', { headers: s.get })
    expect(r.status).toBe(400)
    await alive()
  })
})
