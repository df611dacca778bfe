import { describe, expect, it } from 'vitest'
import type { ResultPage } from '../src/index.js'
import { orderedPages } from '../src/internal/pager.js'
import {
  backoffDelay,
  parseRetryAfter,
  pollDelay,
  retryDelay,
  sleep,
} from '../src/internal/retry.js'

const policy = { retries: 3, minDelayMs: 100, maxDelayMs: 1000 }

describe('backoff', () => {
  it('grows exponentially with jitter and caps', () => {
    expect(backoffDelay(0, policy, undefined, () => 0)).toBe(50)
    expect(backoffDelay(0, policy, undefined, () => 1)).toBe(100)
    expect(backoffDelay(2, policy, undefined, () => 1)).toBe(400)
    expect(backoffDelay(10, policy, undefined, () => 1)).toBe(1000)
  })
  it('honours Retry-After within the cap', () => {
    expect(backoffDelay(0, policy, 0.5, () => 0)).toBe(500)
    expect(backoffDelay(0, policy, 60, () => 0)).toBe(1000)
    expect(parseRetryAfter('2')).toBe(2)
    expect(parseRetryAfter(null)).toBeUndefined()
    expect(parseRetryAfter('soon')).toBeUndefined()
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 7_000)).toBe(3)
  })
  it('retries 429/503 within the time budget, honouring Retry-After beyond the cap (issue 15 item 18)', () => {
    const budget = { ...policy, budgetMs: 30_000 }
    // Past the retry count, an overload is still retried while the budget lasts.
    expect(retryDelay(7, budget, true, 0, undefined, 5_000, () => 1)).toBe(1000)
    expect(retryDelay(7, budget, false, 0, undefined, 5_000, () => 1)).toBeUndefined()
    // Retry-After beyond maxDelayMs is honoured when it fits in the budget…
    expect(retryDelay(0, budget, true, 0, 12, 1_000, () => 0)).toBe(12_000)
    // …and not when it does not (then only the counted retries apply, capped as before).
    expect(retryDelay(0, budget, true, 0, 60, 1_000, () => 0)).toBe(1000)
    expect(retryDelay(5, budget, true, 0, 60, 1_000, () => 0)).toBeUndefined()
    // budgetMs 0: the count alone.
    expect(
      retryDelay(3, { ...budget, budgetMs: 0 }, true, 0, undefined, 0, () => 1),
    ).toBeUndefined()
  })
  it('polls at once, then grows to the cap', () => {
    const delays = Array.from({ length: 20 }, (_, i) => pollDelay(i))
    expect(delays[0]).toBe(0)
    expect(delays[1]).toBe(1)
    for (let i = 2; i < delays.length; i++) {
      expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1] as number)
    }
    expect(delays.at(-1)).toBe(1000)
  })
  it('sleep rejects when aborted', async () => {
    const ac = new AbortController()
    const p = sleep(60_000, ac.signal)
    ac.abort()
    await expect(p).rejects.toMatchObject({ code: 'DF_DREMIO_ABORTED' })
  })
})

describe('orderedPages', () => {
  function fakeJob(total: number, inFlight: { now: number; max: number }) {
    return async (offset: number, limit: number): Promise<ResultPage> => {
      inFlight.now++
      inFlight.max = Math.max(inFlight.max, inFlight.now)
      // Later pages answer first, so ordering is really exercised.
      await new Promise((r) => setTimeout(r, (total - offset) % 7))
      inFlight.now--
      const rows = []
      for (let i = offset; i < Math.min(total, offset + limit); i++) rows.push({ i })
      return { rowCount: total, schema: [{ name: 'i', type: { name: 'INTEGER' } }], rows }
    }
  }
  it('delivers every row in order with bounded concurrency', async () => {
    const inFlight = { now: 0, max: 0 }
    const seen: number[] = []
    for await (const page of orderedPages(fakeJob(1234, inFlight), 1234, 100, 4)) {
      for (const r of page.rows) seen.push(r.i as number)
    }
    expect(seen).toEqual(Array.from({ length: 1234 }, (_, i) => i))
    expect(inFlight.max).toBe(4)
  })
  it('fetches page 0 for an empty result and follows a larger server rowCount', async () => {
    const pages: ResultPage[] = []
    for await (const p of orderedPages(fakeJob(0, { now: 0, max: 0 }), 0, 500, 4)) pages.push(p)
    expect(pages).toHaveLength(1)
    let n = 0
    for await (const p of orderedPages(fakeJob(1200, { now: 0, max: 0 }), 0, 500, 2)) {
      n += p.rows.length
    }
    expect(n).toBe(1200)
  })
  it('surfaces a failing page without unhandled rejections', async () => {
    const fetchPage = async (offset: number): Promise<ResultPage> => {
      if (offset === 200) throw new Error('page failed')
      return { rowCount: 1000, schema: [], rows: [{}] }
    }
    const read = async () => {
      for await (const _ of orderedPages(fetchPage, 1000, 100, 4)) {
        // consume
      }
    }
    await expect(read()).rejects.toThrow('page failed')
  })
})
