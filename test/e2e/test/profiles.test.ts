/** `~/.dremio/profiles.yaml`: the default profile, `--profile`, PAT and username/password. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Emulator } from '@df/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator } from './emulator.js'
import { cleanEnv, runCliProcess, tempDir } from './helpers.js'

describe('dremio-cli profiles', () => {
  let emulator: Emulator
  let home: ReturnType<typeof tempDir>
  let env: Record<string, string>
  beforeAll(async () => {
    emulator = await startEmulator()
    home = tempDir('profiles')
    const [user, password] = Object.entries(emulator.credentials.users)[0] as [string, string]
    mkdirSync(join(home.dir, '.dremio'))
    writeFileSync(
      join(home.dir, '.dremio', 'profiles.yaml'),
      [
        'default_profile: local',
        'profiles:',
        '  local:',
        '    type: software',
        `    base_url: ${emulator.url}`,
        `    auth: { type: pat, token: ${emulator.credentials.tokens[0]} }`,
        '  login:',
        '    type: software',
        `    base_url: ${emulator.url}`,
        `    auth: { type: username_password, username: ${user}, password: ${password} }`,
        '  broken:',
        '    type: software',
        '    base_url: http://127.0.0.1:1',
        '    auth: { type: pat, token: tok-broken-secret }',
        '',
      ].join('\n'),
    )
    env = cleanEnv({ HOME: home.dir })
  })
  afterAll(async () => {
    await emulator?.close()
    home?.remove()
  })

  it('uses the default profile, and --profile picks another', async () => {
    const byDefault = await runCliProcess(['--verbose', 'catalog', 'ls'], { env })
    expect(byDefault.code).toBe(0)
    expect(byDefault.stdout).toMatch(/src\s+SPACE/)
    expect(byDefault.stderr).toContain("PAT, from default profile 'local'")
    const login = await runCliProcess(
      ['--profile', 'login', '--verbose', 'sql', 'SELECT 2 AS two'],
      { env },
    )
    expect(login.code).toBe(0)
    expect(login.stderr).toContain("with password, from profile 'login'")
    expect(login.stderr).not.toContain(Object.values(emulator.credentials.users)[0] as string)
  })

  it('lets DREMIO_URL override the default profile, and --url override the URL', async () => {
    const fromEnv = await runCliProcess(['--verbose', 'catalog', 'ls'], {
      env: {
        ...env,
        DREMIO_URL: emulator.url,
        DREMIO_PAT: emulator.credentials.tokens[0] as string,
      },
    })
    expect(fromEnv.code).toBe(0)
    expect(fromEnv.stderr).toContain('PAT, from DREMIO_* environment variables')
    const broken = await runCliProcess(['--profile', 'broken', 'catalog', 'ls'], { env })
    expect(broken.code).toBe(1)
    expect(broken.stderr + broken.stdout).not.toContain('tok-broken-secret')
    const fixed = await runCliProcess(
      ['--profile', 'broken', '--url', emulator.url, 'sql', 'SELECT 1 AS x'],
      {
        env,
      },
    )
    // The URL is fixed but the token is the profile's, which the emulator rejects: 401.
    expect(fixed.code).toBe(1)
    expect(fixed.stderr).toMatch(/401|nauthori/)
    const unknown = await runCliProcess(['--profile', 'nope', 'catalog', 'ls'], { env })
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(
      /^\[@df\/cli\] No profile 'nope' in \S+profiles\.yaml \(profiles: local, login, broken\)\.\n$/,
    )
  })
})
