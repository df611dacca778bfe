/**
 * Values of a load, normalized per column type so the VALUES renderer and the Parquet builder
 * see the same thing: INT/FLOAT/DOUBLE `number`, BIGINT `bigint`, DECIMAL canonical text with
 * exactly `scale` fraction digits, DATE/TIMESTAMP/TIME milliseconds (UTC), VARCHAR `string`,
 * VARBINARY `Uint8Array`. Anything that would change a value (a fraction in an integer column,
 * digits beyond a decimal's scale, NaN) is rejected, never rounded.
 */
import { type DataType, Type } from 'apache-arrow'
import { sqlLiteral } from '../sql.js'
import { describe, type LoadColumnType } from './column-types.js'

/** A normalized value (see the file header); `null` for SQL NULL. */
export type NormalValue = boolean | number | bigint | string | Uint8Array | null

/** Thrown by {@link coerceValue}; the caller adds row and column. */
export class ValueError extends Error {}

const INT32_MIN = -2147483648
const INT32_MAX = 2147483647
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/
const TIMESTAMP_RE = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,3}))?Z?$/
const TIME_RE = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/
const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?$/
const DAY_MS = 86_400_000

/** Normalizes a JavaScript value for a column type. @throws ValueError when it does not fit. */
export function coerceValue(v: unknown, type: LoadColumnType): NormalValue {
  if (v === null || v === undefined) return null
  switch (type.kind) {
    case 'BOOLEAN':
      if (typeof v === 'boolean') return v
      break
    case 'INT':
      if ((typeof v === 'number' || typeof v === 'bigint') && isInt(v, INT32_MIN, INT32_MAX))
        return Number(v)
      break
    case 'BIGINT':
      if (typeof v === 'bigint' && BigInt.asIntN(64, v) === v) return v
      if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v)
      if (typeof v === 'number' && Number.isInteger(v))
        throw new ValueError(`${v} is beyond 2^53 and may have lost digits: pass a bigint`)
      break
    case 'FLOAT':
    case 'DOUBLE':
      if (typeof v === 'number' && Number.isFinite(v)) return v
      if (typeof v === 'number') throw new ValueError(`${v} cannot be stored`)
      break
    case 'VARCHAR':
      if (typeof v === 'string') {
        if (v.includes('\u0000')) throw new ValueError('a string with a NUL character')
        return v
      }
      break
    case 'VARBINARY':
      if (v instanceof Uint8Array) return v
      break
    case 'DECIMAL':
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint')
        return decimalText(v, type.precision, type.scale)
      break
    case 'DATE': {
      const ms = v instanceof Date ? v.getTime() : typeof v === 'string' ? parseDate(v) : NaN
      if (Number.isNaN(ms)) break
      if (ms % DAY_MS !== 0) throw new ValueError(`${show(v)} is not a date at midnight UTC`)
      return ms
    }
    case 'TIMESTAMP': {
      const ms = v instanceof Date ? v.getTime() : typeof v === 'string' ? parseTimestamp(v) : NaN
      if (!Number.isNaN(ms)) return ms
      break
    }
    case 'TIME':
      if (typeof v === 'string') {
        const m = TIME_RE.exec(v)
        if (m) return ((+m[1]! * 60 + +m[2]!) * 60 + +m[3]!) * 1000 + +(m[4] ?? '').padEnd(3, '0')
      }
      break
  }
  throw new ValueError(`a ${describe(v)} (${show(v)}) does not fit a ${type.kind} column`)
}

function isInt(v: number | bigint, min: number, max: number): boolean {
  return typeof v === 'bigint'
    ? v >= BigInt(min) && v <= BigInt(max)
    : Number.isInteger(v) && v >= min && v <= max
}

function parseDate(s: string): number {
  return DATE_RE.test(s) ? Date.parse(`${s}T00:00:00Z`) : NaN
}

function parseTimestamp(s: string): number {
  const m = TIMESTAMP_RE.exec(s)
  return m ? Date.parse(`${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(3, '0')}Z`) : NaN
}

function show(v: unknown): string {
  const text = typeof v === 'string' ? JSON.stringify(v) : String(v)
  return text.length > 60 ? `${text.slice(0, 59)}…` : text
}

/** Canonical decimal text with exactly `scale` fraction digits; rejects lost digits. */
export function decimalText(v: string | number | bigint, precision: number, scale: number): string {
  const text = typeof v === 'string' ? v.trim() : String(v)
  const m = DECIMAL_RE.exec(text)
  if (!m || (m[2] === '' && (m[3] ?? '') === '') || /e/i.test(text)) {
    throw new ValueError(`${show(v)} is not a decimal number (pass large or tiny ones as strings)`)
  }
  const intDigits = (m[2] ?? '').replace(/^0+/, '')
  const rawFrac = m[3] ?? ''
  if (rawFrac.length > scale && /[^0]/.test(rawFrac.slice(scale))) {
    throw new ValueError(`${show(v)} has more than ${scale} fraction digits`)
  }
  if (intDigits.length > precision - scale) {
    throw new ValueError(`${show(v)} does not fit DECIMAL(${precision},${scale})`)
  }
  const frac = rawFrac.slice(0, scale).padEnd(scale, '0')
  const negative = m[1] === '-' && /[^0]/.test(intDigits + frac)
  return `${negative ? '-' : ''}${intDigits || '0'}${scale > 0 ? `.${frac}` : ''}`
}

/** Decimal128 words (little-endian uint32) at `scale` as canonical text. */
export function decimalFromWords(words: Uint32Array, scale: number): string {
  let v = 0n
  for (let i = words.length - 1; i >= 0; i--) v = (v << 32n) | BigInt(words[i] ?? 0)
  v = BigInt.asIntN(words.length * 32, v)
  const negative = v < 0n
  const digits = (negative ? -v : v).toString().padStart(scale + 1, '0')
  const int = digits.slice(0, digits.length - scale)
  const frac = scale > 0 ? `.${digits.slice(digits.length - scale)}` : ''
  return `${negative ? '-' : ''}${int}${frac}`
}

const UNIT_TO_MS = [1000, 1, 1e-3, 1e-6]

/** Normalizes a value read from an Arrow vector of `type` (`vector.get(i)`). */
export function arrowValue(v: unknown, type: DataType, column: LoadColumnType): NormalValue {
  if (v === null || v === undefined) return null
  switch (type.typeId) {
    case Type.Dictionary:
      return arrowValue(v, (type as unknown as { dictionary: DataType }).dictionary, column)
    case Type.Int:
      return column.kind === 'BIGINT' ? BigInt(v as number | bigint) : Number(v)
    case Type.Decimal:
      return decimalFromWords(v as Uint32Array, (type as unknown as { scale: number }).scale)
    case Type.Timestamp:
    case Type.Time: {
      const unit = (type as unknown as { unit: number }).unit
      return Math.floor(Number(v) * (UNIT_TO_MS[unit] ?? 1))
    }
    case Type.Date:
      return Number(v)
    default:
      return v as NormalValue
  }
}

/** The SQL literal of a normalized value, typed for its column. */
export function literalOf(v: NormalValue, type: LoadColumnType): string {
  if (v === null) return 'NULL'
  switch (type.kind) {
    case 'DATE':
      return sqlLiteral(new Date(v as number), 'DATE')
    case 'TIMESTAMP':
      return sqlLiteral(new Date(v as number))
    case 'TIME':
      return `TIME '${new Date(v as number).toISOString().slice(11, 23)}'`
    case 'DECIMAL':
      return v as string
    case 'INT':
    case 'BIGINT':
      return String(v)
    default:
      return sqlLiteral(v as string | number | boolean | Uint8Array)
  }
}
