/**
 * `dremio-cli pipeline ui`, `pipeline ui-users add` and `serve --ui`, run as the real command in
 * a child process (the source bin through tsx), over real HTTP and a real SQLite file. A run
 * request made by a UI that does not hold the code is adopted by `serve`.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createSqliteBackend } from '@df/backend-sqlite'
import { startUi } from '@df/ui'
import { afterAll, describe, expect, it } from 'vitest'

const CLI_DIR = resolve(import.meta.dirname, '..')
const FIXTURES = join(import.meta.dirname, 'fixtures', 'ui')
const dir = mkdtempSync(join(tmpdir(), 'df-cli-ui-'))
const children: ChildProcess[] = []

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

function cli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(
    process.execPath,
    ['--conditions=@df/source', '--import', 'tsx', 'src/bin.ts', ...args],
    {
      cwd: CLI_DIR,
      env: { ...process.env, NO_COLOR: '1', DF_UI_PASSWORD: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  children.push(child)
  let out = ''
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString()
  })
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString()
  })
  const done = new Promise<number | null>((r) => child.on('close', (code) => r(code)))
  return {
    child,
    done,
    output: () => out,
    async url(): Promise<string> {
      const end = Date.now() + 30_000
      for (;;) {
        const m = /UI at (http:\/\/[^\s)]+)/.exec(out)
        if (m) return m[1]!
        if (Date.now() > end || child.exitCode !== null) throw new Error(`no UI url: ${out}`)
        await new Promise((r) => setTimeout(r, 50))
      }
    },
  }
}

const auth = (user: string, pw: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`,
})

async function until<T>(check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await check()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('pipeline ui-users add', () => {
  it('writes a 0600 users file with scrypt hashes, password from DF_UI_PASSWORD or --password-file', async () => {
    const file = join(dir, 'users.json')
    const a = cli(
      ['pipeline', 'ui-users', 'add', file, '--username', 'alice', '--role', 'operator'],
      { DF_UI_PASSWORD: 'alice-pw' },
    )
    expect(await a.done).toBe(0)
    writeFileSync(join(dir, 'bob.pw'), 'bob-pw\n')
    const b = cli([
      'pipeline',
      'ui-users',
      'add',
      file,
      '--username',
      'bob',
      '--role',
      'viewer',
      '--password-file',
      join(dir, 'bob.pw'),
    ])
    expect(await b.done).toBe(0)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const users = JSON.parse(readFileSync(file, 'utf8'))
    expect(users.map((u: { username: string; role: string }) => [u.username, u.role])).toEqual([
      ['alice', 'operator'],
      ['bob', 'viewer'],
    ])
    expect(readFileSync(file, 'utf8')).not.toContain('alice-pw')
    expect(users[0].passwordHash).toMatch(/^scrypt\$/)
    const none = cli([
      'pipeline',
      'ui-users',
      'add',
      file,
      '--username',
      'carol',
      '--role',
      'admin',
    ])
    expect(await none.done).toBe(2)
    expect(none.output()).toContain('DF_UI_PASSWORD')
  }, 60_000)
})

describe('pipeline ui', () => {
  it('refuses to start without users, and a password given as a flag does not exist', async () => {
    const r = cli([
      'pipeline',
      'ui',
      '--port',
      '0',
      '--backend-url',
      `sqlite:///${join(dir, 'a.db')}`,
    ])
    expect(await r.done).toBe(2)
    expect(r.output()).toContain('--users-file')
    const flag = cli(['pipeline', 'ui', '--port', '0', '--username', 'x', '--password', 'pw'])
    expect(await flag.done).toBe(2)
    expect(flag.output()).toMatch(/unknown option '--password'/)
  }, 60_000)

  it('serves the API with the users file and runs triggers of --pipelines in-process', async () => {
    const db = `sqlite:///${join(dir, 'ui.db')}`
    const ui = cli([
      'pipeline',
      'ui',
      '--port',
      '0',
      '--backend-url',
      db,
      '--users-file',
      join(dir, 'users.json'),
      '--pipelines',
      FIXTURES,
    ])
    const url = await ui.url()
    expect((await fetch(`${url}/api/runs`)).status).toBe(401)
    const pipelines = await (
      await fetch(`${url}/api/pipelines`, { headers: auth('bob', 'bob-pw') })
    ).json()
    expect(pipelines.pipelines[0]).toMatchObject({
      name: 'ui_greet',
      inProcess: true,
      canTrigger: false,
    })
    const t = await fetch(`${url}/api/pipelines/ui_greet/trigger`, {
      method: 'POST',
      headers: { ...auth('alice', 'alice-pw'), 'content-type': 'application/json' },
      body: JSON.stringify({ params: { name: 'ui' } }),
    })
    expect(t.status).toBe(201)
    const { runId } = await t.json()
    const run = await until(async () => {
      const r = (
        await (await fetch(`${url}/api/runs/${runId}`, { headers: auth('bob', 'bob-pw') })).json()
      ).run
      return r.status === 'SUCCESS' ? r : undefined
    })
    expect(run).toMatchObject({ trigger: 'ui', params: { name: 'ui' } })
    ui.child.kill('SIGTERM')
    expect(await ui.done).toBe(0)
  }, 60_000)
})

describe('serve --ui', () => {
  it('hosts the UI, and adopts run requests from a UI that does not hold the code', async () => {
    const path = join(dir, 'serve.db')
    const serve = cli(
      [
        'serve',
        '--pipelines',
        FIXTURES,
        '--backend-url',
        `sqlite:///${path}`,
        '--recover-interval',
        '200ms',
        '--ui',
        '--port',
        '0',
        '--username',
        'admin',
      ],
      { DF_UI_PASSWORD: 'serve-pw' },
    )
    const url = await serve.url()
    await until(async () => (/serving 1 pipeline/.test(serve.output()) ? true : undefined))
    // Another UI, without the pipelines' code, on the same store.
    const backend = createSqliteBackend({ path })
    const remote = await startUi({
      backend,
      port: 0,
      auth: { username: 'ops', password: 'ops-pw' },
      log: () => {},
    })
    try {
      const listed = await until(async () => {
        const p = (
          await (
            await fetch(`${remote.url}/api/pipelines`, { headers: auth('ops', 'ops-pw') })
          ).json()
        ).pipelines
        return p.length > 0 ? p : undefined
      })
      expect(listed[0]).toMatchObject({ name: 'ui_greet', inProcess: false })
      const t = await fetch(`${remote.url}/api/pipelines/ui_greet/trigger`, {
        method: 'POST',
        headers: { ...auth('ops', 'ops-pw'), 'content-type': 'application/json' },
        body: '{}',
      })
      expect(t.status).toBe(201)
      const body = await t.json()
      expect(body.requested).toBe(true)
      const run = await until(async () => {
        const r = (
          await (
            await fetch(`${url}/api/runs/${body.runId}`, { headers: auth('admin', 'serve-pw') })
          ).json()
        ).run
        return r.status === 'SUCCESS' ? r : undefined
      })
      expect(run).toMatchObject({
        trigger: 'ui',
        params: { name: 'world' },
        taskCounts: { SUCCESS: 2 },
      })
      expect(serve.output()).toContain(`run ${body.runId} (ui_greet, ui) SUCCESS`)
    } finally {
      await remote.close()
      await backend.close()
    }
    serve.child.kill('SIGTERM')
    expect(await serve.done).toBe(0)
  }, 90_000)
})
