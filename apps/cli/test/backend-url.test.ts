import { describe, expect, it } from 'vitest'
import { createBackendFromUrl, parseBackendUrl, redactUrl } from '../src/backend-url.js'
import { CliError } from '../src/cli-error.js'

describe('parseBackendUrl', () => {
  it('reads SQLAlchemy-style SQLite URLs and bare paths relative to cwd', () => {
    expect(parseBackendUrl('sqlite:///dremioframe.db', '/work')).toEqual({
      kind: 'sqlite',
      path: '/work/dremioframe.db',
    })
    expect(parseBackendUrl('sqlite:////var/lib/runs.db', '/work')).toEqual({
      kind: 'sqlite',
      path: '/var/lib/runs.db',
    })
    expect(parseBackendUrl('sqlite:///:memory:', '/work')).toEqual({
      kind: 'sqlite',
      path: ':memory:',
    })
    expect(parseBackendUrl('data/runs.db', '/work')).toEqual({
      kind: 'sqlite',
      path: '/work/data/runs.db',
    })
  })

  it('takes the PostgreSQL schema from ?schema= and keeps the rest of the URL', () => {
    expect(parseBackendUrl('postgresql://u:p@db:5432/app?schema=jobs&sslmode=require')).toEqual({
      kind: 'postgres',
      connectionString: 'postgresql://u:p@db:5432/app?sslmode=require',
      schema: 'jobs',
    })
    expect(parseBackendUrl('postgres://db/app')).toEqual({
      kind: 'postgres',
      connectionString: 'postgres://db/app',
    })
  })

  it('accepts mysql:// and mariadb://', () => {
    expect(parseBackendUrl('mysql://u:p@db/app')).toEqual({
      kind: 'mysql',
      uri: 'mysql://u:p@db/app',
    })
    expect(parseBackendUrl('mariadb://db/app').kind).toBe('mysql')
  })

  it('rejects unknown schemes and malformed URLs with DF_CLI_BACKEND_URL_INVALID, never echoing a password', () => {
    for (const bad of ['redis://h', 'sqlite://relative.db', 'postgres://u:s3cret@[bad', '']) {
      let error: unknown
      try {
        parseBackendUrl(bad)
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
    expect((await backend.listRuns({ limit: 5 })).items).toEqual([])
    await backend.close()
  })
})
