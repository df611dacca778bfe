/** A long job: cancel, wait timeouts and aborts, results of an unfinished job. */
import { type DremioClient, DremioHttpError, DremioJobCancelledError } from '@df/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, patClient, startEmulator, thrown } from './helpers.js'

let emu: Emulator
let client: DremioClient

beforeAll(async () => {
  // Every job stays RUNNING for 10 minutes before it executes: a "long job" without burning CPU.
  emu = await startEmulator({ jobLatency: 600_000 })
  client = patClient(emu)
}, 60_000)

afterAll(async () => {
  await client?.close()
  await emu?.close()
})

describe('long jobs', () => {
  it('cancels a running job; wait() then raises DremioJobCancelledError', async () => {
    const job = await client.submit('SELECT 1 AS x')
    const waiting = thrown(() => job.wait())
    expect((await job.status()).jobState).not.toBe('COMPLETED')
    expect(await job.cancel()).toBe(true)
    const error = await waiting
    expect(error).toBeInstanceOf(DremioJobCancelledError)
    expect(error.jobId).toBe(job.id)
    expect(String(error.reason)).toMatch(/cancel/i)
    expect((await job.status()).jobState).toBe('CANCELED')
    // Cancelling a finished job is not an error: Dremio answers 404, the client says false.
    expect(await job.cancel()).toBe(false)
  })

  it('stops waiting at timeoutMs or on abort, leaving the job running', async () => {
    const job = await client.submit('SELECT 2 AS x')
    const timeout = await thrown(() => job.wait({ timeoutMs: 30 }))
    expect(timeout.code).toBe('DF_DREMIO_TIMEOUT')
    const ac = new AbortController()
    const aborted = thrown(() => job.wait({ signal: ac.signal }))
    ac.abort()
    expect((await aborted).code).toBe('DF_DREMIO_ABORTED')
    expect(['RUNNING', 'PLANNING', 'QUEUED', 'STARTING']).toContain((await job.status()).jobState)
    // Results of an unfinished job: Dremio's 400 naming the state.
    const early = await thrown(() => job.page(0, 10))
    expect(early).toBeInstanceOf(DremioHttpError)
    expect(early.status).toBe(400)
    expect(early.message).toContain('Can not fetch details for a job that is in [')
    await job.cancel()
  })

  it('answers cancel of an unknown job with a typed 404', async () => {
    const error = await thrown(() => client.job('1a7c3e55-9b02-4f1d-8e6a-2c4b8d0f3eff').cancel())
    expect(error).toBeInstanceOf(DremioHttpError)
    expect(error.status).toBe(404)
  })
})
