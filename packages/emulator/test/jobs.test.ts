import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../src/index.js'
import { call, run, start, submit, waitJob } from './helpers.js'

let emu: Emulator
beforeAll(async () => {
  emu = await start()
})
afterAll(() => emu.close())

describe('POST /sql and GET /job/{id}', () => {
  it('answers 200 with a UUID-shaped id ending in 00, and the job is visible at once', async () => {
    const answer = await call(emu, 'POST', '/api/v3/sql', { sql: 'SELECT 1 AS one' })
    expect(answer.status).toBe(200)
    const { id } = answer.json as { id: string }
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{10}00$/)
    const first = await call(emu, 'GET', `/api/v3/job/${id}`)
    expect(first.status).toBe(200)
    expect(['RUNNING', 'COMPLETED']).toContain((first.json as { jobState: string }).jobState)
  })

  it('reports a completed job with Dremio field order, ISO times and rowCount = result rows', async () => {
    const id = await submit(emu, 'SELECT * FROM range(7)')
    await waitJob(emu, id)
    const answer = await call(emu, 'GET', `/api/v3/job/${id}`)
    const job = answer.json as Record<string, unknown>
    expect(Object.keys(job)).toEqual([
      'jobState',
      'rowCount',
      'errorMessage',
      'startedAt',
      'endedAt',
      'queryType',
      'cancellationReason',
    ])
    expect(job).toMatchObject({
      jobState: 'COMPLETED',
      rowCount: 7,
      errorMessage: '',
      queryType: 'REST',
    })
    expect(job.cancellationReason).toBe('')
    expect(job.startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(job.endedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  })

  it('turns bad SQL into a FAILED job with the error text (the POST still answers 200)', async () => {
    const answer = await call(emu, 'POST', '/api/v3/sql', { sql: 'SELEC 1' })
    expect(answer.status).toBe(200)
    const job = await waitJob(emu, (answer.json as { id: string }).id)
    expect(job.jobState).toBe('FAILED')
    expect(job.errorMessage).toMatch(
      /Failure parsing the query: unexpected "SELEC" at line 1, column 1/,
    )
    expect(job.rowCount).toBe(0)
    expect(job.endedAt).toBeDefined()
  })

  it('fails a job naming the missing table the way Dremio does', async () => {
    const id = await submit(emu, 'SELECT * FROM lake.sales.orderz')
    const job = await waitJob(emu, id)
    expect(job).toMatchObject({
      jobState: 'FAILED',
      errorMessage: "Object 'orderz' not found within 'lake.sales'",
    })
  })

  it('fails a job with two statements and runs neither', async () => {
    await emu.query('CREATE TABLE multi.t (id INT)')
    const id = await submit(emu, 'INSERT INTO multi.t VALUES (1); DROP TABLE multi.t')
    const job = await waitJob(emu, id)
    expect(job.jobState).toBe('FAILED')
    expect(job.errorMessage).toMatch(/only one statement/)
    expect(await emu.query('SELECT count(*) AS n FROM multi.t')).toEqual([{ n: 0 }])
  })

  it('accepts one trailing semicolon', async () => {
    const page = await run(emu, 'SELECT 42 AS answer;')
    expect(page.rows).toEqual([{ answer: 42 }])
  })

  it('answers 404 with Dremio’s body for an unknown or malformed job id', async () => {
    for (const id of ['00000000-0000-0000-0000-000000000000', 'bad-id']) {
      const answer = await call(emu, 'GET', `/api/v3/job/${id}`)
      expect(answer.status).toBe(404)
      expect(answer.json).toEqual({
        errorMessage: `Could not find a job with id [${id}]`,
        moreInfo: '',
      })
    }
  })

  it('rejects malformed JSON with 400 text/plain and creates no job', async () => {
    const before = emu.jobs.list().length
    const answer = await call(emu, 'POST', '/api/v3/sql', '{"sql": "SELECT 1"')
    expect(answer.status).toBe(400)
    expect(answer.headers.get('content-type')).toMatch(/text\/plain/)
    expect(answer.text.length).toBeGreaterThan(0)
    expect(emu.jobs.list().length).toBe(before)
  })

  it('rejects a context that is not an array, and unknown body fields, with 400', async () => {
    const bad = await call(emu, 'POST', '/api/v3/sql', { sql: 'SELECT 1', context: 'lake' })
    expect(bad).toMatchObject({
      status: 400,
      json: { errorMessage: 'Invalid value found at: context', moreInfo: '' },
    })
    const unknown = await call(emu, 'POST', '/api/v3/sql', { sql: 'SELECT 1', sqll: 'x' })
    expect(unknown).toMatchObject({
      status: 400,
      json: { errorMessage: 'Invalid value found at: sqll' },
    })
    const ok = await call(emu, 'POST', '/api/v3/sql', { sql: 'SELECT 1', context: null })
    expect(ok.status).toBe(200)
  })

  it('resolves names against the job context', async () => {
    await emu.query('CREATE TABLE ctx.sales.orders (id INT)')
    await emu.query('INSERT INTO ctx.sales.orders VALUES (1), (2)')
    const page = await run(emu, 'SELECT orders.id FROM orders ORDER BY id', ['ctx', 'sales'])
    expect(page.rows).toEqual([{ id: 1 }, { id: 2 }])
  })

  it('answers unknown routes with 404 and wrong methods with 405', async () => {
    expect(await call(emu, 'GET', '/api/v3/nope')).toMatchObject({
      status: 404,
      json: { errorMessage: 'HTTP 404 Not Found', moreInfo: '' },
    })
    expect((await call(emu, 'GET', '/api/v3/sql')).status).toBe(405)
  })
})

describe('job latency and states', () => {
  it('walks a configured state sequence before it runs', async () => {
    const slow = await start({
      jobLatency: [
        { state: 'PLANNING', ms: 150 },
        { state: 'QUEUED', ms: 150 },
      ],
    })
    try {
      const id = await submit(slow, 'SELECT 1 AS x')
      const seen = new Set<string>()
      for (;;) {
        const job = (await call(slow, 'GET', `/api/v3/job/${id}`)).json as Record<string, unknown>
        seen.add(job.jobState as string)
        if (job.jobState !== 'COMPLETED') expect(job.endedAt).toBeUndefined()
        if (job.jobState === 'COMPLETED') break
        await new Promise((r) => setTimeout(r, 10))
      }
      expect(seen).toContain('PLANNING')
      expect(seen).toContain('COMPLETED')
      const early = await call(slow, 'GET', `/api/v3/job/${await submit(slow, 'SELECT 1')}/results`)
      expect(early).toMatchObject({
        status: 400,
        json: { errorMessage: 'Can not fetch details for a job that is in [PLANNING] state.' },
      })
    } finally {
      await slow.close()
    }
  })
})

describe('POST /job/{id}/cancel', () => {
  it('cancels a latency-held job: 204, then CANCELED with the user reason, and the SQL never runs', async () => {
    await emu.query('CREATE TABLE cancel.t (id INT)')
    emu.setJobLatency(60_000)
    const id = await submit(emu, 'INSERT INTO cancel.t VALUES (1)')
    emu.setJobLatency(0)
    const answer = await call(emu, 'POST', `/api/v3/job/${id}/cancel`)
    expect(answer.status).toBe(204)
    expect(answer.text).toBe('')
    const job = await waitJob(emu, id)
    expect(job).toMatchObject({
      jobState: 'CANCELED',
      cancellationReason: "Query cancelled by user 'dremio'",
    })
    expect(await emu.query('SELECT count(*) AS n FROM cancel.t')).toEqual([{ n: 0 }])
    const results = await call(emu, 'GET', `/api/v3/job/${id}/results`)
    expect(results).toMatchObject({
      status: 400,
      json: { errorMessage: 'Can not fetch details for a job that is in [CANCELED] state.' },
    })
  })

  it('interrupts a genuinely long DuckDB query', async () => {
    const id = await submit(emu, 'SELECT count(*) FROM range(1000000000000) a')
    await expect.poll(() => emu.jobs.get(id)?.state).toBe('RUNNING')
    expect((await call(emu, 'POST', `/api/v3/job/${id}/cancel`)).status).toBe(204)
    const job = await waitJob(emu, id)
    expect(job.jobState).toBe('CANCELED')
    expect(job.errorMessage).toBe('')
  }, 30_000)

  it('answers 404 for unknown and for finished jobs', async () => {
    const unknown = await call(
      emu,
      'POST',
      '/api/v3/job/00000000-0000-0000-0000-000000000000/cancel',
    )
    expect(unknown.status).toBe(404)
    const id = await submit(emu, 'SELECT 1')
    await waitJob(emu, id)
    const finished = await call(emu, 'POST', `/api/v3/job/${id}/cancel`)
    expect(finished).toMatchObject({
      status: 404,
      json: { errorMessage: `Could not find a job with id [${id}]` },
    })
    expect(emu.jobs.get(id)?.state).toBe('COMPLETED')
  })
})
