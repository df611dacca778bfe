import v8 from 'node:v8'
import vm from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../src/index.js'
import { call, type Page, run, start, submit, waitJob } from './helpers.js'

let emu: Emulator
let id1200: string
beforeAll(async () => {
  emu = await start()
  id1200 = await submit(emu, 'SELECT range AS n FROM range(1200) ORDER BY n')
  await waitJob(emu, id1200)
})
afterAll(() => emu.close())

const results = (
  id: string,
  query = '',
): Promise<{ status: number; json: unknown; text: string }> =>
  call(emu, 'GET', `/api/v3/job/${id}/results${query}`)

describe('GET /job/{id}/results paging', () => {
  it('defaults to 100 rows from offset 0, with the total rowCount and keys in order', async () => {
    const answer = await results(id1200)
    expect(answer.status).toBe(200)
    const page = answer.json as Page
    expect(Object.keys(page)).toEqual(['rowCount', 'schema', 'rows'])
    expect(page.rowCount).toBe(1200)
    expect(page.rows).toHaveLength(100)
    expect(page.rows[0]).toEqual({ n: 0 })
    expect(page.rows[99]).toEqual({ n: 99 })
  })

  it('serves slices across DuckDB chunk boundaries (2048 rows) exactly', async () => {
    const id = await submit(emu, 'SELECT range AS n FROM range(5000) ORDER BY n')
    await waitJob(emu, id)
    const page = (await results(id, '?offset=1900&limit=500')).json as Page
    expect(page.rows.map((r) => r.n)).toEqual(Array.from({ length: 500 }, (_, i) => 1900 + i))
    const tail = (await results(id, '?offset=4800&limit=500')).json as Page
    expect(tail.rows).toHaveLength(200)
    expect(tail.rows.at(-1)).toEqual({ n: 4999 })
  })

  it('keeps serving correct pages after a garbage collection (DuckDB chunks stay alive)', async () => {
    // Regression: chunks were dropped after their vectors were taken, and a GC freed the native
    // memory under them (pages then came back short or garbled).
    v8.setFlagsFromString('--expose-gc')
    const gc = vm.runInNewContext('gc') as () => void
    const total = 600_000 // more than 2048 blocks of 256 rows: two DuckDB chunks
    const id = await submit(emu, `SELECT range AS n FROM range(${total})`)
    await waitJob(emu, id)
    expect(((await results(id, '?limit=500')).json as Page).rows[0]).toEqual({ n: 0 })
    for (let i = 0; i < 3; i++) {
      gc()
      await new Promise((r) => setTimeout(r, 20)) // let native finalizers run
    }
    const seen: unknown[] = []
    const offsets = Array.from({ length: total / 500 }, (_, i) => i * 500)
    for (let i = 0; i < offsets.length; i += 10) {
      const pages = await Promise.all(
        offsets.slice(i, i + 10).map((o) => results(id, `?offset=${o}&limit=500`)),
      )
      for (const page of pages)
        seen.push(
          ...((page.json as Page | undefined)?.rows ?? [page.text]).map(
            (r) => (r as { n?: number }).n ?? r,
          ),
        )
    }
    // The job of beforeAll, whose chunks were fetched long before the collection.
    const old = (await results(id1200, '?offset=700&limit=500')).json as Page | undefined
    expect(old?.rows.map((r) => r.n)).toEqual(Array.from({ length: 500 }, (_, i) => 700 + i))
    const wrong = seen.findIndex((n, i) => n !== i)
    expect(wrong).toBe(-1)
    expect(seen).toHaveLength(total)
  }, 120_000)

  it('reads every row exactly once when pages are fetched in parallel (Cube-style)', async () => {
    const offsets = [0, 500, 1000]
    const pages = await Promise.all(offsets.map((o) => results(id1200, `?offset=${o}&limit=500`)))
    const all = pages.flatMap((p) => (p.json as Page).rows.map((r) => r.n))
    expect(all).toEqual(Array.from({ length: 1200 }, (_, i) => i))
  })

  it('answers offset == rowCount and beyond with 200 and no rows (the JS SDK extra page)', async () => {
    const id = await submit(emu, 'SELECT * FROM range(500)')
    await waitJob(emu, id)
    for (const offset of [500, 10_000]) {
      const answer = await results(id, `?offset=${offset}&limit=500`)
      expect(answer.status).toBe(200)
      expect(answer.json).toMatchObject({ rowCount: 500, rows: [] })
    }
  })

  it('accepts limit=0 (Grafana) with an empty page', async () => {
    const answer = await results(id1200, '?limit=0')
    expect(answer.status).toBe(200)
    expect(answer.json).toMatchObject({ rowCount: 1200, rows: [] })
  })

  it('rejects limit above 500 with 400, even for an unknown job', async () => {
    for (const id of [id1200, 'no-such-job']) {
      const answer = await results(id, '?limit=501')
      expect(answer.status).toBe(400)
      expect(answer.json).toEqual({ errorMessage: 'limit can not exceed 500 rows', moreInfo: '' })
    }
  })

  it('answers non-numeric offset or limit with 404, as JAX-RS does', async () => {
    for (const query of ['?limit=abc', '?offset=undefined', '?offset=1.5']) {
      const answer = await results(id1200, query)
      expect(answer.status).toBe(404)
      expect((answer.json as { errorMessage: string }).errorMessage).toMatch(
        /^HTTP 404 Not Found: Integer/,
      )
    }
  })

  it('answers 400 for a FAILED job and 404 for an unknown one', async () => {
    const failed = await submit(emu, 'SELECT * FROM nope.nope')
    await waitJob(emu, failed)
    expect(await results(failed)).toMatchObject({
      status: 400,
      json: {
        errorMessage: 'Can not fetch details for a job that is in [FAILED] state.',
        moreInfo: '',
      },
    })
    expect((await results('00000000-0000-0000-0000-000000000000')).status).toBe(404)
  })

  it('serves an empty result with its schema and rowCount 0', async () => {
    const page = await run(emu, 'SELECT 1 AS a WHERE false')
    expect(page).toEqual({
      rowCount: 0,
      schema: [{ name: 'a', type: { name: 'INTEGER' } }],
      rows: [],
    })
  })
})

describe('value encoding (reference §6.3-6.4)', () => {
  it('encodes every Dremio type as Dremio does, with explicit top-level nulls', async () => {
    const id = await submit(
      emu,
      `SELECT 7::TINYINT AS ti, 300::SMALLINT AS si, 70000 AS i, 9007199254740993::BIGINT AS big,
        1.25::FLOAT AS f, 1.26::DOUBLE AS d, 10.50::DECIMAL(12,2) AS dec, -0.05::DECIMAL(5,3) AS negdec,
        'acme' AS s, true AS b, DATE '2024-05-01' AS dt, TIME '09:15:00.5' AS tm,
        TIMESTAMP '2024-05-01 09:15:00' AS ts, TIMESTAMP '1969-12-31 23:59:59.999' AS old,
        '\\x00\\x01\\x02\\xFF'::BLOB AS bin, ['a', NULL] AS lst,
        {'street': 'Main St', 'zip': NULL} AS addr, NULL::VARCHAR AS nothing,
        MAP {'k1': 1} AS m, INTERVAL '1 day 2 hours' AS iv`,
    )
    await waitJob(emu, id)
    const answer = await results(id)
    const page = answer.json as Page
    expect(page.rows[0]).toEqual({
      ti: 7,
      si: 300,
      i: 70000,
      big: 9007199254740992, // JSON.parse loses the last bit, exactly as with Dremio
      f: 1.25,
      d: 1.26,
      dec: 10.5,
      negdec: -0.05,
      s: 'acme',
      b: true,
      dt: '2024-05-01',
      tm: '09:15:00.500',
      ts: '2024-05-01 09:15:00.000',
      old: '1969-12-31 23:59:59.999',
      bin: 'AAEC/w==',
      lst: ['a', null],
      addr: { street: 'Main St' },
      nothing: null,
      m: { k1: 1 },
      iv: '+001 02:00:00.000',
    })
    // The raw text keeps BIGINT digits and DECIMAL scale.
    expect(answer.text).toContain('"big":9007199254740993')
    expect(answer.text).toContain('"dec":10.50')
    expect(answer.text).toContain('"negdec":-0.050')
    const types = Object.fromEntries(page.schema.map((f) => [f.name, f.type]))
    expect(types).toMatchObject({
      ti: { name: 'TINYINT' },
      si: { name: 'SMALLINT' },
      i: { name: 'INTEGER' },
      big: { name: 'BIGINT' },
      f: { name: 'FLOAT' },
      d: { name: 'DOUBLE' },
      dec: { name: 'DECIMAL', precision: 12, scale: 2 },
      s: { name: 'VARCHAR' },
      b: { name: 'BOOLEAN' },
      dt: { name: 'DATE' },
      tm: { name: 'TIME' },
      ts: { name: 'TIMESTAMP' },
      bin: { name: 'VARBINARY' },
      lst: { name: 'LIST', subSchema: [{ type: { name: 'VARCHAR' } }] },
      addr: {
        name: 'STRUCT',
        subSchema: [
          { name: 'street', type: { name: 'VARCHAR' } },
          { name: 'zip', type: { name: 'INTEGER' } },
        ],
      },
      m: { name: 'MAP' },
      iv: { name: 'INTERVAL DAY TO SECOND' },
    })
  })

  it('reports SUM over integers as BIGINT, as Dremio does (DuckDB says HUGEINT)', async () => {
    const page = await run(emu, 'SELECT sum(range) AS total FROM range(10)')
    expect(page.schema).toEqual([{ name: 'total', type: { name: 'BIGINT' } }])
    expect(page.rows).toEqual([{ total: 45 }])
  })

  it('encodes TIMESTAMP WITH TIME ZONE in UTC', async () => {
    const page = await run(emu, "SELECT TIMESTAMPTZ '2024-05-01 12:00:00+02' AS t")
    expect(page.rows[0]).toEqual({ t: '2024-05-01 10:00:00.000' })
  })
})
