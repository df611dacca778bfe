/**
 * What the public JS clients of reference §14 send and expect, replayed over real HTTP (the
 * clients themselves are not installed here; their request sequences are reproduced from
 * their source as described in the reference).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../src/index.js'
import { AUTH, call, type Page, start, submit, waitJob } from './helpers.js'

let emu: Emulator
beforeAll(async () => {
  emu = await start()
})
afterAll(() => emu.close())

describe('third-party client behaviour', () => {
  it('Cube driver: catalog ping, submit, poll, parallel 500-row pages concatenated in order', async () => {
    const n = 200_000
    const ping = async () => expect((await call(emu, 'GET', '/api/v3/catalog')).status).toBe(200)
    await ping()
    const id = await submit(
      emu,
      `SELECT range AS id, range * 2 AS v, 'name-' || CAST(range AS VARCHAR) AS name,
              CAST(range AS DOUBLE) / 4 AS ratio, range % 2 = 0 AS even FROM range(${n})`,
    )
    await ping()
    const job = await waitJob(emu, id)
    expect(job.rowCount).toBe(n)
    const offsets: number[] = []
    for (let offset = 0; offset < (job.rowCount as number); offset += 500) offsets.push(offset)
    const rows: Record<string, unknown>[] = []
    for (let i = 0; i < offsets.length; i += 16) {
      const batch = offsets.slice(i, i + 16)
      const pages = await Promise.all(
        batch.map((o) => call(emu, 'GET', `/api/v3/job/${id}/results?offset=${o}&limit=500`)),
      )
      for (const page of pages) rows.push(...(page.json as Page).rows)
    }
    expect(rows).toHaveLength(n)
    expect(rows.every((row, i) => row.id === i)).toBe(true)
    expect(rows[123_457]).toEqual({
      id: 123_457,
      v: 246_914,
      name: 'name-123457',
      ratio: 30_864.25,
      even: false,
    })
  }, 120_000)

  it('Dremio JS SDK: pages while a page is full, including the empty page at offset == rowCount', async () => {
    const id = await submit(emu, 'SELECT range AS n FROM range(1000)')
    await waitJob(emu, id)
    let offset = 0
    const sizes: number[] = []
    for (;;) {
      const page = (await call(emu, 'GET', `/api/v3/job/${id}/results?offset=${offset}&limit=500`))
        .json as Page
      sizes.push(page.rows.length)
      offset += page.rows.length
      if (page.rows.length < 500) break
    }
    expect(sizes).toEqual([500, 500, 0])
  })

  it('n8n connector: results without offset or limit get the first 100 rows', async () => {
    const id = await submit(emu, 'SELECT range AS n FROM range(250)')
    await waitJob(emu, id)
    const page = (await call(emu, 'GET', `/api/v3/job/${id}/results`)).json as Page
    expect(page.rows).toHaveLength(100)
    expect(page.rowCount).toBe(250)
  })

  it('Grafana plugin: login, _dremio token, tight polling and limit=0 for empty results', async () => {
    const login = await call(
      emu,
      'POST',
      '/apiv2/login',
      { userName: 'dremio', password: 'dremio123' },
      {},
    )
    const headers = { authorization: `_dremio${(login.json as { token: string }).token}` }
    const posted = await call(
      emu,
      'POST',
      '/api/v3/sql',
      { sql: 'SELECT 1 AS x WHERE false' },
      headers,
    )
    const { id } = posted.json as { id: string }
    let state = ''
    while (state !== 'COMPLETED') {
      state = (
        (await call(emu, 'GET', `/api/v3/job/${id}`, undefined, headers)).json as {
          jobState: string
        }
      ).jobState
    }
    const page = await call(
      emu,
      'GET',
      `/api/v3/job/${id}/results?limit=0&offset=0`,
      undefined,
      headers,
    )
    expect(page).toMatchObject({ status: 200, json: { rowCount: 0, rows: [] } })
  })

  it('christyharagan/dremio-node-api: offset=undefined is refused with 404, as the real server does', async () => {
    const id = await submit(emu, 'SELECT 1')
    await waitJob(emu, id)
    const answer = await call(
      emu,
      'GET',
      `/api/v3/job/${id}/results?&offset=undefined&limit=100`,
      undefined,
      AUTH,
    )
    expect(answer.status).toBe(404)
  })

  it('dbt-dremio: {"sql", "context": null} is accepted', async () => {
    const answer = await call(emu, 'POST', '/api/v3/sql', { sql: 'SELECT 1 AS one', context: null })
    expect(answer.status).toBe(200)
  })
})

describe('the two result encoders agree', () => {
  it('DuckDB-side JSON (scalar columns) matches the JS encoder (used when a nested column is present)', async () => {
    const scalar = `SELECT 7::TINYINT AS ti, 9007199254740993::BIGINT AS big, 1.25::FLOAT AS f, 1.26::DOUBLE AS d,
      30875.0::DOUBLE AS whole, 10.50::DECIMAL(12,2) AS dec, -0.05::DECIMAL(5,3) AS negdec,
      'a "quoted" \\ line' || chr(10) || 'break' AS s, true AS b, DATE '2024-05-01' AS dt,
      TIME '09:15:00.5' AS tm, TIMESTAMP '1969-12-31 23:59:59.999' AS ts, '\\x00\\xFF'::BLOB AS bin,
      NULL::INTEGER AS nothing, NULL::BOOLEAN AS nb, NULL::DOUBLE AS nd, NULL::FLOAT AS nf,
      NULL::DECIMAL(10,2) AS ndec, NULL::VARCHAR AS ns, NULL::DATE AS ndt, NULL::TIME AS ntm,
      NULL::TIMESTAMP AS nts, NULL::BLOB AS nbin, NULL::BIGINT AS nbig, 'inf'::DOUBLE AS inf, '-inf'::FLOAT AS ninf, 'nan'::DOUBLE AS nan`
    const fast = await submit(emu, scalar)
    const typed = await submit(emu, `SELECT *, [1] AS force_js FROM (${scalar})`)
    await Promise.all([waitJob(emu, fast), waitJob(emu, typed)])
    const a = (await call(emu, 'GET', `/api/v3/job/${fast}/results`)).json as Page
    const b = (await call(emu, 'GET', `/api/v3/job/${typed}/results`)).json as Page
    const { force_js: _, ...typedRow } = b.rows[0] as Record<string, unknown>
    expect(a.rows[0]).toEqual(typedRow)
    for (const key of [
      'nothing',
      'nb',
      'nd',
      'nf',
      'ndec',
      'ns',
      'ndt',
      'ntm',
      'nts',
      'nbin',
      'nbig',
    ]) {
      expect(a.rows[0]?.[key], key).toBeNull()
    }
    expect(a.schema).toEqual(b.schema.slice(0, -1))
  })
})
