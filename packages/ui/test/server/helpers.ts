/**
 * Test helpers: a real SQLite backend in a temp dir, users with real scrypt hashes, a started
 * UI server, and a raw HTTP client (node:http, so HEAD/OPTIONS/odd paths go out exactly as
 * written; `fetch` would normalise `..`).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSqliteBackend, type SqliteBackend } from '@df/backend-sqlite'
import {
  hashPassword,
  startUi,
  type UiOptions,
  type UiServer,
  type UserRecord,
} from '../../src/index.js'

export const PASSWORDS = { admin: 'admin-pw-1', operator: 'operator-pw-2', viewer: 'viewer-pw-3' }

let cachedUsers: UserRecord[] | undefined

/** One user of each role. */
export async function testUsers(): Promise<UserRecord[]> {
  cachedUsers ??= [
    { username: 'admin', role: 'admin', passwordHash: await hashPassword(PASSWORDS.admin) },
    { username: 'olivia', role: 'operator', passwordHash: await hashPassword(PASSWORDS.operator) },
    { username: 'vic', role: 'viewer', passwordHash: await hashPassword(PASSWORDS.viewer) },
  ]
  return cachedUsers
}

/** A temp dir removed by `cleanup`. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'df-ui-'))
}

/** A fake SPA build: index.html and one asset. */
export function webFixture(dir: string): string {
  const root = join(dir, 'web')
  mkdirSync(join(root, 'assets'), { recursive: true })
  writeFileSync(
    join(root, 'index.html'),
    '<!doctype html><title>df</title><script type="module" src="/assets/app.js"></script>',
  )
  writeFileSync(join(root, 'assets', 'app.js'), 'export const app = 1\n')
  writeFileSync(join(dir, 'outside-secret.txt'), 'OUTSIDE-THE-WEB-ROOT')
  return root
}

export interface TestUi {
  readonly ui: UiServer
  readonly backend: SqliteBackend
  readonly dir: string
  readonly dbPath: string
  close(): Promise<void>
}

/** A UI over a fresh SQLite file. */
export async function startTestUi(
  options: Partial<UiOptions> & { backend?: SqliteBackend; dir?: string } = {},
): Promise<TestUi> {
  const dir = options.dir ?? tempDir()
  const dbPath = join(dir, 'runs.db')
  const backend = options.backend ?? createSqliteBackend({ path: dbPath })
  await backend.init()
  const ui = await startUi({
    port: 0,
    auth: { users: await testUsers() },
    webRoot: webFixture(dir),
    pollMs: 50,
    log: () => {},
    ...options,
    backend,
  })
  return {
    ui,
    backend,
    dir,
    dbPath,
    async close() {
      await ui.close()
      await backend.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export interface Answer {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly text: string
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers ad hoc
  json(): any
}

/** Every answer body a test saw (the secret scan reads them). */
export const seenBodies: string[] = []

/** One raw HTTP request. */
export function http(
  base: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Answer> {
  const url = new URL(base)
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers: options.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          seenBodies.push(text, JSON.stringify(res.headers))
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: () => JSON.parse(text),
          })
        })
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

/** Basic credentials header. */
export function basic(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` }
}

/** A logged-in browser-like session: cookie + CSRF token. */
export interface Session {
  readonly cookie: string
  readonly csrf: string
  /** Headers for a GET. */
  readonly get: Record<string, string>
  /** Headers for a POST (JSON + CSRF). */
  readonly post: Record<string, string>
  readonly setCookie: string
}

/** Logs in through `POST /api/login` and reads the CSRF token. */
export async function login(base: string, user: string, password: string): Promise<Session> {
  const r = await http(base, 'POST', '/api/login', {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user, password }),
  })
  if (r.status !== 204) throw new Error(`login failed: ${r.status} ${r.text}`)
  const setCookie = String((r.headers['set-cookie'] as string[])[0])
  const cookie = setCookie.split(';')[0]!
  const s = await http(base, 'GET', '/api/session', { headers: { cookie } })
  const csrf = s.json().csrfToken as string
  return {
    cookie,
    csrf,
    setCookie,
    get: { cookie },
    post: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrf },
  }
}

/** Polls `check` until it returns a value (or throws after `ms`). */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  ms = 10_000,
): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await check()
    if (v !== undefined && v !== false) return v
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 20))
  }
}
