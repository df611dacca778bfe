/**
 * TLS and connection handling over real sockets. The emulator speaks plain HTTP, so TLS is
 * checked against a minimal HTTPS stand-in for a TLS-terminated Dremio (a real cluster cannot
 * run here): it answers `/apiv2/login` and `/api/v3/catalog` the way reference §2.3/§9 describe.
 */
import { createServer as createHttpsServer, type Server } from 'node:https'
import { createServer as createNetServer } from 'node:net'
import { DremioClient, DremioConnectionError, DremioError } from '@df/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { selfSignedCert } from './helpers.js'

let cert: string
let server: Server
let url: string
const seen: { path: string; auth: string | undefined }[] = []

beforeAll(async () => {
  const pem = selfSignedCert()
  cert = pem.cert
  server = createHttpsServer({ key: pem.key, cert }, (req, res) => {
    seen.push({ path: req.url ?? '', auth: req.headers.authorization })
    res.setHeader('content-type', 'application/json')
    if (req.method === 'POST' && req.url === '/apiv2/login') {
      res.end(
        JSON.stringify({ token: 'tlstoken', expires: Date.now() + 3600_000, userName: 'dremio' }),
      )
    } else if (req.url === '/api/v3/catalog' && req.headers.authorization) {
      res.end(JSON.stringify({ data: [{ id: 's1', path: ['tls'], type: 'CONTAINER' }] }))
    } else {
      res.statusCode = 401
      res.end()
    }
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  url = `https://127.0.0.1:${(server.address() as { port: number }).port}`
}, 60_000)

afterAll(async () => {
  await new Promise((r) => server.close(r))
})

describe('TLS', () => {
  it('refuses an untrusted certificate by default, with a typed error saying how to fix it', async () => {
    const client = new DremioClient({ url, pat: 'p', retry: { retries: 0 } })
    const error = await client.catalog.list().catch((e: unknown) => e)
    expect(DremioError.is(error)).toBe(true)
    expect((error as DremioError).code).toBe('DF_DREMIO_CONNECTION')
    expect((error as DremioError).message).toMatch(/tls\.ca/)
    await client.close()
  })
  it('trusts a custom CA on every request, the login included', async () => {
    seen.length = 0
    const client = new DremioClient({ url, username: 'dremio', password: 'pw', tls: { ca: cert } })
    expect(await client.catalog.list()).toEqual([{ id: 's1', path: ['tls'], type: 'CONTAINER' }])
    expect(seen.map((s) => s.path)).toEqual(['/apiv2/login', '/api/v3/catalog'])
    expect(seen[1]?.auth).toBe('_dremiotlstoken')
    await client.close()
  })
  it('skips verification only when asked explicitly', async () => {
    const client = new DremioClient({ url, pat: 'p', tls: { rejectUnauthorized: false } })
    expect(await client.catalog.list()).toHaveLength(1)
    expect(seen.at(-1)?.auth).toBe('Bearer p')
    await client.close()
  })
})

async function closedPort(): Promise<number> {
  const s = createNetServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as { port: number }).port
  await new Promise((r) => s.close(r))
  return port
}

describe('unreachable server', () => {
  it('retries, then names host:port in a DremioConnectionError', async () => {
    const port = await closedPort()
    const warnings: string[] = []
    const client = new DremioClient({
      url: `http://127.0.0.1:${port}`,
      pat: 'secret-pat',
      retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5 },
      logger: { warn: (m) => warnings.push(m) },
    })
    const error = await client.submit('SELECT 1').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DremioConnectionError)
    expect((error as DremioConnectionError).target).toBe(`127.0.0.1:${port}`)
    expect((error as Error).message).toContain(`127.0.0.1:${port}`)
    expect((error as Error).message).toContain('ECONNREFUSED')
    // POST /sql is retried on refusal: the server provably never saw it.
    expect(warnings).toHaveLength(2)
    expect(warnings.join('\n')).not.toContain('secret-pat')
    await client.close()
  })
})

describe('a server that never answers', () => {
  it('times out; GETs are retried, POST /sql is not (it may have been accepted)', async () => {
    const requests: string[] = []
    const sockets = new Set<import('node:net').Socket>()
    const silent = createNetServer((s) => {
      sockets.add(s)
      s.on('data', (d) => requests.push(d.toString('latin1').split(' ', 2).join(' ')))
    })
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
    const port = (silent.address() as { port: number }).port
    const client = new DremioClient({
      url: `http://127.0.0.1:${port}`,
      pat: 'p',
      timeoutMs: 150,
      retry: { retries: 1, minDelayMs: 1, maxDelayMs: 5 },
    })
    const get = await client.catalog.list().catch((e: unknown) => e)
    expect((get as DremioError).code).toBe('DF_DREMIO_TIMEOUT')
    expect(requests).toEqual(['GET /api/v3/catalog', 'GET /api/v3/catalog'])
    const post = await client.submit('SELECT 1').catch((e: unknown) => e)
    expect((post as DremioError).code).toBe('DF_DREMIO_TIMEOUT')
    expect(requests.slice(2)).toEqual(['POST /api/v3/sql'])
    await client.close()
    for (const s of sockets) s.destroy()
    await new Promise((r) => silent.close(r))
  })
})
