/**
 * Arrow Flight failure paths over real gRPC against the emulator: auth failures (no secret in
 * the error), bad SQL (Dremio's message), streams cancelled by the caller (the job ends
 * CANCELED), a deadline, a connection dropped mid-stream (a real TCP proxy that cuts it: a clear
 * error, no hang) and TLS (trusted CA, untrusted certificate, verification skipped).
 */
import { connect, createServer, type Server, type Socket } from 'node:net'
import { inspect } from 'node:util'
import { DremioClient, type DremioError, DremioFlightError } from '@df/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, PAT, selfSignedCert, startEmulator, thrown, USER } from './helpers.js'

let emu: Emulator
let client: DremioClient

beforeAll(async () => {
  emu = await startEmulator({ flightPort: 0 })
  client = new DremioClient({
    url: emu.url,
    pat: PAT,
    flightUrl: emu.flightUrl,
    transport: 'flight',
  })
})

afterAll(async () => {
  await client.close()
  await emu.close()
})

/** A query that streams for a long time, tagged so its job can be found. */
function longQuery(): string {
  return `SELECT range AS i, 'row-' || CAST(range AS VARCHAR) AS s FROM range(50000000) -- ${Math.random()}`
}

async function jobOf(sql: string) {
  const info = emu.jobs.list().find((j) => j.sql === sql)
  expect(info, 'the Flight job exists').toBeDefined()
  return emu.jobs.settled(info?.id as string)
}

describe('auth', () => {
  it('rejects a bad PAT as DF_DREMIO_UNAUTHORIZED, without the token anywhere', async () => {
    const secret = 'not-a-valid-token-5f2c'
    const bad = new DremioClient({ url: emu.url, pat: secret, flightUrl: emu.flightUrl })
    const error = await thrown(() => bad.query('SELECT 1', { transport: 'flight' }))
    expect(error).toBeInstanceOf(DremioFlightError)
    expect(error).toMatchObject({
      code: 'DF_DREMIO_UNAUTHORIZED',
      grpcStatus: 'UNAUTHENTICATED',
      call: 'GetFlightInfo',
    })
    expect(`${error.message} ${inspect(error, { depth: 5 })}`).not.toContain(secret)
    await bad.close()
  })

  it('rejects a wrong password at the handshake, without the password anywhere', async () => {
    const secret = 'wrong-password-91ab'
    const bad = new DremioClient({
      url: emu.url,
      username: USER,
      password: secret,
      flightUrl: emu.flightUrl,
    })
    const error = await thrown(() => bad.query('SELECT 1', { transport: 'flight' }))
    expect(error).toMatchObject({ code: 'DF_DREMIO_UNAUTHORIZED', call: 'Handshake' })
    expect(`${error.message} ${inspect(error, { depth: 5 })}`).not.toContain(secret)
    await bad.close()
  })
})

describe('query errors', () => {
  it('reports bad SQL with Dremio’s message, as the REST job does', async () => {
    const sql = 'SELECT * FROM no_such_space.no_such_table_flight'
    const error = (await thrown(() => client.query(sql))) as unknown as DremioFlightError
    expect(error.code).toBe('DF_DREMIO_JOB_FAILED')
    expect(error.grpcStatus).toBe('INVALID_ARGUMENT')
    expect(error.sqlExcerpt).toBe(sql)
    const restError = (await thrown(() => client.query(sql, { transport: 'rest' }))) as unknown as {
      errorMessage: string
    }
    expect(error.errorMessage).toBe(restError.errorMessage)
    // Dremio echoes the bearer token in its response headers: none of them reach the error.
    expect(inspect(error, { depth: 8 })).not.toContain(PAT)
    expect(inspect(error, { depth: 8 })).not.toContain('SESSION_ID')
  })
})

describe('cancellation', () => {
  it('cancels the job when the caller stops reading', async () => {
    const sql = longQuery()
    let batches = 0
    for await (const _ of client.queryBatches(sql)) if (++batches === 2) break
    const job = await jobOf(sql)
    expect(job.state).toBe('CANCELED')
    expect(job.cancellationReason).toContain(USER)
  })

  it('cancels the job on the AbortSignal and throws DF_DREMIO_ABORTED', async () => {
    const sql = longQuery()
    const controller = new AbortController()
    const error = await thrown(async () => {
      for await (const _ of client.queryBatches(sql, { signal: controller.signal }))
        controller.abort()
    })
    expect((error as unknown as DremioError).code).toBe('DF_DREMIO_ABORTED')
    expect((await jobOf(sql)).state).toBe('CANCELED')
  })

  it('gives up at timeoutMs with DF_DREMIO_TIMEOUT, and the job is cancelled', async () => {
    const sql = longQuery()
    const error = await thrown(() => client.query(sql, { timeoutMs: 300 }))
    expect((error as unknown as DremioError).code).toBe('DF_DREMIO_TIMEOUT')
    expect((await jobOf(sql)).state).toBe('CANCELED')
  })
})

describe('a connection dropped mid-stream', () => {
  let proxy: Server
  const sockets = new Set<Socket>()
  let forwarded = 0
  let cutAfter = Infinity

  beforeAll(async () => {
    proxy = createServer((inbound) => {
      const outbound = connect(emu.flightPort as number, '127.0.0.1')
      sockets.add(inbound).add(outbound)
      inbound.pipe(outbound)
      outbound.on('data', (chunk: Buffer) => {
        forwarded += chunk.length
        if (forwarded > cutAfter) {
          inbound.destroy()
          outbound.destroy()
          return
        }
        inbound.write(chunk)
      })
      const end = (): void => {
        inbound.destroy()
        outbound.destroy()
      }
      inbound.on('error', end).on('close', end)
      outbound.on('error', end).on('close', end)
    })
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))
  })

  afterAll(async () => {
    for (const s of sockets) s.destroy()
    await new Promise<void>((r) => proxy.close(() => r()))
  })

  it('fails with a clear connection error instead of hanging, and the job ends', async () => {
    const port = (proxy.address() as { port: number }).port
    const viaProxy = new DremioClient({
      url: emu.url,
      pat: PAT,
      flightUrl: `grpc://127.0.0.1:${port}`,
    })
    expect(await viaProxy.query('SELECT 1 AS one', { transport: 'flight' })).toEqual([{ one: 1 }])
    const sql = longQuery()
    forwarded = 0
    cutAfter = 2_000_000
    const started = Date.now()
    let rows = 0
    const error = await thrown(async () => {
      for await (const batch of viaProxy.queryBatches(sql, { transport: 'flight' }))
        rows += batch.numRows
    })
    expect(Date.now() - started).toBeLessThan(20_000)
    expect(rows).toBeGreaterThan(0)
    expect(error).toBeInstanceOf(DremioFlightError)
    expect(error).toMatchObject({ code: 'DF_DREMIO_CONNECTION', call: 'DoGet', retryable: true })
    expect(error.message).toContain(`grpc://127.0.0.1:${port}`)
    expect((await jobOf(sql)).state).toBe('CANCELED')
    cutAfter = Infinity
    await viaProxy.close()
  }, 30_000)
})

describe('TLS', () => {
  let tlsEmu: Emulator
  let cert: string

  beforeAll(async () => {
    const pem = selfSignedCert()
    cert = pem.cert
    tlsEmu = await startEmulator({ flightPort: 0, flightTls: pem })
  })

  afterAll(async () => {
    await tlsEmu.close()
  })

  it('trusts tls.ca, refuses an unknown certificate, and skips verification only when told', async () => {
    expect(tlsEmu.flightUrl).toMatch(/^grpc\+tls:\/\//)
    const trusted = new DremioClient({
      url: tlsEmu.url,
      pat: PAT,
      flightUrl: tlsEmu.flightUrl,
      tls: { ca: cert },
    })
    expect(await trusted.query('SELECT 1 AS one', { transport: 'flight' })).toEqual([{ one: 1 }])
    await trusted.close()
    const untrusted = new DremioClient({ url: tlsEmu.url, pat: PAT, flightUrl: tlsEmu.flightUrl })
    const error = await thrown(() => untrusted.query('SELECT 1', { transport: 'flight' }))
    expect((error as unknown as DremioError).code).toBe('DF_DREMIO_CONNECTION')
    await untrusted.close()
    const skip = new DremioClient({
      url: tlsEmu.url,
      pat: PAT,
      flightUrl: tlsEmu.flightUrl,
      tls: { rejectUnauthorized: false },
    })
    expect(await skip.query('SELECT 2 AS two', { transport: 'flight' })).toEqual([{ two: 2 }])
    await skip.close()
  })
})
