/** Jobs end to end: submit, status, wait, rows, Arrow, paging, failures and bad input. */
import {
  type DremioClient,
  DremioError,
  DremioHttpError,
  DremioJobFailedError,
  TERMINAL_JOB_STATES,
} from '@df/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, patClient, startEmulator, thrown } from './helpers.js'

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

describe('submit / status / wait', () => {
  it('sends SQL exactly as given, with its context, and waits for COMPLETED', async () => {
    const sql = '  SELECT 41 + 1 AS answer -- trailing comment kept\n'
    const job = await client.submit(sql, { context: ['ctx', 'sub'] })
    expect(job.id).toMatch(/^[0-9a-f-]{36}$/)
    const status = await job.wait()
    expect(status.jobState).toBe('COMPLETED')
    expect(status.rowCount).toBe(1)
    expect(TERMINAL_JOB_STATES.has(status.jobState)).toBe(true)
    const seen = emu.jobs.get(job.id)
    expect(seen?.sql).toBe(sql)
    expect(seen?.context).toEqual(['ctx', 'sub'])
    const typed: { answer: number }[] = await job.toArray<{ answer: number }>()
    expect(typed).toEqual([{ answer: 42 }])
    expect((await job.status()).jobState).toBe('COMPLETED')
  })

  it('returns rows encoded the Dremio way', async () => {
    const rows = await client.query(
      `SELECT CAST(5 AS BIGINT) AS big, 'it''s' AS s, CAST(1.5 AS DOUBLE) AS d, TRUE AS b,
              DATE '2024-05-01' AS dt, TIMESTAMP '2024-05-01 09:15:00.250' AS ts,
              CAST(NULL AS VARCHAR) AS n`,
    )
    expect(rows).toEqual([
      {
        big: 5,
        s: "it's",
        d: 1.5,
        b: true,
        dt: '2024-05-01',
        ts: '2024-05-01 09:15:00.250',
        n: null,
      },
    ])
  })

  it('builds a typed Arrow table from the REST schema', async () => {
    const table = await client.queryArrow(
      `SELECT CAST(9007199254740991 AS BIGINT) AS big, CAST(10.50 AS DECIMAL(12,2)) AS amount,
              DATE '2024-05-01' AS dt, TIMESTAMP '2024-05-01 09:15:00.250' AS ts,
              CAST('abc' AS VARBINARY) AS bin, CAST(7 AS INTEGER) AS i, 'x' AS s, FALSE AS f`,
    )
    expect(table.numRows).toBe(1)
    const types = Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]))
    expect(types).toMatchObject({
      big: 'Int64',
      dt: 'Date32<DAY>',
      ts: 'Timestamp<MILLISECOND>',
      bin: 'Binary',
      i: 'Int32',
      s: 'Utf8',
      f: 'Bool',
    })
    expect(types.amount).toMatch(/^Decimal/)
    const row = table.get(0)?.toJSON() as Record<string, unknown>
    expect(row.big).toBe(9007199254740991n)
    expect(row.ts).toBe(Date.UTC(2024, 4, 1, 9, 15, 0, 250))
    expect(Buffer.from(row.bin as Uint8Array).toString()).toBe('abc')
    expect([...(table.getChild('amount')!.get(0) as Uint32Array)]).toEqual([1050, 0, 0, 0])
  })

  it('pages through results in order with bounded concurrency', async () => {
    const job = await client.submit('SELECT range AS i FROM range(1234) ORDER BY i')
    const seen: number[] = []
    for await (const row of job.rows({ pageSize: 100, concurrency: 3 })) seen.push(row.i as number)
    expect(seen).toEqual(Array.from({ length: 1234 }, (_, i) => i))
    let pages = 0
    for await (const page of job.pages({ pageSize: 500 })) {
      expect(page.rowCount).toBe(1234)
      pages++
    }
    expect(pages).toBe(3)
  })

  it('returns an empty result with its schema', async () => {
    const table = await client.queryArrow('SELECT CAST(1 AS BIGINT) AS x WHERE 1 = 0')
    expect(table.numRows).toBe(0)
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['x:Int64'])
    expect(await client.query('SELECT 1 AS x WHERE 1 = 0')).toEqual([])
  })
})

describe('custom fetch', () => {
  it('routes every request through the given fetch', async () => {
    const calls: string[] = []
    const custom = patClient(emu, {
      fetch: (input, init) => {
        calls.push(`${init?.method} ${new URL(String(input)).pathname}`)
        return fetch(input, init)
      },
    })
    expect(await custom.query('SELECT 5 AS five')).toEqual([{ five: 5 }])
    expect(calls[0]).toBe('POST /api/v3/sql')
    expect(calls.some((c) => c.endsWith('/results'))).toBe(true)
    await custom.close()
  })
})

describe('failures and bad input', () => {
  it('raises a FAILED job with Dremio error text, job id and SQL excerpt', async () => {
    const sql = 'SELECT * FROM no_such_space.no_such_table_xyz'
    const job = await client.submit(sql)
    const error = await thrown(() => job.wait())
    expect(error).toBeInstanceOf(DremioJobFailedError)
    const failed = error as unknown as DremioJobFailedError
    expect(failed.code).toBe('DF_DREMIO_JOB_FAILED')
    expect(failed.jobId).toBe(job.id)
    expect(failed.sqlExcerpt).toBe(sql)
    const serverText = emu.jobs.get(job.id)?.errorMessage ?? ''
    expect(serverText).not.toBe('')
    expect(failed.errorMessage).toBe(serverText)
    expect(failed.message).toContain(serverText)
    // query() surfaces the same error.
    expect(await thrown(() => client.query(sql))).toBeInstanceOf(DremioJobFailedError)
  })

  it('maps an unknown job id to a typed 404', async () => {
    const error = await thrown(() => client.job('1a7c3e55-9b02-4f1d-8e6a-2c4b8d0f3e00').status())
    expect(error).toBeInstanceOf(DremioHttpError)
    expect(error.status).toBe(404)
    expect(error.code).toBe('DF_DREMIO_NOT_FOUND')
    expect(error.message).toContain('Could not find a job with id')
  })

  it('gets Dremio 400 for limit=501 and rejects pageSize 501 before any request', async () => {
    const job = await client.submit('SELECT 1 AS x')
    await job.wait()
    const error = await thrown(() => job.page(0, 501))
    expect(error).toBeInstanceOf(DremioHttpError)
    expect(error.status).toBe(400)
    expect(error.message).toContain('limit can not exceed 500 rows')
    const local = await thrown(() => job.toArray({ pageSize: 501 }))
    expect(DremioError.is(local)).toBe(true)
    expect(local.code).toBe('DF_DREMIO_INVALID_SQL_INPUT')
  })

  it('rejects empty SQL without sending it', async () => {
    const before = emu.jobs.list().length
    const error = await thrown(() => client.submit('   '))
    expect(error.code).toBe('DF_DREMIO_INVALID_SQL_INPUT')
    expect(emu.jobs.list().length).toBe(before)
  })
})
