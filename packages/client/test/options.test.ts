import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { DremioClient, DremioConfigError, DremioError, optionsFromEnv } from '../src/index.js'

function configError(fn: () => unknown): DremioError {
  try {
    fn()
  } catch (error) {
    expect(DremioError.is(error)).toBe(true)
    expect(error).toBeInstanceOf(DremioConfigError)
    expect((error as DremioError).code).toBe('DF_DREMIO_CONFIG')
    return error as DremioError
  }
  throw new Error('expected DF_DREMIO_CONFIG')
}

describe('DremioClient options', () => {
  it('derives Software endpoints', () => {
    const c = new DremioClient({ url: 'http://dremio.local:9047/', pat: 'p' })
    expect(c.config).toMatchObject({
      mode: 'software',
      apiBase: 'http://dremio.local:9047/api/v3',
      loginUrl: undefined,
      authKind: 'pat',
    })
    const d = new DremioClient({ url: 'https://d:9047/api/v3', username: 'u', password: 'pw' })
    expect(d.config.apiBase).toBe('https://d:9047/api/v3')
    expect(d.config.loginUrl).toBe('https://d:9047/apiv2/login')
    expect(d.config.authKind).toBe('password')
  })
  it('derives Cloud endpoints for both regions and an explicit URL', () => {
    expect(new DremioClient({ pat: 'p', cloud: { projectId: 'abc' } }).config.apiBase).toBe(
      'https://api.dremio.cloud/v0/projects/abc',
    )
    expect(
      new DremioClient({ pat: 'p', cloud: { projectId: 'abc', region: 'eu' } }).config.apiBase,
    ).toBe('https://api.eu.dremio.cloud/v0/projects/abc')
    expect(
      new DremioClient({ pat: 'p', cloud: { projectId: 'a/b', url: 'http://127.0.0.1:1/v0/' } })
        .config.apiBase,
    ).toBe('http://127.0.0.1:1/v0/projects/a%2Fb')
  })
  it('rejects inconsistent options', () => {
    configError(() => new DremioClient({}))
    configError(() => new DremioClient({ url: 'http://h:9047' }))
    configError(() => new DremioClient({ url: 'http://h:9047', username: 'u' }))
    configError(() => new DremioClient({ url: 'http://h:9047', password: 'p' }))
    configError(
      () => new DremioClient({ url: 'http://h:9047', pat: 'x', username: 'u', password: 'p' }),
    )
    configError(() => new DremioClient({ url: 'ftp://h', pat: 'x' }))
    configError(() => new DremioClient({ url: 'not a url', pat: 'x' }))
    configError(() => new DremioClient({ cloud: { projectId: 'p' } }))
    configError(() => new DremioClient({ pat: 'x', url: 'http://h', cloud: { projectId: 'p' } }))
    configError(() => new DremioClient({ username: 'u', password: 'p', cloud: { projectId: 'p' } }))
    configError(
      () => new DremioClient({ pat: 'x', cloud: { projectId: 'p', region: 'ap' as 'us' } }),
    )
    configError(() => new DremioClient({ url: 'http://h', pat: 'x', maxConcurrentPages: 0 }))
    configError(() => new DremioClient({ url: 'http://h', pat: 'x', timeoutMs: -1 }))
  })
  it('never shows credentials, even when the URL tried to carry them', () => {
    const e = configError(() => new DremioClient({ url: 'http://bob:hunter2@h:9047', pat: 'x' }))
    expect(e.message).not.toContain('hunter2')
    const c = new DremioClient({ url: 'http://h:9047', username: 'bob', password: 'hunter2' })
    const p = new DremioClient({ url: 'http://h:9047', pat: 'secret-pat-123' })
    for (const text of [
      String(c),
      inspect(c, { depth: 10, showHidden: true }),
      JSON.stringify(c),
    ]) {
      expect(text).not.toContain('hunter2')
      expect(text).toContain('software')
    }
    for (const text of [
      String(p),
      inspect(p, { depth: 10, showHidden: true }),
      JSON.stringify(p),
    ]) {
      expect(text).not.toContain('secret-pat-123')
    }
    expect(inspect(c.catalog, { depth: 10, showHidden: true })).not.toContain('hunter2')
  })
})

describe('fromEnv', () => {
  it('reads every documented variable', () => {
    expect(
      optionsFromEnv({ DREMIO_URL: 'http://h:9047', DREMIO_USERNAME: 'u', DREMIO_PASSWORD: 'p' }),
    ).toEqual({ url: 'http://h:9047', username: 'u', password: 'p' })
    expect(optionsFromEnv({ DREMIO_URL: 'http://h:9047', DREMIO_PAT: 't' })).toEqual({
      url: 'http://h:9047',
      pat: 't',
    })
    expect(
      optionsFromEnv({ DREMIO_PAT: 't', DREMIO_PROJECT_ID: 'p1', DREMIO_CLOUD_REGION: 'EU' }),
    ).toEqual({ pat: 't', cloud: { projectId: 'p1', region: 'eu' } })
    expect(
      optionsFromEnv({ DREMIO_PAT: 't', DREMIO_PROJECT_ID: 'p1', DREMIO_URL: 'http://x:1' }),
    ).toEqual({ pat: 't', cloud: { projectId: 'p1', url: 'http://x:1' } })
    const c = DremioClient.fromEnv({ DREMIO_PAT: 't', DREMIO_PROJECT_ID: 'p1' }, { timeoutMs: 5 })
    expect(c.config).toMatchObject({ mode: 'cloud', timeoutMs: 5 })
  })
  it('treats empty values as unset and rejects inconsistent combinations', () => {
    configError(() => optionsFromEnv({}))
    configError(() => optionsFromEnv({ DREMIO_URL: '', DREMIO_PAT: 't' }))
    configError(() =>
      optionsFromEnv({ DREMIO_URL: 'http://h', DREMIO_CLOUD_REGION: 'us', DREMIO_PAT: 't' }),
    )
    configError(() =>
      optionsFromEnv({ DREMIO_PROJECT_ID: 'p', DREMIO_USERNAME: 'u', DREMIO_PASSWORD: 'x' }),
    )
    configError(() =>
      optionsFromEnv({ DREMIO_PROJECT_ID: 'p', DREMIO_PAT: 't', DREMIO_CLOUD_REGION: 'mars' }),
    )
    configError(() => optionsFromEnv({ DREMIO_URL: 'http://h', DREMIO_USERNAME: 'u' }))
    const e = configError(() =>
      optionsFromEnv({
        DREMIO_URL: 'http://h',
        DREMIO_PAT: 'tok-1',
        DREMIO_USERNAME: 'u',
        DREMIO_PASSWORD: 'pw-9',
      }),
    )
    expect(e.message).not.toMatch(/tok-1|pw-9/)
  })
})
