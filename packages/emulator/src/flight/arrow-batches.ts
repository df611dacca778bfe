/**
 * DuckDB result chunks -> Arrow record batches with the column types Dremio's Flight endpoint
 * sends. The logical type is the one the REST view reports (`dremioType`, so both views of one
 * query agree, e.g. HUGEINT is BIGINT in both); the Arrow layout is Dremio's own value vectors:
 * DATE as Date(MILLISECOND) (DateMilliVector), TIME as Time(MILLISECOND, 32), TIMESTAMP as
 * Timestamp(MILLISECOND) without zone, DECIMAL as Decimal128, LIST children named `$data$`.
 * Common flat columns are written straight into typed arrays; the rest go through arrow builders.
 */

import { dremioTypeToArrow } from '@df/client'
import {
  type DuckDBDataChunk,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
} from '@duckdb/node-api'
import {
  type Bool,
  type Data,
  type DataType,
  DateMillisecond,
  Field,
  type Float64,
  type Int32,
  type Int64,
  IntervalDayTime,
  List,
  Map_,
  makeBuilder,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Type,
  type Utf8,
} from 'apache-arrow'
import { type DremioType, dedupe, dremioType } from '../internal/encode.js'
import { toArrowValue } from './arrow-values.js'
import { rawBool, rawNumbers, rawUtf8 } from './duck-raw.js'

/**
 * The Arrow type Dremio's Flight endpoint uses for a column of Dremio type `type`: the REST
 * mapping of `@df/client` (reference §6.3) for flat types, except DATE, which Dremio holds in a
 * DateMilliVector; nested types with Dremio's child names; intervals and maps as Arrow has them.
 */
export function flightArrowType(type: DremioType): DataType {
  switch (type.name) {
    case 'DATE':
      return new DateMillisecond()
    case 'INTERVAL DAY TO SECOND':
      return new IntervalDayTime()
    case 'LIST':
      return new List(field('$data$', type.subSchema?.[0]?.type ?? { name: 'OTHER' }))
    case 'STRUCT':
      return new Struct((type.subSchema ?? []).map((f, i) => field(f.name ?? `f${i}`, f.type)))
    case 'MAP': {
      const entry = type.subSchema?.[0]?.type.subSchema ?? []
      const key = new Field('key', flightArrowType(entry[0]?.type ?? { name: 'VARCHAR' }), false)
      const entries = new Struct([key, field('value', entry[1]?.type ?? { name: 'VARCHAR' })])
      return new Map_(new Field('entries', entries, false) as never)
    }
    default:
      return dremioTypeToArrow(type)
  }
}

function field(name: string, type: DremioType): Field {
  return new Field(name, flightArrowType(type), true)
}

/** The Arrow schema of a result with these DuckDB columns (names made unique like REST's). */
export function flightSchema(names: readonly string[], types: readonly DuckDBType[]): Schema {
  const unique = dedupe(names)
  return new Schema(unique.map((name, i) => field(name, dremioType(types[i] as DuckDBType))))
}

/** One record batch from consecutive DuckDB chunks of the same result. */
export function chunksToBatch(
  schema: Schema,
  types: readonly DuckDBType[],
  chunks: readonly DuckDBDataChunk[],
): RecordBatch {
  const length = chunks.reduce((n, c) => n + c.rowCount, 0)
  const children = schema.fields.map((f, c) => {
    const raw = rawColumn(f.type, types[c] as DuckDBType, chunks, c)
    if (raw !== undefined) return raw
    const values: DuckDBValue[] = []
    for (const chunk of chunks) for (const v of chunk.getColumnValues(c)) values.push(v)
    return column(f.type, types[c] as DuckDBType, values)
  })
  return new RecordBatch(
    schema,
    makeData({ type: new Struct(schema.fields), length, nullCount: 0, children }),
  )
}

/** The column straight from DuckDB's vector memory, for the flat types that allow it. */
function rawColumn(
  type: DataType,
  duck: DuckDBType,
  chunks: readonly DuckDBDataChunk[],
  c: number,
): Data | undefined {
  const length = chunks.reduce((n, chunk) => n + chunk.rowCount, 0)
  switch (duck.typeId) {
    case DuckDBTypeId.BIGINT: {
      const raw = rawNumbers<BigInt64Array>(chunks, c, BigInt64Array)
      return raw && makeData({ type: type as Int64, length, ...raw })
    }
    case DuckDBTypeId.INTEGER: {
      const raw = rawNumbers<Int32Array>(chunks, c, Int32Array)
      return raw && makeData({ type: type as Int32, length, ...raw })
    }
    case DuckDBTypeId.DOUBLE: {
      const raw = rawNumbers<Float64Array>(chunks, c, Float64Array)
      return raw && makeData({ type: type as Float64, length, ...raw })
    }
    case DuckDBTypeId.BOOLEAN: {
      const raw = rawBool(chunks, c)
      return raw && makeData({ type: type as Bool, length, ...raw })
    }
    case DuckDBTypeId.VARCHAR: {
      const raw = rawUtf8(chunks, c)
      return raw && makeData({ type: type as Utf8, length, ...raw })
    }
    default:
      return undefined
  }
}

function column(type: DataType, duck: DuckDBType, values: readonly DuckDBValue[]): Data {
  const length = values.length
  const bitmap = new Uint8Array((length + 7) >> 3)
  let nulls = 0
  for (let i = 0; i < length; i++) {
    if (values[i] === null || values[i] === undefined) nulls++
    else bitmap[i >> 3] = (bitmap[i >> 3] as number) | (1 << (i & 7))
  }
  const nullBitmap = nulls > 0 ? bitmap : undefined
  switch (type.typeId) {
    case Type.Int: {
      const bits = (type as unknown as { bitWidth: number }).bitWidth
      if (bits === 64) {
        const data = new BigInt64Array(length)
        for (let i = 0; i < length; i++) {
          const v = values[i]
          if (v !== null && v !== undefined)
            data[i] = BigInt.asIntN(64, BigInt(v as bigint | number))
        }
        return makeData({ type: type as Int64, length, nullCount: nulls, nullBitmap, data })
      }
      if (bits === 32) {
        const data = new Int32Array(length)
        for (let i = 0; i < length; i++) data[i] = Number(values[i] ?? 0)
        return makeData({ type: type as Int32, length, nullCount: nulls, nullBitmap, data })
      }
      break
    }
    case Type.Float:
      if ((type as Float64).precision === 2) {
        const data = new Float64Array(length)
        for (let i = 0; i < length; i++) data[i] = Number(values[i] ?? 0)
        return makeData({ type: type as Float64, length, nullCount: nulls, nullBitmap, data })
      }
      break
    case Type.Bool: {
      const data = new Uint8Array((length + 7) >> 3)
      for (let i = 0; i < length; i++)
        if (values[i] === true) data[i >> 3] = (data[i >> 3] as number) | (1 << (i & 7))
      return makeData({ type: type as Bool, length, nullCount: nulls, nullBitmap, data })
    }
    case Type.Utf8:
      return utf8(type as Utf8, values, nulls, nullBitmap)
  }
  const builder = makeBuilder({ type, nullValues: [null, undefined] })
  for (const v of values) builder.append(toArrowValue(type, duck, v))
  return builder.finish().flush()
}

function utf8(
  type: Utf8,
  values: readonly DuckDBValue[],
  nulls: number,
  nullBitmap: Uint8Array | undefined,
): Data {
  const length = values.length
  const texts: string[] = new Array(length)
  const valueOffsets = new Int32Array(length + 1)
  let bytes = 0
  for (let i = 0; i < length; i++) {
    const v = values[i]
    const text = v === null || v === undefined ? '' : typeof v === 'string' ? v : String(v)
    texts[i] = text
    bytes += Buffer.byteLength(text, 'utf8')
    valueOffsets[i + 1] = bytes
  }
  const data = Buffer.allocUnsafe(bytes)
  for (let i = 0; i < length; i++) data.write(texts[i] as string, valueOffsets[i] as number, 'utf8')
  return makeData({ type, length, nullCount: nulls, nullBitmap, valueOffsets, data })
}
