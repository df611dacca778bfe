import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { resolveConnection } from '../src/dremio-config.js'
import { profileToOptions, readProfiles } from '../src/profiles.js'

const dir = mkdtempSync(join(tmpdir(), 'df-cli-profiles-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function file(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

const PROFILES = file(
  'profiles.yaml',
  `default_profile: dev
profiles:
  dev:
    type: software
    base_url: http://localhost:9047
    auth: { type: pat, token: tok-dev }
  login:
    type: software
    hostname: dremio.internal
    ssl: "true"
    verify_ssl: false
    auth: { type: username_password, username: ann, password: pw-ann }
  cloud:
    type: cloud
    project_id: p-123
    region: eu
    auth: { type: pat, token: tok-cloud }
  oauth:
    type: cloud
    project_id: p-1
    auth: { type: oauth, client_id: c, client_secret: s }
`,
)

describe('profiles', () => {
  const profiles = readProfiles(PROFILES)
  if (!profiles) throw new Error('fixture missing')

  it('maps PAT, username/password and Cloud profiles to client options', () => {
    expect(profileToOptions(profiles, 'dev')).toEqual({
      url: 'http://localhost:9047',
      pat: 'tok-dev',
    })
    // ssl picks https and port 443 (the original overwrote it); verify_ssl: false really applies.
    expect(profileToOptions(profiles, 'login')).toEqual({
      url: 'https://dremio.internal:443',
      username: 'ann',
      password: 'pw-ann',
      tls: { rejectUnauthorized: false },
    })
    expect(profileToOptions(profiles, 'cloud')).toEqual({
      pat: 'tok-cloud',
      cloud: { projectId: 'p-123', region: 'eu' },
    })
  })

  it('rejects OAuth and unknown profiles with messages that hold no secret', () => {
    expect(() => profileToOptions(profiles, 'oauth')).toThrow(
      /OAuth client credentials are not supported/,
    )
    expect(() => profileToOptions(profiles, 'nope')).toThrow(
      /No profile 'nope' .*\(profiles: dev, login, cloud, oauth\)/,
    )
  })

  it('returns undefined for a missing file and refuses bad YAML without quoting it', () => {
    expect(readProfiles(join(dir, 'absent.yaml'))).toBeUndefined()
    const bad = file('bad.yaml', 'profiles:\n  x: [token: "s3cret\n')
    expect(() => readProfiles(bad)).toThrow(/is not valid YAML\.$/)
    try {
      readProfiles(bad)
    } catch (error) {
      expect((error as Error).message).not.toContain('s3cret')
      // Not through the cause either (util.inspect / console.error print causes).
      expect(inspect(error, { depth: 5 })).not.toContain('s3cret')
    }
  })
})

describe('resolveConnection', () => {
  it('orders --profile > DREMIO_* > default profile, and --url overrides the URL', () => {
    const env = { DREMIO_URL: 'http://env:9047', DREMIO_PAT: 'tok-env' }
    expect(resolveConnection({ profilesFile: PROFILES }, env).options).toEqual({
      url: 'http://env:9047',
      pat: 'tok-env',
    })
    expect(resolveConnection({ profilesFile: PROFILES }, {}).options.pat).toBe('tok-dev')
    expect(resolveConnection({ profilesFile: PROFILES, profile: 'cloud' }, env).options.pat).toBe(
      'tok-cloud',
    )
    expect(
      resolveConnection({ profilesFile: PROFILES }, { DREMIO_PROFILE: 'login' }).options.username,
    ).toBe('ann')
    const over = resolveConnection({ profilesFile: PROFILES, url: 'http://other:9047' }, {})
    expect(over.options.url).toBe('http://other:9047')
  })

  it('describes the connection without secrets', () => {
    const { describe: text } = resolveConnection({ profilesFile: PROFILES, profile: 'login' }, {})
    expect(text).toBe(
      "software https://dremio.internal:443, user ann with password, from profile 'login'",
    )
    expect(text).not.toContain('pw-ann')
  })
})
