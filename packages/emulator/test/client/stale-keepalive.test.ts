/**
 * Issue 15 item 16: after the event loop was blocked past the server's keep-alive timeout (a
 * CPU-heavy task in the same process), the pooled sockets are dead but the client had not noticed;
 * `client.submit()` then failed with UND_ERR_SOCKET although the server was up and created no job.
 * The client must not reuse such a socket, and must never submit a statement twice.
 */
import { DremioClient, type DremioError } from '@df/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../../src/index.js'
import { PAT, start } from '../helpers.js'

let emu: Emulator
beforeAll(async () => {
  emu = await start()
})
afterAll(() => emu.close())

/** Blocks the event loop (no timer, no socket event runs meanwhile). */
function busy(ms: number): void {
  const until = Date.now() + ms
  while (Date.now() < until) {
    // spin
  }
}

describe('keep-alive sockets that went stale while the event loop was blocked', () => {
  it('8 submits after a 6 s block all succeed, one job each', async () => {
    const client = new DremioClient({ url: emu.url, pat: PAT })
    try {
      // Open several pooled keep-alive connections.
      const warm = await Promise.all(
        Array.from({ length: 8 }, () => client.submit('SELECT 0 AS w')),
      )
      await Promise.all(warm.map((j) => j.wait()))
      const before = emu.jobs.list().length
      busy(6000)
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          client.submit(`SELECT ${i} AS after_block`).catch((e: unknown) => e as DremioError),
        ),
      )
      const failures = results.filter((r) => !('id' in (r as object)))
      expect(failures.map((f) => (f as Error).message)).toEqual([])
      expect(emu.jobs.list().length - before).toBe(8)
      // GETs after another block: retried or fresh, never an error.
      busy(6000)
      expect(await client.catalog.list()).toBeInstanceOf(Array)
    } finally {
      await client.close()
    }
  }, 30_000)
})
