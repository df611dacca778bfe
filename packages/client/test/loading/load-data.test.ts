/** Input normalization: tables, row arrays, (async) iterables; validation by zod-like or Arrow schema. */
import {
  Field,
  Int32,
  Int64,
  Schema,
  Table,
  tableFromArrays,
  Utf8,
  vectorFromArray,
} from 'apache-arrow'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { LoadColumn } from '../../src/loading/column-types.js'
import { prepareChunk, type RawChunk, rawChunks } from '../../src/loading/load-data.js'
import {
  checkNullability,
  isArrowSchema,
  type SafeParseSchema,
  validateWithSafeParse,
} from '../../src/loading/validate.js'

async function collect(data: Parameters<typeof rawChunks>[0]): Promise<RawChunk[]> {
  const out: RawChunk[] = []
  for await (const c of rawChunks(data)) out.push(c)
  return out
}

const cols: LoadColumn[] = [
  { name: 'id', type: { kind: 'BIGINT' } },
  { name: 'name', type: { kind: 'VARCHAR' } },
]

describe('rawChunks', () => {
  it('accepts a table, rows, arrays of parts, and sync or async iterables of parts', async () => {
    const table = tableFromArrays({ id: [1, 2] })
    expect((await collect(table)).map((c) => c.kind)).toEqual(['arrow'])
    expect((await collect([{ id: 1 }])).map((c) => c.kind)).toEqual(['rows'])
    expect((await collect([table, [{ id: 3 }]])).map((c) => c.kind)).toEqual(['arrow', 'rows'])
    async function* gen() {
      yield [{ id: 1 }]
      yield table
    }
    expect((await collect(gen())).map((c) => c.kind)).toEqual(['rows', 'arrow'])
    await expect(collect(42 as never)).rejects.toMatchObject({ reason: 'DF_LOAD_INVALID_INPUT' })
    async function* bad() {
      yield 'nope' as never
    }
    await expect(collect(bad())).rejects.toMatchObject({ reason: 'DF_LOAD_INVALID_INPUT' })
  })
})

describe('prepareChunk', () => {
  it('normalizes rows and builds an Arrow table of exactly the load columns', () => {
    const chunk = prepareChunk({ kind: 'rows', rows: [{ id: 1, name: 'a' }, { id: 2n }] }, cols, 0)
    expect(chunk.row(0)).toEqual([1n, 'a'])
    expect(chunk.row(1)).toEqual([2n, null])
    const t = chunk.toArrow()
    expect(t.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['id:Int64', 'name:Utf8'])
    expect(t.getChild('id')?.toArray()).toEqual(new BigInt64Array([1n, 2n]))
  })

  it('names the row (global index) and column of a bad value or an unknown column', () => {
    expect(() => prepareChunk({ kind: 'rows', rows: [{ id: 1 }, { id: 'x' }] }, cols, 100)).toThrow(
      expect.objectContaining({ reason: 'DF_LOAD_INVALID_DATA', rowIndex: 101, column: 'id' }),
    )
    expect(() => prepareChunk({ kind: 'rows', rows: [{ id: 1, other: 2 }] }, cols, 0)).toThrow(
      expect.objectContaining({ rowIndex: 0, column: 'other' }),
    )
  })

  it('checks an Arrow table against the load columns', () => {
    const ok = new Table({
      name: vectorFromArray(['a'], new Utf8()),
      id: vectorFromArray([7n], new Int64()),
    })
    const chunk = prepareChunk({ kind: 'arrow', table: ok }, cols, 0)
    expect(chunk.row(0)).toEqual([7n, 'a'])
    expect(chunk.toArrow().schema.fields.map((f) => f.name)).toEqual(['id', 'name'])
    const missing = new Table({ id: vectorFromArray([7n], new Int64()) })
    expect(() => prepareChunk({ kind: 'arrow', table: missing }, cols, 0)).toThrow(
      expect.objectContaining({ reason: 'DF_LOAD_INVALID_INPUT', column: 'name' }),
    )
    const wrongType = new Table({
      id: vectorFromArray(['1'], new Utf8()),
      name: vectorFromArray(['a'], new Utf8()),
    })
    expect(() => prepareChunk({ kind: 'arrow', table: wrongType }, cols, 0)).toThrow(
      /Utf8 in the Arrow table/,
    )
    // A narrower integer fits a wider column.
    const narrow = new Table({
      id: vectorFromArray([1], new Int32()),
      name: vectorFromArray(['a'], new Utf8()),
    })
    expect(prepareChunk({ kind: 'arrow', table: narrow }, cols, 0).row(0)).toEqual([1n, 'a'])
  })
})

describe('validation', () => {
  // The shape of zod's safeParse result (v3 and v4), written out so @df/client needs no zod.
  const positiveAge: SafeParseSchema = {
    safeParse(value: unknown) {
      const age = (value as { age?: unknown }).age
      return typeof age === 'number' && age > 0
        ? { success: true }
        : {
            success: false,
            error: { issues: [{ path: ['age'], message: 'Expected a positive number' }] },
          }
    },
  }

  it('reports the first row a safeParse schema rejects, with index and column', () => {
    const chunk: RawChunk = {
      kind: 'rows',
      rows: [{ age: 3 }, { age: 4 }, { age: -1 }, { age: 0 }],
    }
    expect(() => validateWithSafeParse(positiveAge, chunk, 10)).toThrow(
      expect.objectContaining({
        reason: 'DF_LOAD_INVALID_DATA',
        rowIndex: 12,
        column: 'age',
        message: '[@df/client] Row 12, column "age" failed validation: Expected a positive number.',
      }),
    )
    expect(() =>
      validateWithSafeParse(
        positiveAge,
        { kind: 'arrow', table: tableFromArrays({ age: [1, 2] }) },
        0,
      ),
    ).not.toThrow()
  })

  it('takes a real zod schema as it is (no adapter)', () => {
    const schema = z.object({ email: z.string().email(), age: z.number().int().min(0) })
    const rows = [
      { email: 'a@example.com', age: 30 },
      { email: 'b@example.com', age: 1.5 },
    ]
    expect(() => validateWithSafeParse(schema, { kind: 'rows', rows }, 0)).toThrow(
      expect.objectContaining({ reason: 'DF_LOAD_INVALID_DATA', rowIndex: 1, column: 'age' }),
    )
    expect(() =>
      validateWithSafeParse(schema, { kind: 'rows', rows: [{ email: 'nope', age: 1 }] }, 7),
    ).toThrow(expect.objectContaining({ rowIndex: 7, column: 'email' }))
  })

  it('enforces NOT NULL fields of an Arrow schema', () => {
    const schema = new Schema([
      new Field('id', new Int64(), false),
      new Field('name', new Utf8(), true),
    ])
    expect(isArrowSchema(schema)).toBe(true)
    expect(isArrowSchema(positiveAge)).toBe(false)
    const chunk = prepareChunk({ kind: 'rows', rows: [{ id: 1 }, { name: 'x' }] }, cols, 5)
    expect(() => checkNullability(schema, cols, chunk.row, chunk.length, 5)).toThrow(
      expect.objectContaining({ rowIndex: 6, column: 'id' }),
    )
  })
})
