import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../src/index.js'
import { call, PAT, start, submit, waitJob } from './helpers.js'

let emu: Emulator
beforeAll(async () => {
  emu = await start()
})
afterAll(() => emu.close())

async function login(
  userName = 'dremio',
  password = 'dremio123',
): Promise<{ status: number; json: unknown }> {
  return call(emu, 'POST', '/apiv2/login', { userName, password }, {})
}

describe('authentication', () => {
  it('logs in with the default user and returns a Dremio-shaped session', async () => {
    const answer = await login()
    expect(answer.status).toBe(200)
    const body = answer.json as Record<string, unknown>
    expect(body.token).toMatch(/^[0-9a-v]{20,26}$/)
    expect(body).toMatchObject({ userName: 'dremio', admin: true })
    expect(body.expires as number).toBeGreaterThan(Date.now() + 29 * 3600_000)
  })

  it('refuses bad credentials and missing fields with 401 and a JSON errorMessage', async () => {
    expect(await login('dremio', 'wrong')).toMatchObject({
      status: 401,
      json: {
        errorMessage: 'Login failed: Invalid username or password, user dremio',
        moreInfo: '',
      },
    })
    expect(await call(emu, 'POST', '/apiv2/login', { userName: 'dremio' }, {})).toMatchObject({
      status: 401,
      json: { errorMessage: 'user name or password cannot be null or empty' },
    })
  })

  it('accepts Bearer (any case), _dremio and bare tokens, for PATs and session tokens', async () => {
    const token = ((await login()).json as { token: string }).token
    for (const header of [
      `Bearer ${PAT}`,
      `bearer ${PAT}`,
      `_dremio${token}`,
      `_dremio ${token}`,
      `Bearer ${token}`,
      PAT,
    ]) {
      const answer = await call(emu, 'GET', '/api/v3/catalog', undefined, { authorization: header })
      expect(answer.status, header).toBe(200)
    }
  })

  it('answers missing or wrong auth with 401 and an empty body', async () => {
    const variants: Record<string, string>[] = [
      {},
      { authorization: 'Bearer nope' },
      { authorization: `Basic ${PAT} x` },
    ]
    for (const headers of variants) {
      const answer = await call(emu, 'GET', '/api/v3/catalog', undefined, headers)
      expect(answer.status).toBe(401)
      expect(answer.text).toBe('')
    }
    const sql = await call(emu, 'POST', '/api/v3/sql', { sql: 'SELECT 1' }, {})
    expect(sql.status).toBe(401)
  })

  it('expireSessions() invalidates login tokens (clients must log in again) but not PATs', async () => {
    const token = ((await login()).json as { token: string }).token
    const session = { authorization: `_dremio${token}` }
    expect((await call(emu, 'GET', '/api/v3/catalog', undefined, session)).status).toBe(200)
    emu.expireSessions()
    const expired = await call(emu, 'GET', '/api/v3/catalog', undefined, session)
    expect(expired.status).toBe(401)
    expect(expired.text).toBe('')
    expect((await call(emu, 'GET', '/api/v3/catalog')).status).toBe(200)
    const again = ((await login()).json as { token: string }).token
    expect(
      (await call(emu, 'GET', '/api/v3/catalog', undefined, { authorization: `_dremio${again}` }))
        .status,
    ).toBe(200)
  })

  it('GET /apiv2/login checks a token and DELETE ends the session', async () => {
    const token = ((await login()).json as { token: string }).token
    const header = { authorization: `_dremio${token}` }
    expect((await call(emu, 'GET', '/apiv2/login', undefined, header)).status).toBe(200)
    expect((await call(emu, 'DELETE', '/apiv2/login', undefined, header)).status).toBe(204)
    expect((await call(emu, 'GET', '/api/v3/catalog', undefined, header)).status).toBe(401)
  })

  it('uses configured users and tokens', async () => {
    const custom = await start({ auth: { users: { etl: 's3cret' }, tokens: ['my-pat'] } })
    try {
      expect(
        (
          await call(custom, 'GET', '/api/v3/catalog', undefined, {
            authorization: 'Bearer my-pat',
          })
        ).status,
      ).toBe(200)
      expect((await call(custom, 'GET', '/api/v3/catalog')).status).toBe(401)
      const ok = await call(
        custom,
        'POST',
        '/apiv2/login',
        { userName: 'etl', password: 's3cret' },
        {},
      )
      expect(ok.status).toBe(200)
    } finally {
      await custom.close()
    }
  })
})

describe('Dremio Cloud paths', () => {
  it('serves the same API under /v0/projects/{projectId}', async () => {
    const prefix = `/v0/projects/${emu.projectId}`
    const id = await submit(emu, 'SELECT 5 AS five', undefined, prefix)
    expect(await waitJob(emu, id, prefix)).toMatchObject({ jobState: 'COMPLETED', rowCount: 1 })
    const page = await call(emu, 'GET', `${prefix}/job/${id}/results`)
    expect(page.json).toMatchObject({ rows: [{ five: 5 }] })
    expect((await call(emu, 'GET', `${prefix}/catalog`)).status).toBe(200)
  })

  it('answers a wrong project id with 404 and Dremio’s error body', async () => {
    const answer = await call(emu, 'GET', '/v0/projects/not-my-project/catalog')
    expect(answer).toMatchObject({
      status: 404,
      json: { errorMessage: 'Could not find project with id [not-my-project]', moreInfo: '' },
    })
  })

  it('serves a configured project id', async () => {
    const cloud = await start({ cloud: { projectId: 'df-project' } })
    try {
      expect(cloud.projectId).toBe('df-project')
      expect((await call(cloud, 'GET', '/v0/projects/df-project/catalog')).status).toBe(200)
    } finally {
      await cloud.close()
    }
  })
})
