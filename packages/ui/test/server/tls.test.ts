/** `tls: { key, cert }`: HTTPS, the session cookie Secure, HSTS, auth as over HTTP. */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { request } from 'node:https'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PASSWORDS, startTestUi, type TestUi, tempDir } from './helpers.js'

let t: TestUi

beforeAll(async () => {
  const dir = tempDir()
  const made = spawnSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
  ])
  expect(made.status, String(made.stderr)).toBe(0)
  t = await startTestUi({
    dir,
    tls: { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
  })
})
afterAll(async () => {
  await t.close()
})

function https(method: string, path: string, headers: Record<string, string>, body?: string) {
  const u = new URL(t.ui.url)
  return new Promise<{ status: number; headers: Record<string, unknown>; text: string }>(
    (resolve, reject) => {
      const req = request(
        { host: u.hostname, port: u.port, method, path, headers, rejectUnauthorized: false },
        (res) => {
          let text = ''
          res.on('data', (c: Buffer) => {
            text += c.toString()
          })
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }))
        },
      )
      req.on('error', reject)
      req.end(body)
    },
  )
}

describe('over TLS', () => {
  it('serves https with a Secure session cookie and HSTS', async () => {
    expect(t.ui.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    const login = await https(
      'POST',
      '/api/login',
      { 'content-type': 'application/json' },
      JSON.stringify({ username: 'vic', password: PASSWORDS.viewer }),
    )
    expect(login.status).toBe(204)
    const cookie = String((login.headers['set-cookie'] as string[])[0])
    expect(cookie).toMatch(/; HttpOnly; SameSite=Strict; Secure$/)
    expect(login.headers['strict-transport-security']).toBe('max-age=31536000')
    const session = await https('GET', '/api/session', { cookie: cookie.split(';')[0]! })
    expect(JSON.parse(session.text)).toMatchObject({ user: 'vic', role: 'viewer' })
    expect((await https('GET', '/api/runs', {})).status).toBe(401)
  })
})
