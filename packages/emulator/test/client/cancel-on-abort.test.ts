/**
 * Issue 15 item 2: aborting `client.query(sql, { signal })`, `queryArrow` or `execute` cancels
 * the Dremio job (`POST /job/{id}/cancel`), unless `cancelOnAbort: false`. Client against the
 * emulator over real HTTP and gRPC; the emulator's own job record must end CANCELED.
 */
import { DremioClient, type DremioError } from '@df/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator, JobInfo } from '../../src/index.js'
import { PAT, start } from '../helpers.js'

let emu: Emulator
let client: DremioClient
beforeAll(async () => {
  emu = await start({ flightPort: 0 })
  client = new DremioClient({ url: emu.url, pat: PAT, flightUrl: emu.flightUrl })
})
afterAll(async () => {
  await client.close()
  await emu.close()
})

/** Resolves with the job the emulator created for `sql` once it exists. */
async function jobFor(sql: string): Promise<JobInfo> {
  for (;;) {
    const job = emu.jobs.list().find((j) => j.sql === sql)
    if (job !== undefined) return job
    await new Promise((r) => setTimeout(r, 2))
  }
}

async function abortMidway(
  sql: string,
  run: (signal: AbortSignal) => Promise<unknown>,
): Promise<{ error: DremioError; job: JobInfo }> {
  const ac = new AbortController()
  const pending = run(ac.signal).catch((e: unknown) => e as DremioError)
  const job = await jobFor(sql)
  expect(job.state).toBe('RUNNING')
  ac.abort()
  const error = (await pending) as DremioError
  return { error, job: await settledSoon(job.id) }
}

/** The job once final, or its snapshot after 2 s (a job left running fails the test quickly). */
async function settledSoon(id: string): Promise<JobInfo> {
  const late = new Promise<JobInfo>((r) =>
    setTimeout(() => r(emu.jobs.get(id) as JobInfo), 2000).unref(),
  )
  return Promise.race([emu.jobs.settled(id), late])
}

describe('aborting a query cancels its job', () => {
  it.each([
    ['query', (sql: string, signal: AbortSignal) => client.query(sql, { signal })],
    ['queryArrow', (sql: string, signal: AbortSignal) => client.queryArrow(sql, { signal })],
    ['execute', (sql: string, signal: AbortSignal) => client.execute(sql, { signal })],
  ])('%s over REST: the job ends CANCELED', async (name, run) => {
    emu.setJobLatency(30_000)
    try {
      const sql = `SELECT '${name}' AS abort_rest`
      const { error, job } = await abortMidway(sql, (signal) => run(sql, signal))
      expect(error.code).toBe('DF_DREMIO_ABORTED')
      expect(job.state).toBe('CANCELED')
      expect(job.cancellationReason).toMatch(/cancelled by user/)
    } finally {
      emu.setJobLatency(0)
    }
  })

  it('queryBatches over REST: the job ends CANCELED', async () => {
    emu.setJobLatency(30_000)
    try {
      const sql = "SELECT 'batches' AS abort_rest"
      const { error, job } = await abortMidway(sql, async (signal) => {
        for await (const _ of client.queryBatches(sql, { signal })) {
          // no batch arrives before the abort
        }
      })
      expect(error.code).toBe('DF_DREMIO_ABORTED')
      expect(job.state).toBe('CANCELED')
    } finally {
      emu.setJobLatency(0)
    }
  })

  it('the job is already cancelled when the rejection arrives', async () => {
    emu.setJobLatency(30_000)
    try {
      const sql = "SELECT 'awaited' AS abort_rest"
      const ac = new AbortController()
      const pending = client.query(sql, { signal: ac.signal }).catch((e: unknown) => e)
      const job = await jobFor(sql)
      ac.abort()
      await pending
      expect(emu.jobs.get(job.id)?.state).toBe('CANCELED')
    } finally {
      emu.setJobLatency(0)
    }
  })

  it('an abort at any moment of the submit never leaves a job running', async () => {
    emu.setJobLatency(30_000)
    try {
      const tick = () => new Promise<void>((r) => setImmediate(r))
      for (let ticks = 0; ticks < 30; ticks++) {
        const sql = `SELECT ${ticks} AS abort_in_flight`
        const ac = new AbortController()
        const pending = client.query(sql, { signal: ac.signal }).catch((e: unknown) => e)
        for (let i = 0; i < ticks; i++) await tick()
        ac.abort()
        expect(((await pending) as DremioError).code).toBe('DF_DREMIO_ABORTED')
      }
      const jobs = emu.jobs.list().filter((j) => j.sql.endsWith('AS abort_in_flight'))
      // Aborts that came while POST /sql was on the wire created jobs: every one is cancelled.
      expect(jobs.length).toBeGreaterThan(0)
      expect(jobs.filter((j) => j.state !== 'CANCELED').map((j) => j.sql)).toEqual([])
    } finally {
      emu.setJobLatency(0)
    }
  })

  it('cancelOnAbort: false leaves the job running', async () => {
    emu.setJobLatency(30_000)
    try {
      const sql = "SELECT 'kept' AS abort_rest"
      const { error, job } = await (async () => {
        const ac = new AbortController()
        const pending = client
          .query(sql, { signal: ac.signal, cancelOnAbort: false })
          .catch((e: unknown) => e as DremioError)
        const created = await jobFor(sql)
        ac.abort()
        return { error: (await pending) as DremioError, job: created }
      })()
      expect(error.code).toBe('DF_DREMIO_ABORTED')
      await new Promise((r) => setTimeout(r, 100))
      expect(emu.jobs.get(job.id)?.state).toBe('RUNNING')
      await client.job(job.id).cancel()
    } finally {
      emu.setJobLatency(0)
    }
  })

  it('query over Flight: the stream is cancelled and so is the job', async () => {
    // A result far larger than one batch: the first batches arrive, then the abort.
    const sql = 'SELECT range AS id FROM range(200000000) AS abort_flight'
    const ac = new AbortController()
    let batches = 0
    const pending = (async () => {
      for await (const _ of client.queryBatches(sql, { signal: ac.signal, transport: 'flight' })) {
        batches++
        if (batches === 2) ac.abort()
      }
    })().catch((e: unknown) => e as DremioError)
    const error = (await pending) as DremioError
    expect(error.code).toBe('DF_DREMIO_ABORTED')
    const job = await settledSoon((await jobFor(sql)).id)
    expect(job.state).toBe('CANCELED')
  })
})
