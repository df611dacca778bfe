/**
 * Arrow record batches -> row objects with the values Dremio's REST results give (reference
 * §6.4, after `JSON.parse`), so `client.query(sql, { transport: 'flight' })` is a drop-in for the
 * REST rows: BIGINT and DECIMAL as numbers, DATE `YYYY-MM-DD`, TIME `HH:MM:SS.sss`, TIMESTAMP
 * `YYYY-MM-DD HH:MM:SS.sss` (UTC), VARBINARY base64, STRUCT without null children, MAP keyed by
 * the key's text. Values are read column by column from the Arrow vectors; no JSON is built.
 */
import { type DataType, type RecordBatch, Type, type Vector } from 'apache-arrow'
import type { Row } from '../types.js'

type Convert = (value: unknown) => unknown

/** The rows of one record batch. */
export function batchRows(batch: RecordBatch): Row[] {
  const fields = batch.schema.fields
  const rows: Row[] = new Array(batch.numRows)
  for (let r = 0; r < batch.numRows; r++) rows[r] = {}
  fields.forEach((field, c) => {
    const column = batch.getChildAt(c) as Vector
    const convert = converter(field.type)
    const name = field.name
    for (let r = 0; r < batch.numRows; r++) {
      const v = column.get(r)
      ;(rows[r] as Row)[name] = v === null || v === undefined ? null : convert(v)
    }
  })
  return rows
}

/** The REST value for a non-null Arrow value of `type`. */
export function converter(type: DataType): Convert {
  switch (type.typeId) {
    case Type.Int:
      return (v) => (typeof v === 'bigint' ? Number(v) : v)
    case Type.Float:
      return (type as unknown as { precision: number }).precision === 1 ? floatValue : doubleValue
    case Type.Decimal:
      return (v) => decimalNumber(v as Uint32Array, (type as unknown as { scale: number }).scale)
    case Type.Date:
      return (v) => new Date(v as number).toISOString().slice(0, 10)
    case Type.Time:
      return (v) => timeText(timeMillis(v, (type as unknown as { unit: number }).unit))
    case Type.Timestamp:
      return (v) => timestampText(v as number)
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return (v) =>
        Buffer.from(
          (v as Uint8Array).buffer,
          (v as Uint8Array).byteOffset,
          (v as Uint8Array).byteLength,
        ).toString('base64')
    case Type.Interval:
      return (v) => intervalText(v as Int32Array, (type as unknown as { unit: number }).unit)
    case Type.List:
    case Type.FixedSizeList: {
      const item = converter((type.children[0] as { type: DataType }).type)
      return (v) =>
        Array.from(v as Iterable<unknown>, (x) => (x === null || x === undefined ? null : item(x)))
    }
    case Type.Struct: {
      const parts = type.children.map((f) => [f.name, converter(f.type)] as const)
      return (v) => {
        const row = v as Record<string, unknown>
        const out: Row = {}
        // Dremio omits null children inside a STRUCT.
        for (const [name, convert] of parts) {
          const child = row[name]
          if (child !== null && child !== undefined) out[name] = convert(child)
        }
        return out
      }
    }
    case Type.Map: {
      const entry = (type.children[0] as { type: DataType }).type
      const value = converter((entry.children[1] as { type: DataType }).type)
      return (v) => {
        const out: Row = {}
        for (const [k, x] of v as Iterable<[unknown, unknown]>) {
          out[String(k)] = x === null || x === undefined ? null : value(x)
        }
        return out
      }
    }
    case Type.Null:
      return () => null
    default:
      // Utf8, Bool and anything else arrow-js already gives as a plain JS value.
      return (v) => (typeof v === 'bigint' ? Number(v) : v)
  }
}

function doubleValue(v: unknown): unknown {
  const n = v as number
  // Quoted like the emulator's REST results: JSON has no NaN or Infinity.
  return Number.isFinite(n) ? n : String(n)
}

/** A FLOAT as Java's `Float.toString` writes it: the shortest decimal that reads back the same. */
function floatValue(v: unknown): unknown {
  const n = v as number
  if (!Number.isFinite(n)) return String(n)
  for (let digits = 1; digits <= 9; digits++) {
    const shortest = Number(n.toPrecision(digits))
    if (Math.fround(shortest) === n) return shortest
  }
  return n
}

/** Decimal128 words (little-endian, two's complement) -> the number `JSON.parse` would give. */
export function decimalNumber(words: Uint32Array, scale: number): number {
  let unscaled = 0n
  for (let i = words.length - 1; i >= 0; i--)
    unscaled = (unscaled << 32n) | BigInt(words[i] as number)
  unscaled = BigInt.asIntN(words.length * 32, unscaled)
  const magnitude = unscaled < 0n ? -unscaled : unscaled
  // Both operands exact doubles: the IEEE quotient is the double nearest the decimal, as parsing.
  if (magnitude <= 2n ** 53n && scale <= 22) return Number(unscaled) / 10 ** scale
  const digits = magnitude.toString().padStart(scale + 1, '0')
  const text = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits
  return Number(unscaled < 0n ? `-${text}` : text)
}

// TimeUnit: SECOND 0, MILLISECOND 1, MICROSECOND 2, NANOSECOND 3.
function timeMillis(v: unknown, unit: number): number {
  const n = typeof v === 'bigint' ? Number(v) : (v as number)
  return unit === 0
    ? n * 1000
    : unit === 1
      ? n
      : unit === 2
        ? Math.floor(n / 1000)
        : Math.floor(n / 1e6)
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0')
}

function timeText(ms: number): string {
  const h = Math.floor(ms / 3_600_000)
  const m = Math.floor(ms / 60_000) % 60
  const s = Math.floor(ms / 1000) % 60
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(ms % 1000, 3)}`
}

function timestampText(ms: number): string {
  const iso = new Date(ms).toISOString()
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`
}

// IntervalUnit: YEAR_MONTH 0, DAY_TIME 1, MONTH_DAY_NANO 2.
function intervalText(v: Int32Array, unit: number): string {
  if (unit === 0) {
    // arrow-js reads YEAR_MONTH as [years, months].
    const months = (v[0] as number) * 12 + ((v[1] ?? 0) as number)
    const abs = Math.abs(months)
    return `${months < 0 ? '-' : '+'}${pad(Math.floor(abs / 12), 3)}-${pad(abs % 12, 2)}`
  }
  const total = (v[0] as number) * 86_400_000 + (v[1] as number)
  const abs = Math.abs(total)
  return `${total < 0 ? '-' : '+'}${pad(Math.floor(abs / 86_400_000), 3)} ${timeText(abs % 86_400_000)}`
}
