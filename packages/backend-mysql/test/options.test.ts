/** Option validation and environment fallbacks (no server needed). */
import { describe, expect, it } from 'vitest'
import { createMysqlBackend } from '../src/index.js'
import { supportsSkipLocked } from '../src/internal/server-version.js'
import { resolveMysqlOptions } from '../src/mysql-backend-options.js'

describe('mysql options', () => {
  it('rejects an unknown option key with DF_OPTION_INVALID', () => {
    expect(() => createMysqlBackend({ uri: 'mysql://h/db', databse: 'x' } as never)).toThrow(
      expect.objectContaining({ code: 'DF_OPTION_INVALID' }),
    )
  })

  it('rejects two sources and bad numbers', () => {
    expect(() => resolveMysqlOptions({ uri: 'mysql://h/db', config: { host: 'h' } }, {})).toThrow(
      expect.objectContaining({ code: 'DF_OPTION_INVALID' }),
    )
    expect(() => resolveMysqlOptions({ uri: 'mysql://h/db', poolSize: 1.5 }, {})).toThrow(
      expect.objectContaining({ code: 'DF_OPTION_INVALID' }),
    )
  })

  it('reads DREMIOFRAME_MYSQL_* with host localhost and port 3306 by default', () => {
    const resolved = resolveMysqlOptions(
      {},
      { DREMIOFRAME_MYSQL_USER: 'u', DREMIOFRAME_MYSQL_PASSWORD: 'pw', DREMIOFRAME_MYSQL_DB: 'd' },
    )
    expect(resolved.poolOptions).toMatchObject({
      user: 'u',
      password: 'pw',
      host: 'localhost',
      port: 3306,
      database: 'd',
    })
    expect(resolved.target).toBe('localhost:3306')
    const custom = resolveMysqlOptions(
      {},
      { DREMIOFRAME_MYSQL_USER: 'u', DREMIOFRAME_MYSQL_HOST: 'db', DREMIOFRAME_MYSQL_PORT: '3307' },
    )
    expect(custom.target).toBe('db:3307')
  })

  it('lets "database" override the URI database', () => {
    const resolved = resolveMysqlOptions({ uri: 'mysql://u:pw@h:1/a', database: 'b' }, {})
    expect(resolved.poolOptions).toMatchObject({ host: 'h', port: 1, database: 'b' })
    expect(resolved.database).toBe('b')
  })

  it('without any server is DF_OPTION_INVALID naming the variables', () => {
    expect(() => resolveMysqlOptions({}, {})).toThrow(/DREMIOFRAME_MYSQL_USER/)
  })

  it('knows which servers have SKIP LOCKED', () => {
    expect(supportsSkipLocked('10.11.19-MariaDB-0+deb12u1')).toBe(true)
    expect(supportsSkipLocked('10.5.2-MariaDB')).toBe(false)
    expect(supportsSkipLocked('8.0.36')).toBe(true)
    expect(supportsSkipLocked('5.7.44-log')).toBe(false)
  })
})
