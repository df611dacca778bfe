import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, EmulatorError } from '../src/index.js'
import { call, start } from './helpers.js'

let emu: Emulator
beforeAll(async () => {
  emu = await start()
})
afterEach(() => emu.setFaults(undefined))
afterAll(() => emu.close())

describe('fault injection', () => {
  it('answers every matching request with the listed statuses in turn, with Retry-After', async () => {
    emu.setFaults({ rate: 1, statuses: [429, 503], retryAfterSeconds: 0 })
    const first = await call(emu, 'GET', '/api/v3/catalog')
    expect(first.status).toBe(429)
    expect(first.json).toEqual({ errorMessage: 'Too many requests', moreInfo: '' })
    expect(first.headers.get('retry-after')).toBe('0')
    const second = await call(emu, 'GET', '/api/v3/catalog')
    expect(second.status).toBe(503)
    expect(second.json).toMatchObject({ moreInfo: '' })
  })

  it('limits faults to matching paths and to a number of times', async () => {
    emu.setFaults({ rate: 1, statuses: [502], paths: /\/sql$/, times: 2 })
    expect((await call(emu, 'GET', '/api/v3/catalog')).status).toBe(200)
    expect((await call(emu, 'POST', '/api/v3/sql', { sql: 'SELECT 1' })).status).toBe(502)
    expect((await call(emu, 'POST', '/api/v3/sql', { sql: 'SELECT 1' })).status).toBe(502)
    expect((await call(emu, 'POST', '/api/v3/sql', { sql: 'SELECT 1' })).status).toBe(200)
  })

  it('creates no job for a faulted POST /sql (a retry is safe)', async () => {
    const before = emu.jobs.list().length
    emu.setFaults({ rate: 1, statuses: [503] })
    expect((await call(emu, 'POST', '/api/v3/sql', { sql: 'SELECT 1' })).status).toBe(503)
    emu.setFaults(undefined)
    expect(emu.jobs.list().length).toBe(before)
  })

  it('clears with setFaults(undefined) and never faults at rate 0', async () => {
    emu.setFaults({ rate: 0, statuses: [500] })
    for (let i = 0; i < 5; i++) expect((await call(emu, 'GET', '/api/v3/catalog')).status).toBe(200)
    emu.setFaults({ rate: 1 })
    expect((await call(emu, 'GET', '/api/v3/catalog')).status).toBe(503)
    emu.setFaults(undefined)
    expect((await call(emu, 'GET', '/api/v3/catalog')).status).toBe(200)
  })

  it('rejects invalid settings', () => {
    expect(() => emu.setFaults({ rate: 2 })).toThrow(RangeError)
    expect(() => emu.setFaults({ rate: 1, statuses: [200] })).toThrow(/not an HTTP error status/)
  })
})

describe('emulator API errors', () => {
  it('throws a typed error from query() with the job error text', async () => {
    const error = await emu.query('SELECT * FROM no.such.table').catch((e: unknown) => e)
    expect(EmulatorError.is(error)).toBe(true)
    expect(error).toMatchObject({
      code: 'DF_EMULATOR_SQL_FAILED',
      message: "[@df/emulator] Object 'table' not found within 'no.such'",
    })
  })

  it('rejects jobs.settled() for an unknown id with DF_EMULATOR_JOB_NOT_FOUND', async () => {
    const error = await emu.jobs.settled('nope').catch((e: unknown) => e)
    expect((error as EmulatorError).code).toBe('DF_EMULATOR_JOB_NOT_FOUND')
  })

  it('fails to start on a port in use with DF_EMULATOR_LISTEN_FAILED', async () => {
    const error = await start({ port: emu.port }).catch((e: unknown) => e)
    expect(EmulatorError.is(error)).toBe(true)
    expect((error as EmulatorError).code).toBe('DF_EMULATOR_LISTEN_FAILED')
  })
})
