/**
 * Results over Arrow Flight, from the emulator's Flight endpoint over real gRPC on loopback:
 * every type the REST path reads arrives identically through both transports (rows equal; Arrow
 * values equal, with the one layout difference Dremio itself has: DATE is Date(MILLISECOND) on
 * Flight), batches stream, context, Cloud sessions, `'auto'` and the REST view of a Flight job.
 */
import { DremioClient, type DremioError } from '@df/client'
import { Type } from 'apache-arrow'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, PASSWORD, PAT, plain, startEmulator, thrown, USER } from './helpers.js'

let emu: Emulator
let client: DremioClient

beforeAll(async () => {
  emu = await startEmulator({ flightPort: 0 })
  client = new DremioClient({ url: emu.url, pat: PAT, flightUrl: emu.flightUrl })
})

afterAll(async () => {
  await client.close()
  await emu.close()
})

// Every REST type the client maps to Arrow (dremioTypeToArrow), each with a NULL row.
const TYPES_SQL = `
SELECT * FROM (VALUES
  (CAST(9007199254740991 AS BIGINT), CAST(-7 AS INTEGER), CAST(3 AS SMALLINT), CAST(-2 AS TINYINT),
   CAST(2.5 AS DOUBLE), CAST(1.26 AS FLOAT), CAST(-10.50 AS DECIMAL(12,2)), CAST(12345678901234567.891 AS DECIMAL(38,3)),
   'grüße ✓', '', TRUE, DATE '2024-05-01', DATE '1969-12-31', TIME '09:15:00.250',
   TIMESTAMP '2024-05-01 09:15:00.250', TIMESTAMP '1960-01-01 00:00:00', CAST('abc' AS BLOB),
   [1, NULL, 3], ['x', 'y'], {'a': 1, 'b': 'two', 'c': NULL}),
  (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, NULL, NULL, NULL)
) AS t(big, i, si, ti, d, f, amount, wide, s, empty, b, dt, old_dt, tm, ts, old_ts, bin, ints, strs, st)`

describe('every REST type through both transports', () => {
  it('gives identical rows', async () => {
    const rest = await client.query(TYPES_SQL)
    const flight = await client.query(TYPES_SQL, { transport: 'flight' })
    expect(flight).toEqual(rest)
    expect(flight[0]).toMatchObject({
      big: 9007199254740991,
      f: 1.26,
      amount: -10.5,
      dt: '2024-05-01',
    })
    expect(flight[1]).toEqual(Object.fromEntries(Object.keys(rest[0] ?? {}).map((k) => [k, null])))
  })

  it('gives the same Arrow columns and values', async () => {
    const rest = await client.queryArrow(TYPES_SQL, { transport: 'rest' })
    const flight = await client.queryArrow(TYPES_SQL, { transport: 'flight' })
    expect(flight.schema.fields.map((f) => f.name)).toEqual(rest.schema.fields.map((f) => f.name))
    for (const field of rest.schema.fields) {
      const other = flight.schema.fields.find((f) => f.name === field.name)
      expect(other?.type.typeId, field.name).toBe(field.type.typeId)
      // Dremio's Flight endpoint sends DATE as DateMilliVector; the REST path builds DateDay.
      if (field.type.typeId === Type.Date) {
        expect(String(field.type)).toBe('Date32<DAY>')
        expect(String(other?.type)).toBe('Date64<MILLISECOND>')
      } else {
        expect(String(other?.type), field.name).toBe(String(field.type))
      }
      // REST carries DECIMAL as a JSON number (a double): 20 significant digits cannot survive it.
      if (field.name === 'wide') continue
      expect(plain([...(flight.getChild(field.name) ?? [])]), field.name).toEqual(
        plain([...(rest.getChild(field.name) ?? [])]),
      )
    }
    expect(flight.numRows).toBe(2)
  })

  it('agrees on many chunks with scattered NULLs and long strings', async () => {
    const sql = `SELECT CASE WHEN range % 3 = 0 THEN NULL ELSE 'value number ' || range END AS s,
      CASE WHEN range % 7 = 0 THEN NULL ELSE 'v' || range END AS short, CASE WHEN range % 5 = 0 THEN NULL
      ELSE range END AS i, CASE WHEN range % 4 = 0 THEN NULL ELSE range % 2 = 0 END AS b,
      CASE WHEN range % 6 = 0 THEN NULL ELSE range / 4 END AS d FROM range(10000) ORDER BY range`
    expect(await client.query(sql, { transport: 'flight' })).toEqual(await client.query(sql))
  })

  it('keeps a DECIMAL(38) exact, which REST JSON cannot', async () => {
    const flight = await client.queryArrow(TYPES_SQL, { transport: 'flight' })
    const words = flight.getChild('wide')?.get(0) as Uint32Array
    let unscaled = 0n
    for (let i = 3; i >= 0; i--) unscaled = (unscaled << 32n) | BigInt(words[i] as number)
    expect(unscaled).toBe(12345678901234567891n)
  })
})

describe('streaming', () => {
  it('streams record batches and holds the row order', async () => {
    let rows = 0
    let batches = 0
    let last = -1
    for await (const batch of client.queryBatches(
      'SELECT range AS i FROM range(100000) ORDER BY i',
      {
        transport: 'flight',
      },
    )) {
      batches++
      const column = batch.getChild('i')
      for (let r = 0; r < batch.numRows; r++) if (Number(column?.get(r)) === last + 1) last++
      rows += batch.numRows
    }
    expect(rows).toBe(100_000)
    expect(last).toBe(99_999)
    expect(batches).toBeGreaterThan(1)
  })

  it('returns an empty result with its schema', async () => {
    const table = await client.queryArrow('SELECT CAST(1 AS BIGINT) AS x WHERE 1 = 0', {
      transport: 'flight',
    })
    expect(table.numRows).toBe(0)
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['x:Int64'])
    expect(await client.query('SELECT 1 AS x WHERE 1 = 0', { transport: 'flight' })).toEqual([])
  })

  it('runs each query as a FLIGHT job that the REST API shows', async () => {
    const sql = `SELECT range AS i FROM range(1234) -- ${Math.random()}`
    await client.query(sql, { transport: 'flight' })
    const info = emu.jobs.list().find((j) => j.sql === sql)
    expect(info?.state).toBe('COMPLETED')
    const status = await client.job(info?.id as string).status()
    expect(status).toMatchObject({ jobState: 'COMPLETED', rowCount: 1234, queryType: 'FLIGHT' })
  })
})

describe('sessions and configuration', () => {
  it('resolves unqualified names with the context (the schema header)', async () => {
    await client.catalog.createSpace('flightctx')
    await client.catalog.createView(['flightctx', 'seven'], 'SELECT 7 AS x')
    expect(
      await client.query('SELECT x FROM seven', { transport: 'flight', context: ['flightctx'] }),
    ).toEqual([{ x: 7 }])
    const error = await thrown(() => client.query('SELECT x FROM seven', { transport: 'flight' }))
    expect((error as unknown as DremioError).code).toBe('DF_DREMIO_JOB_FAILED')
  })

  it('logs in with username/password through the handshake, again after the session expired', async () => {
    const user = new DremioClient({
      url: emu.url,
      username: USER,
      password: PASSWORD,
      flightUrl: emu.flightUrl,
    })
    expect(await user.query('SELECT 1 AS one', { transport: 'flight' })).toEqual([{ one: 1 }])
    emu.expireSessions()
    expect(await user.query('SELECT 2 AS two', { transport: 'flight' })).toEqual([{ two: 2 }])
    expect(emu.jobs.list().at(-1)?.user).toBe(USER)
    await user.close()
  })

  it('binds a Dremio Cloud session to the project (SetSessionOptions)', async () => {
    const cloud = new DremioClient({
      cloud: { projectId: emu.projectId, url: emu.url },
      pat: PAT,
      flightUrl: emu.flightUrl,
    })
    expect(await cloud.query('SELECT 3 AS three', { transport: 'flight' })).toEqual([{ three: 3 }])
    await cloud.close()
    const wrong = new DremioClient({
      cloud: { projectId: 'no-such-project', url: emu.url },
      pat: PAT,
      flightUrl: emu.flightUrl,
    })
    const error = await thrown(() => wrong.query('SELECT 1', { transport: 'flight' }))
    expect((error as unknown as DremioError).code).toBe('DF_DREMIO_NOT_FOUND')
    await wrong.close()
  })

  it("'auto' uses Flight when it is reachable and REST when it is not", async () => {
    const auto = new DremioClient({
      url: emu.url,
      pat: PAT,
      flightUrl: emu.flightUrl,
      transport: 'auto',
    })
    // The DATE layout tells the transports apart.
    expect(
      String((await auto.queryArrow("SELECT DATE '2024-01-01' AS d")).schema.fields[0]?.type),
    ).toBe('Date64<MILLISECOND>')
    await auto.close()
    const noFlight = new DremioClient({
      url: emu.url,
      pat: PAT,
      flightUrl: 'grpc://127.0.0.1:1',
      transport: 'auto',
    })
    expect(
      String((await noFlight.queryArrow("SELECT DATE '2024-01-01' AS d")).schema.fields[0]?.type),
    ).toBe('Date32<DAY>')
    expect(await noFlight.query('SELECT 5 AS five')).toEqual([{ five: 5 }])
    await noFlight.close()
  })

  it('derives the Flight endpoint from the REST URL (port 32010) or DREMIO_FLIGHT_URL', () => {
    expect(new DremioClient({ url: 'http://dremio.local:9047', pat: PAT }).flightUrl).toBe(
      'grpc://dremio.local:32010',
    )
    expect(new DremioClient({ url: 'https://dremio.local', pat: PAT }).flightUrl).toBe(
      'grpc+tls://dremio.local:32010',
    )
    expect(new DremioClient({ cloud: { projectId: 'p', region: 'eu' }, pat: PAT }).flightUrl).toBe(
      'grpc+tls://data.eu.dremio.cloud:443',
    )
    const env = {
      DREMIO_URL: 'http://h:9047',
      DREMIO_PAT: PAT,
      DREMIO_FLIGHT_URL: 'grpc+tls://f:4443',
    }
    expect(DremioClient.fromEnv(env).flightUrl).toBe('grpc+tls://f:4443')
  })
})
