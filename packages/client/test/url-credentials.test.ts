/**
 * Issue 15 item 3: a credential in a malformed URL must not reach `util.inspect(err)` (and so
 * `console.error(err)`) through the error's `cause` (Node's TypeError carries the whole `input`).
 */
import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { DremioClient, DremioError, parseFlightUrl } from '../src/index.js'

function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected a throw')
}

function expectNoSecret(error: unknown): void {
  expect(DremioError.is(error)).toBe(true)
  expect((error as DremioError).code).toBe('DF_DREMIO_CONFIG')
  const shown = inspect(error, { depth: 10, showHidden: true })
  expect(shown).not.toContain('secret')
  expect(JSON.stringify(error)).not.toContain('secret')
  expect(String(error)).not.toContain('secret')
}

describe('malformed URLs never leak what they carry', () => {
  it('fromEnv with DREMIO_URL holding a password and a space', () => {
    const error = thrown(() =>
      DremioClient.fromEnv({ DREMIO_URL: 'http://admin:secret@dremio host:9047', DREMIO_PAT: 'p' }),
    )
    expectNoSecret(error)
    expect((error as Error).message).toMatch(/DREMIO_URL|url is not a valid URL/)
  })

  it('the url option, cloud.url, flightUrl and DREMIO_FLIGHT_URL', () => {
    expectNoSecret(thrown(() => new DremioClient({ url: 'http://u:secret@a b', pat: 'p' })))
    expectNoSecret(
      thrown(
        () =>
          new DremioClient({ cloud: { projectId: 'x', url: 'https://u:secret@a b' }, pat: 'p' }),
      ),
    )
    expectNoSecret(
      thrown(
        () =>
          new DremioClient({ url: 'http://d:9047', pat: 'p', flightUrl: 'grpc://u:secret@a b' }),
      ),
    )
    expectNoSecret(thrown(() => parseFlightUrl('grpc://u:secret@a b:32010')))
    expectNoSecret(
      thrown(() =>
        DremioClient.fromEnv({
          DREMIO_URL: 'http://d:9047',
          DREMIO_PAT: 'p',
          DREMIO_FLIGHT_URL: 'grpc://u:secret@a b',
        }),
      ),
    )
  })
})
