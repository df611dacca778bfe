/** A 1,000,000-row SELECT paged through the client (2,000 pages of 500, fetched concurrently). */
import type { DremioClient } from '@df/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, patClient, startEmulator } from './helpers.js'

let emu: Emulator
let client: DremioClient

beforeAll(async () => {
  emu = await startEmulator()
  client = patClient(emu)
}, 60_000)

afterAll(async () => {
  await client?.close()
  await emu?.close()
})

describe('1,000,000 rows', () => {
  it('delivers every row once, in order', async () => {
    const n = 1_000_000
    const job = await client.submit(
      `SELECT range AS i, range * 2 AS b, 'x' || CAST(range AS VARCHAR) AS s FROM range(${n}) ORDER BY i`,
    )
    const status = await job.wait({ timeoutMs: 240_000 })
    expect(status.rowCount).toBe(n)
    let expected = 0
    let bad = 0
    for await (const row of job.rows()) {
      if (row.i !== expected || row.b !== expected * 2 || row.s !== `x${expected}`) bad++
      expected++
    }
    expect(bad).toBe(0)
    expect(expected).toBe(n)
  }, 600_000)
})
