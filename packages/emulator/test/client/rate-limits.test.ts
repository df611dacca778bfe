/**
 * Issue 15 item 18: under injected 429/503 the default client retries within a time budget
 * (`retry.budgetMs`, 30 s) instead of a small count, honours `Retry-After`, and never submits a
 * statement twice; a refused PAT says so and how to check it. Client against the emulator's
 * fault injection over real HTTP.
 */
import { DremioClient, type DremioError } from '@df/client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../../src/index.js'
import { PAT, start } from '../helpers.js'

let emu: Emulator
beforeAll(async () => {
  emu = await start()
})
afterEach(() => emu.setFaults(undefined))
afterAll(() => emu.close())

describe('rate limits and overload', () => {
  it('100 queries at 30% injected 429/503 all succeed with the default client, one job each', async () => {
    const client = new DremioClient({ url: emu.url, pat: PAT })
    try {
      const jobsBefore = emu.jobs.list().length
      emu.setFaults({ rate: 0.3, statuses: [429, 503] })
      const results: unknown[] = []
      const queue = Array.from({ length: 100 }, (_, i) => i)
      // 10 at a time: the default backoff (200 ms first delay) keeps this a few seconds long.
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
            results.push(await client.query(`SELECT ${i} AS n`).catch((e: unknown) => e))
          }
        }),
      )
      const failures = results.filter((r) => !Array.isArray(r))
      expect(failures.map((f) => (f as Error).message)).toEqual([])
      expect(results).toHaveLength(100)
      emu.setFaults(undefined)
      // A faulted POST /sql creates no job and a retry never submits twice: exactly 100 jobs.
      expect(emu.jobs.list().length - jobsBefore).toBe(100)
    } finally {
      await client.close()
    }
  }, 60_000)

  it('keeps retrying 429 past the retry count while the budget lasts', async () => {
    const client = new DremioClient({
      url: emu.url,
      pat: PAT,
      retry: { minDelayMs: 5, maxDelayMs: 20 },
    })
    try {
      // 8 failures in a row: more than the 3 counted retries, well within the 30 s budget.
      emu.setFaults({ rate: 1, statuses: [429], times: 8 })
      expect(await client.query('SELECT 1 AS one')).toEqual([{ one: 1 }])
    } finally {
      await client.close()
    }
  })

  it('gives up once the budget is spent, with the server status', async () => {
    const client = new DremioClient({
      url: emu.url,
      pat: PAT,
      retry: { minDelayMs: 5, maxDelayMs: 20, budgetMs: 200 },
    })
    try {
      emu.setFaults({ rate: 1, statuses: [503] })
      const started = Date.now()
      const error = (await client.query('SELECT 1').catch((e: unknown) => e)) as DremioError
      expect(error.code).toBe('DF_DREMIO_SERVER')
      expect(Date.now() - started).toBeLessThan(2000)
    } finally {
      await client.close()
    }
  })

  it('honours Retry-After in seconds, beyond the backoff cap', async () => {
    const client = new DremioClient({
      url: emu.url,
      pat: PAT,
      retry: { minDelayMs: 5, maxDelayMs: 20 },
    })
    try {
      emu.setFaults({ rate: 1, statuses: [429], retryAfterSeconds: 1, times: 1 })
      const started = Date.now()
      expect(await client.query('SELECT 2 AS two')).toEqual([{ two: 2 }])
      expect(Date.now() - started).toBeGreaterThanOrEqual(950)
    } finally {
      await client.close()
    }
  })

  it('honours Retry-After as an HTTP date', async () => {
    const client = new DremioClient({
      url: emu.url,
      pat: PAT,
      retry: { minDelayMs: 5, maxDelayMs: 20 },
    })
    try {
      emu.setFaults({
        rate: 1,
        statuses: [503],
        retryAfter: 'http-date',
        retryAfterSeconds: 2,
        times: 1,
      })
      const started = Date.now()
      expect(await client.query('SELECT 3 AS three')).toEqual([{ three: 3 }])
      // An HTTP date has whole seconds: 2 s from now is at least 1 s away.
      expect(Date.now() - started).toBeGreaterThanOrEqual(950)
    } finally {
      await client.close()
    }
  })

  it('a refused PAT says the token was refused and how to check it, never the token', async () => {
    const wrong = 'df-wrong-token-4711'
    const client = new DremioClient({ url: emu.url, pat: wrong })
    try {
      const error = (await client.query('SELECT 1').catch((e: unknown) => e)) as DremioError
      expect(error.code).toBe('DF_DREMIO_UNAUTHORIZED')
      expect(error.message).toMatch(/refused the personal access token/)
      expect(error.message).toMatch(/DREMIO_PAT/)
      expect(error.message).not.toContain(wrong)
    } finally {
      await client.close()
    }
  })
})
