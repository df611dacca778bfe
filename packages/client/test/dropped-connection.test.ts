/**
 * Issue 15 item 16 (the message): a server that closes the connection after the request was
 * sent is reachable; the error says the connection was closed (and, for POST /sql, that it was
 * not retried because the server may have received it) instead of "Cannot reach Dremio".
 * A real TCP server on loopback that reads the request and drops the connection.
 */
import { createServer, type Server } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DremioClient, type DremioError } from '../src/index.js'

let server: Server
let url: string
let requests = 0
beforeAll(async () => {
  server = createServer((socket) => {
    socket.once('data', () => {
      requests++
      socket.resetAndDestroy()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const address = server.address() as { port: number }
  url = `http://127.0.0.1:${address.port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

describe('a connection dropped after the request was sent', () => {
  it('POST /sql: says the connection was closed and that it was not retried', async () => {
    const client = new DremioClient({ url, pat: 'p', retry: { retries: 3, minDelayMs: 1 } })
    requests = 0
    const error = (await client.submit('SELECT 1').catch((e: unknown) => e)) as DremioError
    await client.close()
    expect(error.code).toBe('DF_DREMIO_CONNECTION')
    expect(error.message).not.toMatch(/Cannot reach/)
    expect(error.message).toMatch(/closed the connection during POST \/api\/v3\/sql/)
    expect(error.message).toMatch(/not retried/)
    expect(requests).toBe(1)
  })

  it('an idempotent GET is retried, then says the connection was closed', async () => {
    const client = new DremioClient({
      url,
      pat: 'p',
      retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 },
    })
    requests = 0
    const error = (await client.catalog.list().catch((e: unknown) => e)) as DremioError
    await client.close()
    expect(error.code).toBe('DF_DREMIO_CONNECTION')
    expect(error.message).toMatch(/closed the connection during GET \/api\/v3\/catalog/)
    expect(requests).toBe(3)
  })
})
