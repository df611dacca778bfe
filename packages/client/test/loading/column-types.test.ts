/** Arrow → Dremio column types (precision kept), DDL text, and inference from row objects. */
import {
  Binary,
  Bool,
  DateDay,
  DateMillisecond,
  Decimal,
  Dictionary,
  Field,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  LargeUtf8,
  List,
  TimestampMicrosecond,
  TimestampSecond,
  Uint16,
  Uint32,
  Uint64,
  Utf8,
} from 'apache-arrow'
import { describe, expect, it } from 'vitest'
import {
  arrowToColumnType,
  columnDefinitions,
  columnTypeSql,
  inferColumns,
} from '../../src/loading/column-types.js'
import { DremioLoadError } from '../../src/loading/load-error.js'

function sqlOf(type: Parameters<typeof arrowToColumnType>[0]): string {
  return columnTypeSql(arrowToColumnType(type, 'c'))
}

describe('arrowToColumnType', () => {
  it('maps every supported Arrow type, keeping decimal precision and scale', () => {
    expect(sqlOf(new Bool())).toBe('BOOLEAN')
    expect(sqlOf(new Int8())).toBe('INT')
    expect(sqlOf(new Int16())).toBe('INT')
    expect(sqlOf(new Uint16())).toBe('INT')
    expect(sqlOf(new Int32())).toBe('INT')
    expect(sqlOf(new Uint32())).toBe('BIGINT')
    expect(sqlOf(new Int64())).toBe('BIGINT')
    expect(sqlOf(new Float32())).toBe('FLOAT')
    expect(sqlOf(new Float64())).toBe('DOUBLE')
    expect(sqlOf(new Utf8())).toBe('VARCHAR')
    expect(sqlOf(new LargeUtf8())).toBe('VARCHAR')
    expect(sqlOf(new Binary())).toBe('VARBINARY')
    expect(sqlOf(new DateDay())).toBe('DATE')
    expect(sqlOf(new DateMillisecond())).toBe('DATE')
    expect(sqlOf(new TimestampSecond())).toBe('TIMESTAMP')
    expect(sqlOf(new TimestampMicrosecond())).toBe('TIMESTAMP')
    expect(sqlOf(new Decimal(2, 12, 128))).toBe('DECIMAL(12,2)')
    expect(sqlOf(new Decimal(0, 38, 128))).toBe('DECIMAL(38,0)')
    expect(sqlOf(new Dictionary(new Utf8(), new Int32()))).toBe('VARCHAR')
  })

  it('refuses types a Dremio table cannot take as loaded, naming the column', () => {
    for (const type of [new Uint64(), new List(new Field('x', new Int32()))]) {
      let error: unknown
      try {
        arrowToColumnType(type, 'weird col')
      } catch (e) {
        error = e
      }
      expect(DremioLoadError.isLoadError(error)).toBe(true)
      expect(error).toMatchObject({ reason: 'DF_LOAD_INVALID_INPUT', column: 'weird col' })
    }
  })
})

describe('columnDefinitions', () => {
  it('quotes names the Dremio way', () => {
    expect(
      columnDefinitions([
        { name: 'a "b"', type: { kind: 'INT' } },
        { name: 'amount', type: { kind: 'DECIMAL', precision: 10, scale: 3 } },
      ]),
    ).toBe('"a ""b""" INT, "amount" DECIMAL(10,3)')
  })
})

describe('inferColumns', () => {
  it('infers kinds from values, skipping nulls, in first-seen key order', () => {
    const columns = inferColumns([
      { id: 1, name: null, at: new Date(0) },
      { id: 2, name: 'x', big: 5n, flag: true, bin: new Uint8Array(1), ratio: 1 },
      { ratio: 2.5, empty: null },
    ])
    expect(columns).toEqual([
      { name: 'id', type: { kind: 'BIGINT' } },
      { name: 'name', type: { kind: 'VARCHAR' } },
      { name: 'at', type: { kind: 'TIMESTAMP' } },
      { name: 'big', type: { kind: 'BIGINT' } },
      { name: 'flag', type: { kind: 'BOOLEAN' } },
      { name: 'bin', type: { kind: 'VARBINARY' } },
      { name: 'ratio', type: { kind: 'DOUBLE' } },
      { name: 'empty', type: { kind: 'VARCHAR' } },
    ])
  })

  it('reports a column mixing kinds, and unsupported values, with row and column', () => {
    expect(() => inferColumns([{ a: 1 }, { a: 'x' }], 10)).toThrow(
      expect.objectContaining({ reason: 'DF_LOAD_INVALID_DATA', rowIndex: 11, column: 'a' }),
    )
    expect(() => inferColumns([{ a: { nested: true } }])).toThrow(
      expect.objectContaining({ rowIndex: 0, column: 'a' }),
    )
    expect(() => inferColumns([{}])).toThrow(
      expect.objectContaining({ reason: 'DF_LOAD_INVALID_INPUT' }),
    )
  })
})
