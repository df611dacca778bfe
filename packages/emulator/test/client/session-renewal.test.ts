/**
 * Issue 15 item 17: with a short session (`expires`), @df/client renews at a fraction of the
 * session's lifetime, not a fixed minute early (which made it log in before every request).
 * Client against the emulator over real HTTP; the emulator counts the logins.
 */
import { DremioClient } from '@df/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../../src/index.js'
import { start } from '../helpers.js'

let emu: Emulator
beforeAll(async () => {
  emu = await start({ auth: { users: { dremio: 'dremio123' }, sessionMs: 2500 } })
})
afterAll(() => emu.close())

describe('session renewal with short sessions', () => {
  it('logs in about once per 80% of the session lifetime, not once per request', {
    timeout: 15_000,
  }, async () => {
    const client = new DremioClient({ url: emu.url, username: 'dremio', password: 'dremio123' })
    try {
      const before = emu.stats().logins
      const started = Date.now()
      let requests = 0
      while (Date.now() - started < 4000) {
        await client.catalog.list()
        requests++
        await new Promise((r) => setTimeout(r, 20))
      }
      const logins = emu.stats().logins - before
      expect(requests).toBeGreaterThan(60)
      // 4 s of requests on a 2.5 s session renewed at 80% (2 s): 2 or 3 logins, not one per request.
      expect(logins).toBeGreaterThanOrEqual(2)
      expect(logins).toBeLessThanOrEqual(3)
      // Renewed before expiry: no request was refused with 401 and retried.
      expect(emu.stats().unauthorized).toBe(0)
    } finally {
      await client.close()
    }
  })

  it('rejects a non-positive sessionMs', async () => {
    await expect(start({ auth: { sessionMs: 0 } })).rejects.toMatchObject({
      code: 'DF_EMULATOR_INVALID_OPTIONS',
    })
  })
})
