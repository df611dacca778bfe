/** Auth over real HTTP: every route and method, login, cookies, Basic, roles, CSRF, rate limit, headers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONTENT_SECURITY_POLICY } from '../../src/index.js'
import { basic, http, login, PASSWORDS, type Session, startTestUi, type TestUi } from './helpers.js'

let t: TestUi
let base: string

beforeAll(async () => {
  t = await startTestUi({ authSettings: { maxFailures: 3, windowMs: 60_000 } })
  base = t.ui.url
})
afterAll(async () => {
  await t.close()
})

const PROTECTED: readonly [string, string][] = [
  ['GET', '/api/pipelines'],
  ['HEAD', '/api/pipelines'],
  ['OPTIONS', '/api/pipelines'],
  ['GET', '/api/runs'],
  ['HEAD', '/api/runs'],
  ['OPTIONS', '/api/runs'],
  ['GET', '/api/runs/x'],
  ['GET', '/api/runs/x/tasks'],
  ['GET', '/api/runs/x/tasks/t/attempts'],
  ['GET', '/api/pipelines/p/definitions/h'],
  ['GET', '/api/session'],
  ['GET', '/api/events'],
  ['HEAD', '/api/events'],
  ['OPTIONS', '/api/events'],
  ['POST', '/api/pipelines/p/trigger'],
  ['POST', '/api/runs/x/cancel'],
  ['POST', '/api/runs/x/rerun'],
  ['POST', '/api/schedules/s/pause'],
  ['POST', '/api/schedules/s/resume'],
  ['POST', '/api/logout'],
  ['PUT', '/api/runs'],
  ['DELETE', '/api/runs/x'],
  ['GET', '/api/nothing-here'],
  ['GET', '/'],
  ['HEAD', '/'],
  ['OPTIONS', '/'],
  ['GET', '/runs/abc'],
  ['POST', '/'],
]

describe('every route and method needs auth', () => {
  for (const [method, path] of PROTECTED) {
    it(`${method} ${path} without credentials is 401`, async () => {
      const r = await http(base, method, path, { headers: { 'content-type': 'application/json' } })
      expect(r.status).toBe(401)
      if (method !== 'HEAD') expect(r.json().error.code).toBe('DF_UI_UNAUTHENTICATED')
      expect(r.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY)
    })
    it(`${method} ${path} with a wrong password or a forged cookie is 401`, async () => {
      const forged = await http(base, method, path, {
        headers: { cookie: 'df_session=forged-value' },
      })
      expect(forged.status).toBe(401)
      const wrong = await http(base, method, path, { headers: basic('nobody', 'x') })
      expect([401, 429]).toContain(wrong.status)
    })
  }

  it('a page navigation without a session is redirected to /login; the SSE stream is not opened', async () => {
    const r = await http(base, 'GET', '/runs/abc', { headers: { accept: 'text/html' } })
    expect(r.status).toBe(302)
    expect(r.headers.location).toBe('/login')
    const sse = await http(base, 'GET', '/api/events', { headers: { accept: 'text/event-stream' } })
    expect(sse.status).toBe(401)
    expect(sse.headers['content-type']).toMatch(/application\/json/)
  })

  it('only the login page and its assets are public, and they hold no data', async () => {
    const page = await http(base, 'GET', '/login')
    expect(page.status).toBe(200)
    expect(page.text).toContain('<script type="module" src="/assets/app.js">')
    const asset = await http(base, 'HEAD', '/assets/app.js')
    expect(asset.status).toBe(200)
    expect(asset.headers['cache-control']).toContain('immutable')
    expect((await http(base, 'POST', '/login')).status).toBe(401)
    expect((await http(base, 'OPTIONS', '/assets/app.js')).status).toBe(401)
  })
})

describe('login and sessions', () => {
  let s: Session
  beforeAll(async () => {
    s = await login(base, 'olivia', PASSWORDS.operator)
  })

  it('sets an HttpOnly, SameSite=Strict, Path=/ cookie, not Secure over plain HTTP', () => {
    expect(s.setCookie).toMatch(/^df_session=[A-Za-z0-9_-]{40,}; /)
    expect(s.setCookie).toContain('HttpOnly')
    expect(s.setCookie).toContain('SameSite=Strict')
    expect(s.setCookie).toContain('Path=/')
    expect(s.setCookie).not.toContain('Secure')
  })

  it('marks the cookie Secure behind a TLS proxy', async () => {
    const r = await http(base, 'POST', '/api/login', {
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ username: 'vic', password: PASSWORDS.viewer }),
    })
    expect(r.status).toBe(204)
    expect(String((r.headers['set-cookie'] as string[])[0])).toMatch(/; Secure/)
    expect(r.headers['strict-transport-security']).toBe('max-age=31536000')
  })

  it('the session gives the user, the role and a CSRF token', async () => {
    const r = await http(base, 'GET', '/api/session', { headers: s.get })
    expect(r.status).toBe(200)
    expect(r.json()).toEqual({
      user: 'olivia',
      role: 'operator',
      via: 'session',
      csrfToken: s.csrf,
    })
    expect(r.headers['cache-control']).toBe('no-store')
  })

  it('HEAD and OPTIONS work with a session; OPTIONS lists the methods', async () => {
    const head = await http(base, 'HEAD', '/api/runs', { headers: s.get })
    expect(head.status).toBe(200)
    expect(head.text).toBe('')
    const options = await http(base, 'OPTIONS', '/api/runs/r1/cancel', { headers: s.get })
    expect(options.status).toBe(204)
    expect(options.headers.allow).toBe('POST, OPTIONS')
    expect(options.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('wrong passwords are 401 and the login body must be JSON', async () => {
    const wrong = await http(base, 'POST', '/api/login', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'nope' }),
    })
    expect(wrong.status).toBe(401)
    expect(wrong.json().error.code).toBe('DF_UI_UNAUTHENTICATED')
    const form = await http(base, 'POST', '/api/login', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `username=admin&password=${PASSWORDS.admin}`,
    })
    expect(form.status).toBe(415)
  })

  it('logout ends the session', async () => {
    const other = await login(base, 'vic', PASSWORDS.viewer)
    const out = await http(base, 'POST', '/api/logout', { headers: other.post, body: '{}' })
    expect(out.status).toBe(204)
    expect(String((out.headers['set-cookie'] as string[])[0])).toContain('Max-Age=0')
    expect((await http(base, 'GET', '/api/session', { headers: other.get })).status).toBe(401)
  })
})

describe('HTTP Basic', () => {
  it('works for scripts without a CSRF token (JSON still required)', async () => {
    const r = await http(base, 'GET', '/api/session', { headers: basic('vic', PASSWORDS.viewer) })
    expect(r.status).toBe(200)
    expect(r.json()).toEqual({ user: 'vic', role: 'viewer', via: 'basic' })
    const post = await http(base, 'POST', '/api/schedules/none/pause', {
      headers: { ...basic('admin', PASSWORDS.admin), 'content-type': 'application/json' },
      body: '{}',
    })
    expect(post.status).toBe(404)
    expect(post.json().error.code).toBe('DF_UI_NOT_FOUND')
    const plain = await http(base, 'POST', '/api/schedules/none/pause', {
      headers: { ...basic('admin', PASSWORDS.admin), 'content-type': 'text/plain' },
      body: '{}',
    })
    expect(plain.status).toBe(415)
  })
})

describe('roles', () => {
  it('a viewer reads but may not trigger, cancel, rerun or pause', async () => {
    const v = await login(base, 'vic', PASSWORDS.viewer)
    expect((await http(base, 'GET', '/api/pipelines', { headers: v.get })).status).toBe(200)
    for (const path of [
      '/api/pipelines/p/trigger',
      '/api/runs/x/cancel',
      '/api/runs/x/rerun',
      '/api/schedules/s/pause',
    ]) {
      const r = await http(base, 'POST', path, { headers: v.post, body: '{}' })
      expect(r.status, path).toBe(403)
      expect(r.json().error.code).toBe('DF_UI_FORBIDDEN')
    }
  })

  it('an operator and an admin may act (the answer is about the missing run, not the role)', async () => {
    for (const [user, pw] of [
      ['olivia', PASSWORDS.operator],
      ['admin', PASSWORDS.admin],
    ] as const) {
      const s = await login(base, user, pw)
      const r = await http(base, 'POST', '/api/runs/missing/cancel', {
        headers: s.post,
        body: '{}',
      })
      expect(r.status).toBe(404)
    }
  })
})

describe('CSRF', () => {
  let s: Session
  beforeAll(async () => {
    s = await login(base, 'admin', PASSWORDS.admin)
  })

  it('a session POST without or with a wrong X-CSRF-Token is 403 DF_UI_CSRF', async () => {
    const { 'x-csrf-token': _, ...noToken } = s.post
    for (const headers of [noToken, { ...s.post, 'x-csrf-token': 'wrong' }]) {
      const r = await http(base, 'POST', '/api/runs/missing/cancel', { headers, body: '{}' })
      expect(r.status).toBe(403)
      expect(r.json().error.code).toBe('DF_UI_CSRF')
    }
  })

  it('a cross-site POST is refused even with the token', async () => {
    const extras: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'null' },
    ]
    for (const extra of extras) {
      const r = await http(base, 'POST', '/api/runs/missing/cancel', {
        headers: { ...s.post, ...extra },
        body: '{}',
      })
      expect(r.status).toBe(403)
      expect(r.json().error.code).toBe('DF_UI_CSRF')
    }
    const proxied = await http(base, 'POST', '/api/runs/missing/cancel', {
      headers: {
        ...s.post,
        origin: 'https://ui.example.com',
        'x-forwarded-host': 'ui.example.com',
      },
      body: '{}',
    })
    expect(proxied.status).toBe(404)
    const same = await http(base, 'POST', '/api/runs/missing/cancel', {
      headers: { ...s.post, origin: base, 'sec-fetch-site': 'same-origin' },
      body: '{}',
    })
    expect(same.status).toBe(404)
  })
})

describe('login rate limit', () => {
  it('blocks an address + user after 3 failures (429 with Retry-After), also for Basic', async () => {
    const attempt = (password: string) =>
      http(base, 'POST', '/api/login', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'olivia', password }),
      })
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) statuses.push((await attempt('bad')).status)
    expect(statuses).toEqual([401, 401, 401])
    const blocked = await attempt(PASSWORDS.operator)
    expect(blocked.status).toBe(429)
    expect(blocked.json().error.code).toBe('DF_UI_RATE_LIMITED')
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0)
    const viaBasic = await http(base, 'GET', '/api/runs', {
      headers: basic('olivia', PASSWORDS.operator),
    })
    expect(viaBasic.status).toBe(429)
    // Another user from the same address is not blocked.
    expect(
      (await http(base, 'GET', '/api/runs', { headers: basic('vic', PASSWORDS.viewer) })).status,
    ).toBe(200)
  })
})

describe('security headers', () => {
  it('are on every answer: pages, API, errors', async () => {
    const s = await login(base, 'vic', PASSWORDS.viewer)
    for (const [method, path] of [
      ['GET', '/'],
      ['GET', '/api/runs'],
      ['GET', '/api/nope'],
      ['GET', '/login'],
    ] as const) {
      const r = await http(base, method, path, { headers: s.get })
      expect(r.headers['content-security-policy'], path).toBe(CONTENT_SECURITY_POLICY)
      expect(r.headers['x-frame-options']).toBe('DENY')
      expect(r.headers['x-content-type-options']).toBe('nosniff')
      expect(r.headers['referrer-policy']).toBe('no-referrer')
    }
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'")
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'")
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline')
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval')
  })
})
