/**
 * Connection failures against the real server: typed, naming host:port, never the password.
 */
import { OrchestrationError } from '@df/orchestration'
import { describe, expect, it } from 'vitest'
import { createMysqlBackend } from '../src/index.js'
import { closedPort, TEST_URL } from './helpers.js'

const SECRET = 'Sekr3t-pw-do-not-leak'

/** Everything an error exposes: message, cause chain, stack and enumerable fields. */
function exposed(error: unknown): string {
  const parts: string[] = []
  let current: unknown = error
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (current instanceof Error) parts.push(current.message, current.stack ?? '', String(current))
    try {
      parts.push(JSON.stringify(current))
    } catch {
      parts.push('[unserialisable]')
    }
    current = (current as { cause?: unknown }).cause
  }
  return parts.join('\n')
}

async function initError(uri: string): Promise<unknown> {
  const backend = createMysqlBackend({ uri, connectTimeoutMs: 5_000 })
  try {
    await backend.init()
  } catch (error) {
    return error
  } finally {
    await backend.close()
  }
  throw new Error('init() succeeded')
}

describe('mysql connection errors', () => {
  it('a wrong password is DF_BACKEND_UNAVAILABLE naming host:port, without the password', async () => {
    const url = new URL(TEST_URL)
    url.password = SECRET
    const error = await initError(url.toString())
    expect(OrchestrationError.is(error)).toBe(true)
    expect(error).toMatchObject({ code: 'DF_BACKEND_UNAVAILABLE' })
    expect((error as Error).message).toContain(`${url.hostname}:${url.port || '3306'}`)
    expect((error as Error).message).toMatch(/^\[@df\/backend-mysql\] /)
    expect((error as Error).cause).toMatchObject({ code: 'ER_ACCESS_DENIED_ERROR' })
    expect(exposed(error)).not.toContain(SECRET)
    expect(exposed(error)).not.toContain(url.toString())
  })

  it('a closed port is DF_BACKEND_UNAVAILABLE naming host:port, without the password', async () => {
    const port = await closedPort()
    const error = await initError(`mysql://df:${SECRET}@127.0.0.1:${port}/test`)
    expect(error).toMatchObject({ code: 'DF_BACKEND_UNAVAILABLE' })
    expect((error as Error).message).toContain(`127.0.0.1:${port}`)
    expect(exposed(error)).not.toContain(SECRET)
  })

  it('an unknown host is DF_BACKEND_UNAVAILABLE naming the host', async () => {
    const error = await initError(`mysql://df:${SECRET}@no-such-host.invalid:3306/test`)
    expect(error).toMatchObject({ code: 'DF_BACKEND_UNAVAILABLE' })
    expect((error as Error).message).toContain('no-such-host.invalid:3306')
    expect(exposed(error)).not.toContain(SECRET)
  })

  it('a missing database is DF_BACKEND_UNAVAILABLE', async () => {
    const url = new URL(TEST_URL)
    url.pathname = '/df_no_such_database'
    const error = await initError(url.toString())
    expect(error).toMatchObject({ code: 'DF_BACKEND_UNAVAILABLE' })
  })

  it('a malformed URI is DF_OPTION_INVALID and does not echo it', () => {
    let caught: unknown
    try {
      createMysqlBackend({ uri: `mysql://df:${SECRET}@[bad/x` })
    } catch (error) {
      caught = error
    }
    expect(caught).toMatchObject({ code: 'DF_OPTION_INVALID' })
    expect(exposed(caught)).not.toContain(SECRET)
  })

  it('rejects every call after close() with DF_BACKEND_CLOSED', async () => {
    const backend = createMysqlBackend({ uri: TEST_URL })
    await backend.close()
    await backend.close()
    await expect(backend.init()).rejects.toMatchObject({ code: 'DF_BACKEND_CLOSED' })
    await expect(backend.getRun('x')).rejects.toMatchObject({ code: 'DF_BACKEND_CLOSED' })
  })
})
