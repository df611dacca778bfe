import { describe, expect, it } from 'vitest'
import {
  DremioConnectionError,
  DremioError,
  DremioHttpError,
  DremioJobCancelledError,
  DremioJobFailedError,
  sqlExcerpt,
} from '../src/index.js'

describe('errors', () => {
  it('maps HTTP statuses to codes and retryability', () => {
    const cases: [number, string, boolean][] = [
      [400, 'DF_DREMIO_BAD_REQUEST', false],
      [401, 'DF_DREMIO_UNAUTHORIZED', false],
      [403, 'DF_DREMIO_FORBIDDEN', false],
      [404, 'DF_DREMIO_NOT_FOUND', false],
      [409, 'DF_DREMIO_CONFLICT', false],
      [429, 'DF_DREMIO_RATE_LIMITED', true],
      [500, 'DF_DREMIO_SERVER', false],
      [502, 'DF_DREMIO_SERVER', true],
      [503, 'DF_DREMIO_SERVER', true],
      [504, 'DF_DREMIO_SERVER', true],
    ]
    for (const [status, code, retryable] of cases) {
      const e = new DremioHttpError({
        status,
        method: 'GET',
        path: '/api/v3/x',
        errorMessage: 'boom',
      })
      expect(e.code).toBe(code)
      expect(e.retryable).toBe(retryable)
      expect(e.message).toBe(`[@df/client] GET /api/v3/x failed with HTTP ${status}: boom`)
      expect(DremioError.is(e)).toBe(true)
    }
  })
  it('brand-checks across copies and rejects look-alikes', () => {
    const foreign = Object.assign(Object.create({ [Symbol.for('@df/error')]: 'client' }), {
      code: 'DF_DREMIO_CONFIG',
    })
    expect(DremioError.is(foreign)).toBe(true)
    expect(DremioError.is(new Error('x'))).toBe(false)
    expect(DremioError.is({ code: 'DF_DREMIO_CONFIG' })).toBe(false)
    expect(DremioError.is(null)).toBe(false)
  })
  it('carries job details and a one-line SQL excerpt', () => {
    const sql = `SELECT *\n  FROM t WHERE ${'x'.repeat(400)}`
    const f = new DremioJobFailedError('job-1', "Table 't' not found", sql)
    expect(f.code).toBe('DF_DREMIO_JOB_FAILED')
    expect(f.jobId).toBe('job-1')
    expect(f.message).toContain("Table 't' not found")
    expect(f.message).toContain('job-1')
    expect(f.sqlExcerpt.startsWith('SELECT * FROM t WHERE x')).toBe(true)
    expect(f.sqlExcerpt.length).toBe(200)
    expect(sqlExcerpt('a\n\tb')).toBe('a b')
    const c = new DremioJobCancelledError('job-2', "Query cancelled by user 'u'", 'SELECT 1')
    expect(c.code).toBe('DF_DREMIO_JOB_CANCELLED')
    expect(c.message).toContain("cancelled by user 'u'")
    const conn = new DremioConnectionError('h:9047', 'Cannot reach Dremio at h:9047.')
    expect(conn.retryable).toBe(true)
    expect(conn.target).toBe('h:9047')
  })
})
