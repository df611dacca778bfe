import {
  Binary,
  type DataType,
  DateMillisecond,
  Decimal,
  Field,
  Float32,
  Float64,
  Int64,
  IntervalDayTime,
  IntervalYearMonth,
  List,
  makeBuilder,
  type RecordBatch,
  Struct,
  Table,
  TimeMillisecond,
  TimestampMillisecond,
  Utf8,
} from 'apache-arrow'
import { describe, expect, it } from 'vitest'
import { batchRows, decimalNumber } from '../src/flight/rows.js'
import { DremioClient, DremioConfigError, DremioFlightError, parseFlightUrl } from '../src/index.js'

function batch(columns: Record<string, [DataType, unknown[]]>): RecordBatch {
  const vectors = Object.fromEntries(
    Object.entries(columns).map(([name, [type, values]]) => {
      const b = makeBuilder({ type, nullValues: [null] })
      for (const v of values) b.append(v)
      return [name, b.finish().toVector()]
    }),
  )
  return new Table(vectors).batches[0] as RecordBatch
}

describe('parseFlightUrl', () => {
  it('reads grpc, grpc+tcp and grpc+tls URLs, defaulting to port 32010', () => {
    expect(parseFlightUrl('grpc://h:1234')).toEqual({
      address: 'h:1234',
      tls: false,
      url: 'grpc://h:1234',
    })
    expect(parseFlightUrl('grpc+tcp://h')).toMatchObject({ address: 'h:32010', tls: false })
    expect(parseFlightUrl('grpc+tls://[::1]:443')).toMatchObject({
      address: '[::1]:443',
      tls: true,
    })
  })

  it('rejects other schemes, credentials and paths with DremioConfigError', () => {
    for (const bad of ['http://h:1', 'grpc://user:pw@h:1', 'grpc://h:1/path', 'not a url']) {
      expect(() => parseFlightUrl(bad), bad).toThrow(DremioConfigError)
    }
    expect(() => parseFlightUrl('grpc://user:secret@h:1')).toThrow(/must not carry credentials/)
    expect(() => parseFlightUrl('grpc://user:secret@h:1')).not.toThrow(/secret/)
  })

  it('validates flightUrl and transport when the client is built', () => {
    expect(
      () => new DremioClient({ url: 'http://h:9047', pat: 'p', flightUrl: 'https://h' }),
    ).toThrow(DremioConfigError)
    expect(
      () => new DremioClient({ url: 'http://h:9047', pat: 'p', transport: 'grpc' as never }),
    ).toThrow(/transport must be/)
  })
})

describe('Flight rows', () => {
  it('gives the values Dremio REST rows give', () => {
    const rows = batchRows(
      batch({
        big: [new Int64(), [9007199254740993n, null]],
        f: [new Float32(), [1.26, Number.NaN]],
        d: [new Float64(), [0.1, Number.POSITIVE_INFINITY]],
        amount: [new Decimal(2, 12, 128), [new Uint32Array([1050, 0, 0, 0]), null]],
        dt: [new DateMillisecond(), [Date.UTC(1969, 11, 31), null]],
        tm: [new TimeMillisecond(), [3_723_004, null]],
        ts: [new TimestampMillisecond(), [Date.UTC(2024, 4, 1, 9, 15, 0, 250), null]],
        bin: [new Binary(), [new Uint8Array([0, 1, 2, 255]), null]],
        s: [new Utf8(), ['é', null]],
        l: [new List(new Field('$data$', new Int64(), true)), [[1n, null], null]],
        st: [
          new Struct([new Field('a', new Utf8(), true), new Field('b', new Int64(), true)]),
          [{ a: 'x', b: null }, null],
        ],
        idt: [new IntervalDayTime(), [new Int32Array([-1, -66_316_766]), null]],
        iym: [new IntervalYearMonth(), [new Int32Array([1, 2]), null]],
      }),
    )
    expect(rows[0]).toEqual({
      big: 9007199254740992,
      f: 1.26,
      d: 0.1,
      amount: 10.5,
      dt: '1969-12-31',
      tm: '01:02:03.004',
      ts: '2024-05-01 09:15:00.250',
      bin: 'AAEC/w==',
      s: 'é',
      l: [1, null],
      st: { a: 'x' },
      idt: '-001 18:25:16.766',
      iym: '+001-02',
    })
    expect(rows[1]).toMatchObject({ big: null, f: 'NaN', d: 'Infinity', amount: null, st: null })
  })

  it('turns Decimal128 words into the number JSON.parse gives', () => {
    const words = (v: bigint) => {
      const out = new Uint32Array(4)
      let u = BigInt.asUintN(128, v)
      for (let i = 0; i < 4; i++) {
        out[i] = Number(u & 0xffffffffn)
        u >>= 32n
      }
      return out
    }
    expect(decimalNumber(words(-1050n), 2)).toBe(-10.5)
    expect(decimalNumber(words(1n), 30)).toBe(JSON.parse('0.000000000000000000000000000001'))
    expect(decimalNumber(words(12345678901234567891n), 3)).toBe(JSON.parse('12345678901234567.891'))
  })
})

describe('DremioFlightError', () => {
  it('maps gRPC statuses to the REST codes and keeps Dremio’s message', () => {
    const e = new DremioFlightError({
      grpcCode: 3,
      errorMessage: 'Table not found',
      call: 'GetFlightInfo',
      target: 'grpc://h:1',
      sql: 'SELECT 1',
    })
    expect(e).toMatchObject({
      code: 'DF_DREMIO_JOB_FAILED',
      grpcStatus: 'INVALID_ARGUMENT',
      retryable: false,
    })
    expect(e.message).toBe(
      '[@df/client] Query failed (INVALID_ARGUMENT from grpc://h:1): Table not found (SQL: SELECT 1)',
    )
    expect(
      new DremioFlightError({ grpcCode: 16, errorMessage: '', call: 'Handshake', target: 't' })
        .code,
    ).toBe('DF_DREMIO_UNAUTHORIZED')
    expect(
      new DremioFlightError({ grpcCode: 14, errorMessage: 'x', call: 'DoGet', target: 't' }),
    ).toMatchObject({ code: 'DF_DREMIO_CONNECTION', retryable: true })
    expect(DremioFlightError.prototype).toBeInstanceOf(Error)
  })
})
