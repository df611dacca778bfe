/** Option validation and environment fallbacks (no server needed). */
import { describe, expect, it } from 'vitest'
import { createPostgresBackend } from '../src/index.js'
import { resolvePostgresOptions } from '../src/postgres-backend-options.js'

describe('postgres options', () => {
  it('rejects an unknown option key with DF_OPTION_INVALID', () => {
    expect(() =>
      createPostgresBackend({ connectionString: 'postgres://h/db', shema: 'x' } as never),
    ).toThrow(expect.objectContaining({ code: 'DF_OPTION_INVALID' }))
  })

  it('rejects both a pool and a connection string, and bad numbers', () => {
    expect(() =>
      resolvePostgresOptions({ connectionString: 'postgres://h/db', pool: {} as never }, {}),
    ).toThrow(expect.objectContaining({ code: 'DF_OPTION_INVALID' }))
    expect(() =>
      resolvePostgresOptions({ connectionString: 'postgres://h/db', poolSize: 0 }, {}),
    ).toThrow(expect.objectContaining({ code: 'DF_OPTION_INVALID' }))
  })

  it('accepts synchronousCommit on/off (default on) and rejects anything else', () => {
    expect(
      resolvePostgresOptions({ connectionString: 'postgres://h/db' }, {}).synchronousCommit,
    ).toBe('on')
    expect(
      resolvePostgresOptions({ connectionString: 'postgres://h/db', synchronousCommit: 'off' }, {})
        .synchronousCommit,
    ).toBe('off')
    expect(() =>
      resolvePostgresOptions(
        { connectionString: 'postgres://h/db', synchronousCommit: 'local' as never },
        {},
      ),
    ).toThrow(expect.objectContaining({ code: 'DF_OPTION_INVALID' }))
  })

  it('uses DREMIOFRAME_PG_DSN first, then DATABASE_URL, and names only host:port', () => {
    const both = resolvePostgresOptions(
      {},
      { DREMIOFRAME_PG_DSN: 'postgres://u:pw@one:6000/a', DATABASE_URL: 'postgres://u:pw@two/b' },
    )
    expect(both.connectionString).toBe('postgres://u:pw@one:6000/a')
    expect(both.target).toBe('one:6000')
    const fallback = resolvePostgresOptions({}, { DATABASE_URL: 'postgresql://u:pw@two/b' })
    expect(fallback.target).toBe('two:5432')
    expect(fallback.schema).toBe('dremioframe')
  })

  it('without any database is DF_OPTION_INVALID naming the variables', () => {
    expect(() => resolvePostgresOptions({}, {})).toThrow(/DREMIOFRAME_PG_DSN or DATABASE_URL/)
  })
})
