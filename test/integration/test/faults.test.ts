/** Injected 429/5xx answers: retried with backoff, surfaced when they persist, POST /sql safe. */
import { DremioClient, DremioHttpError } from '@df/client'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, PAT, recordingLogger, startEmulator, thrown } from './helpers.js'

let emu: Emulator

beforeAll(async () => {
  emu = await startEmulator()
}, 60_000)

afterEach(() => emu.setFaults({ rate: 0 }))

afterAll(async () => {
  await emu?.close()
})

function client(retries = 3) {
  const log = recordingLogger()
  const c = new DremioClient({
    url: emu.url,
    pat: PAT,
    retry: { retries, minDelayMs: 1, maxDelayMs: 20 },
    logger: log,
  })
  return { c, log }
}

describe('fault injection', () => {
  it('retries 429 and 503 (POST /sql included) and succeeds', async () => {
    const { c, log } = client()
    emu.setFaults({ rate: 1, statuses: [429, 503], retryAfterSeconds: 0, times: 2 })
    expect(await c.query('SELECT 1 AS one')).toEqual([{ one: 1 }])
    expect(log.lines).toHaveLength(2)
    expect(log.lines.join('\n')).not.toContain(PAT)
    await c.close()
  })

  it('retries idempotent GETs on 502/504 and surfaces a persistent 503 with its status', async () => {
    const { c, log } = client(2)
    const job = await c.submit('SELECT 1 AS one')
    await job.wait()
    emu.setFaults({ rate: 1, statuses: [502, 504], paths: /\/job\//, times: 2 })
    expect(await job.toArray()).toEqual([{ one: 1 }])
    emu.setFaults({ rate: 1, statuses: [503] })
    const error = await thrown(() => c.catalog.list())
    expect(error).toBeInstanceOf(DremioHttpError)
    expect(error.status).toBe(503)
    expect(error.code).toBe('DF_DREMIO_SERVER')
    expect(log.lines.length).toBe(4)
    await c.close()
  })

  it('surfaces a persistent 429 as DF_DREMIO_RATE_LIMITED', async () => {
    const { c } = client(1)
    emu.setFaults({ rate: 1, statuses: [429], retryAfterSeconds: 0 })
    const error = await thrown(() => c.submit('SELECT 1'))
    expect(error.code).toBe('DF_DREMIO_RATE_LIMITED')
    expect(error.status).toBe(429)
    await c.close()
  })

  it('does not retry POST /sql on 502 or 504: the server may have accepted it', async () => {
    const { c, log } = client()
    const before = emu.jobs.list().length
    emu.setFaults({ rate: 1, statuses: [502], paths: /\/sql$/, times: 1 })
    const error = await thrown(() => c.submit('SELECT 1'))
    expect(error.status).toBe(502)
    expect(log.lines).toHaveLength(0)
    expect(emu.jobs.list().length).toBe(before)
    await c.close()
  })
})
