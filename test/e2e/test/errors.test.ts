/**
 * What a user sees when something is wrong: one clear line on stderr and exit 1 (a missing file,
 * a module without pipelines, an unreachable Dremio or database), and never a secret, not even
 * with --verbose.
 */
import { join } from 'node:path'
import type { Emulator } from '@df/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emulatorEnv, startEmulator } from './emulator.js'
import { cleanEnv, runCliProcess, tempDir } from './helpers.js'

const FIXTURES = join(import.meta.dirname, 'fixtures')

describe('dremio-cli errors', () => {
  let emulator: Emulator
  let tmp: ReturnType<typeof tempDir>
  let url: string
  beforeAll(async () => {
    emulator = await startEmulator()
    tmp = tempDir('errors')
    url = `sqlite:///${join(tmp.dir, 'runs.db')}`
  })
  afterAll(async () => {
    await emulator?.close()
    tmp?.remove()
  })

  it('says so when the module file is missing, exports no pipeline, or has several', async () => {
    const env = emulatorEnv(emulator)
    const missing = await runCliProcess(
      ['pipeline', 'run', 'nope/missing.ts', '--backend-url', url],
      { env },
    )
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe('[@df/cli] Pipeline module not found: nope/missing.ts\n')
    const none = await runCliProcess(
      ['pipeline', 'run', join(FIXTURES, 'no-pipelines.ts'), '--backend-url', url],
      { env },
    )
    expect(none.code).toBe(1)
    expect(none.stderr).toMatch(
      /^\[@df\/cli\] \S+no-pipelines\.ts exports no pipeline: export a Pipeline, an array of them, or a default function \(ctx\) => Pipeline\.\n$/,
    )
    const several = await runCliProcess(
      ['pipeline', 'run', join(FIXTURES, 'pipelines.ts'), '--backend-url', url],
      { env },
    )
    expect(several.code).toBe(1)
    expect(several.stderr).toBe(
      '[@df/cli] The module has 2 pipelines (e2e_etl, e2e_slow): choose one with --pipeline NAME.\n',
    )
    const unknown = await runCliProcess(
      ['pipeline', 'run', join(FIXTURES, 'pipelines.ts'), '-p', 'x', '--backend-url', url],
      { env },
    )
    expect(unknown.stderr).toBe("[@df/cli] No pipeline 'x' in the module (e2e_etl, e2e_slow).\n")
  })

  it('gives one line and exit 1 for an unreachable Dremio, without the token', async () => {
    const env = cleanEnv({ DREMIO_URL: 'http://127.0.0.1:1', DREMIO_PAT: 'secret-token-123' })
    const r = await runCliProcess(['--verbose', 'sql', 'SELECT 1'], { env })
    expect(r.code).toBe(1)
    const lines = r.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('[dremio-cli]'))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^\[@df\/client\] .*127\.0\.0\.1:1/)
    expect(r.stderr + r.stdout).not.toContain('secret-token-123')
    expect(r.stderr).toContain(
      '[dremio-cli] Dremio: software http://127.0.0.1:1, PAT, from DREMIO_* environment variables',
    )
  })

  it('gives one line and exit 1 for an unreachable database, without the password', async () => {
    const r = await runCliProcess(
      [
        '--verbose',
        'pipeline',
        'list',
        '--backend-url',
        'postgresql://df:hunter2pw@127.0.0.1:1/db',
      ],
      { env: cleanEnv() },
    )
    expect(r.code).toBe(1)
    const lines = r.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('[dremio-cli]'))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^\[@df\/backend-postgres\] .*127\.0\.0\.1:1/)
    expect(r.stderr).toContain('[dremio-cli] backend: postgresql://df:***@127.0.0.1:1/db')
    expect(r.stderr + r.stdout).not.toContain('hunter2pw')
    const maria = await runCliProcess(
      ['pipeline', 'list', '--backend-url', 'mysql://df:hunter3pw@127.0.0.1:1/db'],
      { env: cleanEnv() },
    )
    expect(maria.code).toBe(1)
    expect(maria.stderr).toMatch(/^\[@df\/backend-mysql\] .*127\.0\.0\.1:1[^\n]*\n$/)
    expect(maria.stderr).not.toContain('hunter3pw')
    const bad = await runCliProcess(['pipeline', 'list', '--backend-url', 'redis://x'], {
      env: cleanEnv(),
    })
    expect(bad.code).toBe(1)
    expect(bad.stderr).toBe(
      "[@df/cli] Unknown backend URL scheme 'redis:': use sqlite:///file.db, sqlite::memory:, postgresql://… or mysql://….\n",
    )
  })

  it('never prints the password of a username/password login, even with --verbose', async () => {
    const [user, password] = Object.entries(emulator.credentials.users)[0] as [string, string]
    const env = cleanEnv({
      DREMIO_URL: emulator.url,
      DREMIO_USERNAME: user,
      DREMIO_PASSWORD: password,
    })
    const r = await runCliProcess(['--verbose', 'sql', 'SELECT 1 AS one'], { env })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^one\n/)
    expect(r.stderr).toContain(`user ${user} with password`)
    expect(r.stderr + r.stdout).not.toContain(password)
  })

  it('says so for a missing SQL file', async () => {
    const r = await runCliProcess(['sql', '--file', 'nope/missing.sql'], {
      env: emulatorEnv(emulator),
    })
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('[@df/cli] Cannot read SQL file nope/missing.sql.\n')
  })

  it('explains what to set when no Dremio connection is configured', async () => {
    const home = tempDir('home')
    try {
      const r = await runCliProcess(['catalog', 'ls'], { env: cleanEnv({ HOME: home.dir }) })
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(
        /^\[@df\/cli\] No Dremio connection configured: set DREMIO_URL and DREMIO_PAT/,
      )
    } finally {
      home.remove()
    }
  })
})
