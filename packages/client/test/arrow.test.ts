import { Type } from 'apache-arrow'
import { describe, expect, it } from 'vitest'
import {
  ArrowTableBuilder,
  type DremioField,
  decimalWords,
  dremioTypeToArrow,
} from '../src/index.js'

const schema: DremioField[] = [
  { name: 'id', type: { name: 'BIGINT' } },
  { name: 'n', type: { name: 'INTEGER' } },
  { name: 'customer', type: { name: 'VARCHAR' } },
  { name: 'amount', type: { name: 'DECIMAL', precision: 12, scale: 2 } },
  { name: 'ordered_at', type: { name: 'TIMESTAMP' } },
  { name: 'dt', type: { name: 'DATE' } },
  { name: 't', type: { name: 'TIME' } },
  { name: 'paid', type: { name: 'BOOLEAN' } },
  { name: 'ratio', type: { name: 'DOUBLE' } },
  { name: 'f', type: { name: 'FLOAT' } },
  { name: 'bin', type: { name: 'VARBINARY' } },
  { name: 'tags', type: { name: 'LIST', subSchema: [{ type: { name: 'VARCHAR' } }] } },
  {
    name: 'addr',
    type: {
      name: 'STRUCT',
      subSchema: [
        { name: 'street', type: { name: 'VARCHAR' } },
        { name: 'zip', type: { name: 'INTEGER' } },
      ],
    },
  },
  { name: 'iv', type: { name: 'INTERVAL DAY TO SECOND' } },
]

const rows = [
  {
    id: 9007199254740991,
    n: 7,
    customer: 'acme',
    amount: 10.5,
    ordered_at: '2024-05-01 09:15:00.250',
    dt: '2024-05-01',
    t: '09:15:00.000',
    paid: true,
    ratio: 0.25,
    f: 1.5,
    bin: 'AAEC/w==',
    tags: ['a', null],
    addr: { street: 'Main St' },
    iv: '+001 18:25:16.766',
  },
  {
    id: null,
    n: null,
    customer: null,
    amount: -0.01,
    ordered_at: null,
    dt: null,
    t: null,
    paid: null,
    ratio: null,
    f: null,
    bin: null,
    tags: null,
    addr: null,
    iv: null,
  },
]

describe('Arrow mapping', () => {
  it('maps REST types to Arrow types', () => {
    const ids = schema.map((f) => dremioTypeToArrow(f.type).typeId)
    expect(ids).toEqual([
      Type.Int,
      Type.Int,
      Type.Utf8,
      Type.Decimal,
      Type.Timestamp,
      Type.Date,
      Type.Time,
      Type.Bool,
      Type.Float,
      Type.Float,
      Type.Binary,
      Type.List,
      Type.Struct,
      Type.Utf8,
    ])
    expect(String(dremioTypeToArrow({ name: 'BIGINT' }))).toBe('Int64')
    expect(dremioTypeToArrow({ name: 'DECIMAL', precision: 12, scale: 2 })).toMatchObject({
      precision: 12,
      scale: 2,
      bitWidth: 128,
    })
  })
  it('builds a typed table from JSON rows', () => {
    const b = new ArrowTableBuilder(schema)
    b.append(rows)
    const table = b.finish()
    expect(table.numRows).toBe(2)
    expect(table.schema.fields.map((f) => f.name)).toEqual(schema.map((f) => f.name))
    const r0 = table.get(0)?.toJSON() as Record<string, unknown>
    expect(r0.id).toBe(9007199254740991n)
    expect(r0.n).toBe(7)
    expect(r0.customer).toBe('acme')
    expect(r0.ordered_at).toBe(Date.UTC(2024, 4, 1, 9, 15, 0, 250))
    expect(r0.dt).toBe(Date.UTC(2024, 4, 1))
    expect(r0.t).toBe((9 * 3600 + 15 * 60) * 1000)
    expect(r0.paid).toBe(true)
    expect(r0.f).toBe(1.5)
    expect([...(r0.bin as Uint8Array)]).toEqual([0, 1, 2, 255])
    expect([...(r0.tags as Iterable<unknown>)]).toEqual(['a', null])
    expect((r0.addr as { toJSON(): unknown }).toJSON()).toEqual({ street: 'Main St', zip: null })
    expect(r0.iv).toBe('+001 18:25:16.766')
    const amount = table.getChild('amount')!
    expect([...(amount.get(0) as Uint32Array)]).toEqual([1050, 0, 0, 0])
    const r1 = table.get(1)?.toJSON() as Record<string, unknown>
    for (const k of ['id', 'customer', 'ordered_at', 'dt', 't', 'paid', 'bin', 'tags', 'addr']) {
      expect(r1[k]).toBeNull()
    }
  })
  it('encodes decimals exactly, including negatives and E-notation', () => {
    expect([...decimalWords('10.50', 2)]).toEqual([1050, 0, 0, 0])
    expect([...decimalWords(-0.01, 2)]).toEqual([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff])
    expect([...decimalWords(1e-7, 8)]).toEqual([10, 0, 0, 0])
    expect([...decimalWords('1.005', 2)]).toEqual([101, 0, 0, 0])
    expect([...decimalWords('4294967296', 0)]).toEqual([0, 1, 0, 0])
    expect(() => decimalWords('abc', 2)).toThrow(/DECIMAL/)
  })
  it('builds an empty table with its schema', () => {
    const table = new ArrowTableBuilder(schema.slice(0, 2)).finish()
    expect(table.numRows).toBe(0)
    expect(table.schema.fields.map((f) => String(f.type))).toEqual(['Int64', 'Int32'])
  })
})
