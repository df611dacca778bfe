/** `requireService` on real sockets: a listening server on port 0, and a port nobody listens on. */
import { once } from 'node:events'
import { createServer, type Server } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isCI, missingServices, requireService } from '../src/backend.js'

let server: Server
let openPort = 0
let closedPort = 0

beforeAll(async () => {
  server = createServer((socket) => socket.end())
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  openPort = (server.address() as { port: number }).port
  // A port that was free a moment ago and is closed now: nothing listens there.
  const probe = createServer().listen(0, '127.0.0.1')
  await once(probe, 'listening')
  closedPort = (probe.address() as { port: number }).port
  await new Promise((resolve) => probe.close(resolve))
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})

describe('requireService', () => {
  it('returns the env URL when something listens there', () => {
    const url = `postgres://u:secret@127.0.0.1:${openPort}/db`
    expect(requireService('DF_TEST_OPEN_URL', { env: { DF_TEST_OPEN_URL: url } })).toBe(url)
  })

  it('falls back to the documented default URL when the variable is unset', () => {
    const result = requireService('DF_TEST_POSTGRES_URL', { env: {} })
    if (result === undefined) {
      // The machine's PostgreSQL is down: the probe must still have tried the default endpoint.
      expect(missingServices().get('DF_TEST_POSTGRES_URL')).toContain('127.0.0.1:5432')
    } else {
      expect(result).toBe('postgres://df:df@127.0.0.1:5432/test')
    }
  })

  it('throws in CI when nothing answers, naming host and port but never the password', () => {
    const env = { CI: 'true', DF_TEST_DOWN_URL: `mysql://df:hunter2@127.0.0.1:${closedPort}/x` }
    let error: unknown
    try {
      requireService('DF_TEST_DOWN_URL', { env, timeoutMs: 1000 })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toContain(`127.0.0.1:${closedPort}`)
    expect((error as Error).message).not.toContain('hunter2')
    expect(missingServices().has('DF_TEST_DOWN_URL')).toBe(false)
  })

  it('throws in CI for an unset variable without a default', () => {
    expect(() => requireService('DF_TEST_NOTHING_URL', { env: { CI: '1' } })).toThrow(/CI is set/)
  })

  it('returns undefined locally and records the service as missing', () => {
    const env = { DF_TEST_LOCAL_URL: `redis://127.0.0.1:${closedPort}` }
    expect(requireService('DF_TEST_LOCAL_URL', { env, timeoutMs: 1000 })).toBeUndefined()
    expect(missingServices().get('DF_TEST_LOCAL_URL')).toContain(`127.0.0.1:${closedPort}`)
  })

  it('reads CI the way CI providers set it', () => {
    expect(isCI({ CI: 'true' })).toBe(true)
    expect(isCI({ CI: '1' })).toBe(true)
    expect(isCI({ CI: 'false' })).toBe(false)
    expect(isCI({ CI: '0' })).toBe(false)
    expect(isCI({ CI: '' })).toBe(false)
    expect(isCI({})).toBe(false)
  })
})
