/**
 * Maps Dremio REST result schemas (reference §6.3) to Apache Arrow types, and JSON-encoded rows
 * (reference §6.4) to an Arrow `Table`: BIGINT as Int64, DECIMAL as Decimal128, DATE as
 * DateDay, TIME as TimeMillisecond, TIMESTAMP as TimestampMillisecond (UTC), VARBINARY from
 * base64, LIST and STRUCT nested. Types Arrow JS cannot build faithfully (MAP, INTERVAL, UNION)
 * become Utf8 holding the JSON text, so nothing is lost.
 */
import {
  Binary,
  Bool,
  type Builder,
  type DataType,
  DateDay,
  Decimal,
  Field,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  List,
  makeBuilder,
  Null,
  Struct,
  Table,
  TimeMillisecond,
  TimestampMillisecond,
  Utf8,
  type Vector,
} from 'apache-arrow'
import { DremioError } from './errors.js'
import type { DremioField, DremioType, Row } from './types.js'

/** Arrow type for a Dremio REST type. Unknown names map to Utf8 (JSON text). */
export function dremioTypeToArrow(type: DremioType): DataType {
  switch (type.name) {
    case 'BOOLEAN':
      return new Bool()
    case 'TINYINT':
      return new Int8()
    case 'SMALLINT':
      return new Int16()
    case 'INTEGER':
    case 'INT':
      return new Int32()
    case 'BIGINT':
      return new Int64()
    case 'FLOAT':
      return new Float32()
    case 'DOUBLE':
      return new Float64()
    case 'DECIMAL':
      return new Decimal(type.scale ?? 0, type.precision ?? 38, 128)
    case 'DATE':
      return new DateDay()
    case 'TIME':
      return new TimeMillisecond()
    case 'TIMESTAMP':
      return new TimestampMillisecond()
    case 'VARBINARY':
    case 'BINARY':
      return new Binary()
    case 'OTHER':
      return new Null()
    case 'LIST': {
      const child = type.subSchema?.[0]
      if (!child) return new Utf8()
      return new List(new Field('item', dremioTypeToArrow(child.type), true))
    }
    case 'STRUCT':
      return new Struct(
        (type.subSchema ?? []).map(
          (f, i) => new Field(f.name ?? `f${i}`, dremioTypeToArrow(f.type), true),
        ),
      )
    default:
      return new Utf8()
  }
}

/** Converts one JSON value to what the Arrow builder of `type` expects. */
function toArrowValue(type: DremioType, value: unknown): unknown {
  if (value === null || value === undefined) return null
  switch (type.name) {
    case 'BIGINT':
      return typeof value === 'bigint' ? value : BigInt(Math.trunc(Number(value)))
    case 'DECIMAL':
      return decimalWords(value, type.scale ?? 0)
    case 'DATE':
      return Date.parse(`${String(value)}T00:00:00Z`)
    case 'TIMESTAMP':
      return Date.parse(`${String(value).replace(' ', 'T')}Z`)
    case 'TIME':
      return timeMillis(String(value))
    case 'VARBINARY':
    case 'BINARY':
      return new Uint8Array(Buffer.from(String(value), 'base64'))
    case 'LIST': {
      const child = type.subSchema?.[0]
      if (!child) return JSON.stringify(value)
      return (value as unknown[]).map((v) => toArrowValue(child.type, v))
    }
    case 'STRUCT': {
      const out: Record<string, unknown> = {}
      const obj = value as Record<string, unknown>
      ;(type.subSchema ?? []).forEach((f, i) => {
        const name = f.name ?? `f${i}`
        out[name] = toArrowValue(f.type, obj[name])
      })
      return out
    }
    case 'BOOLEAN':
    case 'TINYINT':
    case 'SMALLINT':
    case 'INTEGER':
    case 'INT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'VARCHAR':
    case 'OTHER':
      return value
    default:
      return typeof value === 'string' ? value : JSON.stringify(value)
  }
}

function timeMillis(text: string): number {
  const m = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/.exec(text)
  if (!m)
    throw new DremioError('DF_DREMIO_PROTOCOL', `Cannot read TIME value ${JSON.stringify(text)}.`)
  const ms = Number((m[4] ?? '0').padEnd(3, '0').slice(0, 3))
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + ms
}

/**
 * Unscaled value of a decimal as 4 little-endian 32-bit words (two's complement), the layout of
 * Arrow's Decimal128. Parses the decimal text so `10.50` at scale 2 is exactly 1050.
 */
export function decimalWords(value: unknown, scale: number): Uint32Array {
  const text = typeof value === 'number' ? numberText(value) : String(value)
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text)
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) {
    throw new DremioError(
      'DF_DREMIO_PROTOCOL',
      `Cannot read DECIMAL value ${JSON.stringify(text)}.`,
    )
  }
  const frac = (m[3] ?? '').padEnd(scale, '0')
  // Round half away from zero when the server sent more digits than the scale.
  let unscaled = BigInt(`${m[2] || '0'}${frac.slice(0, scale)}` || '0')
  if (frac.length > scale && Number(frac[scale]) >= 5) unscaled += 1n
  if (m[1] === '-') unscaled = -unscaled
  const words = new Uint32Array(4)
  let v = BigInt.asUintN(128, unscaled)
  for (let i = 0; i < 4; i++) {
    words[i] = Number(v & 0xffffffffn)
    v >>= 32n
  }
  return words
}

// Dremio writes BigDecimal, which JSON.parse turns into a double; E-notation must be expanded.
function numberText(n: number): string {
  const s = String(n)
  if (!/e/i.test(s)) return s
  return n.toFixed(20).replace(/0+$/, '').replace(/\.$/, '')
}

/** Column builders for a results schema; feed rows with `append`, then `finish`. */
export class ArrowTableBuilder {
  readonly #fields: DremioField[]
  readonly #builders: Builder[]

  constructor(schema: DremioField[]) {
    this.#fields = schema
    this.#builders = schema.map((f) =>
      makeBuilder({ type: dremioTypeToArrow(f.type), nullValues: [null, undefined] }),
    )
  }

  /** Appends rows (objects keyed by column name, Dremio JSON encoding). */
  append(rows: readonly Row[]): void {
    const fields = this.#fields
    for (let c = 0; c < fields.length; c++) {
      const f = fields[c] as DremioField
      const b = this.#builders[c] as Builder
      const name = f.name ?? `f${c}`
      for (const row of rows) b.append(toArrowValue(f.type, row[name]))
    }
  }

  /** The finished table. */
  finish(): Table {
    const columns: Record<string, Vector> = {}
    this.#fields.forEach((f, i) => {
      columns[f.name ?? `f${i}`] = (this.#builders[i] as Builder).finish().toVector()
    })
    return new Table(columns)
  }
}
