/**
 * BatchManager against @df/emulator over real HTTP: folders (arrays, dotted strings, quoted
 * segments), deletes and views, per-item failures that never stop the batch, and the shared
 * back-off on 429 (a fake clock stands in for the pause; the requests are real).
 */
import { DremioClient, type DremioClientOptions } from '@df/client'
import { createEmulator } from '@df/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BatchManager, type Sleep } from '../src/index.js'

type Emulator = Awaited<ReturnType<typeof createEmulator>>
let emu: Emulator
const space = `batch_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
let started = 0

/** A PAT client; `fetch` counts requests as they start (real fetch underneath). */
function client(extra: Partial<DremioClientOptions> = {}): DremioClient {
  return new DremioClient({
    url: emu.url,
    pat: 'df-emulator-token',
    retry: { retries: 0, minDelayMs: 1, maxDelayMs: 5 },
    fetch: ((url: string, init: RequestInit) => {
      started++
      return fetch(url, init)
    }) as typeof fetch,
    ...extra,
  })
}

beforeAll(async () => {
  emu = await createEmulator({ port: 0 })
  await emu.query(`CREATE FOLDER ${space}`)
}, 60_000)

afterAll(async () => {
  await emu?.close()
})

describe('BatchManager', () => {
  it('creates folders from arrays and dotted strings with Dremio quoting, in input order', async () => {
    const c = client()
    const batch = new BatchManager(c, { maxConcurrency: 6 })
    const paths = [
      ...Array.from({ length: 30 }, (_, i) => `${space}.f${i}`),
      [space, 'with "quotes" and.dot'],
      `${space}."sub.folder".deep`,
    ]
    const results = await batch.createFolders(paths)
    expect(results.map((r) => r.input)).toEqual(paths)
    expect(results.every((r) => r.ok)).toBe(true)
    const quoted = results[30]
    expect(quoted?.ok && quoted.value.path).toEqual([space, 'with "quotes" and.dot'])
    expect(await c.catalog.getByPath([space, 'sub.folder', 'deep'])).toMatchObject({
      entityType: 'folder',
    })
    const children = await c.catalog.list([space])
    expect(children.length).toBeGreaterThanOrEqual(32)
    await c.close()
  })

  it('reports each failure as a typed per-item error and finishes the rest', async () => {
    const c = client()
    const batch = new BatchManager(c, { maxConcurrency: 4 })
    const folders = await batch.createFolders([`${space}.ok1`, `${space}.bad path`, `${space}.ok2`])
    expect(folders.map((r) => r.ok)).toEqual([true, false, true])
    const bad = folders[1]
    expect(bad?.ok === false && bad.error.code).toBe('DF_DREMIO_INVALID_SQL_INPUT')
    // Idempotent: an existing folder is a success with the existing entity.
    const again = await batch.createFolders([`${space}.ok1`])
    expect(again[0]?.ok && again[0].value.id).toBe(folders[0]?.ok && folders[0].value.id)

    const views = await batch.createViews([
      { path: [space, 'v_ok'], sql: 'SELECT 1 AS one' },
      { path: [space, 'v_bad'], sql: 'SELECT * FROM no_such_table_anywhere' },
      { path: `${space}.v_ok2`, sql: 'SELECT 2 AS two' },
    ])
    expect(views.map((r) => r.ok)).toEqual([true, false, true])
    const failed = views[1]
    expect(failed?.ok === false && failed.error.code).toBe('DF_DREMIO_BAD_REQUEST')
    expect(await c.query(`SELECT two FROM ${space}.v_ok2`)).toEqual([{ two: 2 }])

    const replaced = await batch.createViews([
      { path: [space, 'v_ok'], sql: 'SELECT 10 AS one', replace: true },
    ])
    expect(replaced[0]?.ok).toBe(true)
    expect(await c.query(`SELECT one FROM ${space}.v_ok`)).toEqual([{ one: 10 }])

    const ok1 = folders[0]
    const id = ok1?.ok ? ok1.value.id : ''
    const deleted = await batch.deleteItems([id, 'no-such-id', id])
    expect(deleted.map((r) => (r.ok ? r.value : r.error.code))).toEqual(
      expect.arrayContaining([true, false]),
    )
    expect(deleted[1]).toMatchObject({ ok: true, value: false })
    expect(await c.catalog.getByPath([space, 'ok1'])).toBeUndefined()
    await c.close()
  })

  it('pauses the whole batch on 429, honours Retry-After, and retries the items', async () => {
    const c = client()
    const pauses: number[] = []
    const startedDuringPause: number[] = []
    // Fake clock: no real waiting for Retry-After, but a real look at whether anyone sends
    // requests while the batch is supposed to be paused.
    const sleep: Sleep = async (ms) => {
      pauses.push(ms)
      const before = started
      await new Promise((r) => setTimeout(r, 50))
      startedDuringPause.push(started - before)
    }
    const created = await new BatchManager(c, { maxConcurrency: 8 }).createFolders(
      Array.from({ length: 40 }, (_, i) => [space, 'limited', `f${i}`]),
    )
    const ids = created.map((r) => (r.ok ? r.value.id : ''))
    // One request per delete, so "nothing new is sent during a pause" is exact.
    const batch = new BatchManager(c, { maxConcurrency: 8, sleep })
    emu.setFaults({ rate: 1, statuses: [429], retryAfterSeconds: 7, times: 5, paths: /catalog/ })
    const results = await batch.deleteItems(ids)
    emu.setFaults(undefined)
    expect(results.map((r) => r.ok && r.value)).toEqual(ids.map(() => true))
    expect(pauses.length).toBeGreaterThanOrEqual(1)
    expect(pauses.every((ms) => ms === 7000)).toBe(true)
    expect(startedDuringPause.every((n) => n === 0)).toBe(true)
    expect(await c.catalog.list([space, 'limited'])).toEqual([])
    await c.close()
  })

  it('gives up on an item after rateLimitRetries and reports DF_DREMIO_RATE_LIMITED', async () => {
    const c = client()
    const pauses: number[] = []
    const batch = new BatchManager(c, {
      maxConcurrency: 2,
      rateLimitRetries: 2,
      minPauseMs: 100,
      sleep: async (ms) => void pauses.push(ms),
    })
    emu.setFaults({ rate: 1, statuses: [429], paths: /catalog/ })
    const results = await batch.deleteItems(['a', 'b', 'c'])
    emu.setFaults(undefined)
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
      'DF_DREMIO_RATE_LIMITED',
      'DF_DREMIO_RATE_LIMITED',
      'DF_DREMIO_RATE_LIMITED',
    ])
    // Exponential without Retry-After: 100, 200, 400…
    expect(pauses.slice(0, 2)).toEqual([100, 200])
    await c.close()
  })

  it('reports progress per item and stops starting items once aborted', async () => {
    const c = client()
    const controller = new AbortController()
    const progress: number[] = []
    const batch = new BatchManager(c, {
      maxConcurrency: 1,
      signal: controller.signal,
      onProgress: (p) => {
        progress.push(p.done)
        if (p.done === 2) controller.abort()
      },
    })
    const results = await batch.createFolders(
      Array.from({ length: 5 }, (_, i) => `${space}.aborted${i}`),
    )
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
      'ok',
      'ok',
      'DF_DREMIO_ABORTED',
      'DF_DREMIO_ABORTED',
      'DF_DREMIO_ABORTED',
    ])
    expect(progress).toEqual([1, 2, 3, 4, 5])
    expect(await c.catalog.getByPath([space, 'aborted2'])).toBeUndefined()
    await c.close()
  })

  it('rejects a bad maxConcurrency', () => {
    expect(() => new BatchManager(client(), { maxConcurrency: 0 })).toThrow(/maxConcurrency/)
  })
})
