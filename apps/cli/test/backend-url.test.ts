import { hasRunHistory } from '@df/orchestration'
import { describe, expect, it } from 'vitest'
import { createBackendFromUrl, redactUrl } from '../src/backend-url.js'
import { CliError } from '../src/cli-error.js'

/** What the backend a URL opened is, as the CLI created it (nothing connects). */
async function opened(url: string): Promise<Record<string, unknown>> {
  return (await createBackendFromUrl(url)) as unknown as Record<string, unknown>
}

describe('--backend-url forms', () => {
  it('reads SQLAlchemy-style SQLite URLs and bare paths relative to cwd', async () => {
    const cwd = process.cwd()
    expect((await opened('sqlite:///dremioframe.db')).path).toBe(`${cwd}/dremioframe.db`)
    expect((await opened('sqlite:////var/lib/runs.db')).path).toBe('/var/lib/runs.db')
    expect((await opened('sqlite:///:memory:')).path).toBe(':memory:')
    expect((await opened('data/runs.db')).path).toBe(`${cwd}/data/runs.db`)
  })

  it('takes the PostgreSQL schema from ?schema= and keeps the rest of the URL', async () => {
    const pg = await opened('postgresql://u:p@db:5432/app?schema=jobs&sslmode=require')
    expect([pg.name, pg.schema]).toEqual(['postgres', 'jobs'])
    expect((await opened('postgres://db/app')).schema).toBe('dremioframe')
  })

  it('accepts mysql:// and mariadb://', async () => {
    expect((await opened('mysql://u:p@db/app')).name).toBe('mysql')
    expect((await opened('mariadb://db/app')).name).toBe('mysql')
  })

  it('rejects unknown schemes and malformed URLs with DF_CLI_BACKEND_URL_INVALID, never echoing a password', async () => {
    for (const bad of ['redis://h', 'sqlite://relative.db', 'postgres://u:s3cret@[bad', '']) {
      let error: unknown
      try {
        await createBackendFromUrl(bad)
      } catch (e) {
        error = e
      }
      expect(CliError.is(error), bad).toBe(true)
      expect((error as CliError).code).toBe('DF_CLI_BACKEND_URL_INVALID')
      expect((error as CliError).message).not.toContain('s3cret')
    }
  })
})

describe('redactUrl', () => {
  it('replaces the password only', () => {
    expect(redactUrl('postgresql://df:pw@h:5432/db')).toBe('postgresql://df:***@h:5432/db')
    expect(redactUrl('mysql://df@h/db')).toBe('mysql://df@h/db')
    expect(redactUrl('sqlite:///x.db')).toBe('sqlite:///x.db')
  })
})

describe('createBackendFromUrl', () => {
  it('says how to install a backend package that is missing', async () => {
    const missing = async (name: string) => {
      throw Object.assign(new Error(`Cannot find package '${name}'`), {
        code: 'ERR_MODULE_NOT_FOUND',
      })
    }
    await expect(createBackendFromUrl('postgresql://h/db', missing)).rejects.toMatchObject({
      code: 'DF_DEPENDENCY_MISSING',
      message:
        '[@df/cli] Cannot import @df/backend-postgres. Install it with: pnpm add @df/backend-postgres',
    })
    await expect(createBackendFromUrl('mysql://h/db', missing)).rejects.toThrow(
      'Install it with: pnpm add @df/backend-mysql',
    )
  })

  it('creates a real SQLite backend for a sqlite URL', async () => {
    const backend = await createBackendFromUrl('sqlite:///:memory:')
    await backend.init()
    expect(backend.name).toBe('sqlite')
    expect(hasRunHistory(backend)).toBe(true)
    if (hasRunHistory(backend)) expect((await backend.listRuns({ limit: 5 })).items).toEqual([])
    await backend.close()
  })
})
