/** Auth: PAT, username/password login, transparent re-login, bad credentials, Cloud project ids. */
import { DremioClient, DremioHttpError } from '@df/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type Emulator,
  PASSWORD,
  PAT,
  recordingLogger,
  startEmulator,
  thrown,
  USER,
} from './helpers.js'

let emu: Emulator
const PROJECT = '7d4c2a10-0000-4000-8000-0000000000aa'

beforeAll(async () => {
  emu = await startEmulator({ cloud: { projectId: PROJECT } })
}, 60_000)

afterAll(async () => {
  await emu?.close()
})

function fast() {
  return { retry: { retries: 2, minDelayMs: 1, maxDelayMs: 10 } }
}

describe('auth', () => {
  it('logs in with username/password and re-logs in once after the session expires', async () => {
    const log = recordingLogger()
    const client = new DremioClient({
      url: emu.url,
      username: USER,
      password: PASSWORD,
      logger: log,
      ...fast(),
    })
    expect(await client.query('SELECT 1 AS one')).toEqual([{ one: 1 }])
    expect(log.lines).toEqual([])
    emu.expireSessions()
    expect(await client.query('SELECT 2 AS two')).toEqual([{ two: 2 }])
    expect(log.lines.filter((l) => l.includes('logging in again'))).toHaveLength(1)
    expect(log.lines.join('\n')).not.toContain(PASSWORD)
    await client.close()
  })

  it('re-logs in once for many concurrent requests hitting an expired session', async () => {
    const log = recordingLogger()
    const client = new DremioClient({
      url: emu.url,
      username: USER,
      password: PASSWORD,
      logger: log,
      ...fast(),
    })
    await client.catalog.list()
    emu.expireSessions()
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => client.query(`SELECT ${i} AS i`)),
    )
    expect(results.map((r) => r[0]?.i)).toEqual([0, 1, 2, 3, 4, 5])
    expect(log.lines.filter((l) => l.includes('logging in again'))).toHaveLength(1)
    await client.close()
  })

  it('surfaces wrong credentials as a typed 401 without the password', async () => {
    const client = new DremioClient({
      url: emu.url,
      username: USER,
      password: 'wrong-pw-123',
      ...fast(),
    })
    const error = await thrown(() => client.query('SELECT 1'))
    expect(error).toBeInstanceOf(DremioHttpError)
    expect(error.status).toBe(401)
    expect(error.code).toBe('DF_DREMIO_UNAUTHORIZED')
    expect(error.message).toMatch(/Login failed|Invalid/i)
    expect(error.message).not.toContain('wrong-pw-123')
    await client.close()
  })

  it('answers a wrong PAT with 401, and no PAT appears in the error', async () => {
    const client = new DremioClient({ url: emu.url, pat: 'not-a-token-xyz', ...fast() })
    const error = await thrown(() => client.catalog.list())
    expect(error).toBeInstanceOf(DremioHttpError)
    expect(error.code).toBe('DF_DREMIO_UNAUTHORIZED')
    expect(`${error.message}${String(error.stack)}`).not.toContain('not-a-token-xyz')
    await client.close()
  })

  it('talks to the Cloud project paths, and a wrong project id is a typed 404', async () => {
    const cloud = new DremioClient({
      pat: PAT,
      cloud: { projectId: PROJECT, url: emu.url },
      ...fast(),
    })
    expect(cloud.config.apiBase).toBe(`${emu.url.replace(/\/$/, '')}/v0/projects/${PROJECT}`)
    expect(await cloud.query('SELECT 3 AS three')).toEqual([{ three: 3 }])
    const wrong = new DremioClient({
      pat: PAT,
      cloud: { projectId: '00000000-dead-4000-8000-000000000000', url: emu.url },
      ...fast(),
    })
    const error = await thrown(() => wrong.submit('SELECT 1'))
    expect(error).toBeInstanceOf(DremioHttpError)
    expect(error.status).toBe(404)
    await cloud.close()
    await wrong.close()
  })

  it('reads its configuration from the environment', async () => {
    const client = DremioClient.fromEnv(
      { DREMIO_URL: emu.url, DREMIO_USERNAME: USER, DREMIO_PASSWORD: PASSWORD },
      fast(),
    )
    expect(await client.query('SELECT 4 AS four')).toEqual([{ four: 4 }])
    await client.close()
  })
})
