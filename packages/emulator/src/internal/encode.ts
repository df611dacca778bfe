/**
 * DuckDB types and values -> Dremio's REST result format (reference §6.3-6.4): the schema as
 * `{name, type: {name, precision?, scale?, subSchema?}}` and each value as the JSON text Dremio's
 * serializer writes (numbers as numbers, DECIMAL with its scale, TIMESTAMP as
 * `YYYY-MM-DD HH:MM:SS.sss` in UTC, VARBINARY as base64, STRUCT without null children).
 * Encoders return JSON text, so a page is assembled by string concatenation, never re-parsed.
 */
import {
  type DuckDBBlobValue,
  type DuckDBDateValue,
  type DuckDBDecimalValue,
  type DuckDBIntervalValue,
  type DuckDBListValue,
  type DuckDBMapValue,
  type DuckDBStructValue,
  type DuckDBTimeValue,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
} from '@duckdb/node-api'

/** Dremio's field description, as in job results and catalog `fields`. */
export interface DremioField {
  name?: string
  type: DremioType
}

export interface DremioType {
  name: string
  precision?: number
  scale?: number
  subSchema?: DremioField[]
}

/** Encodes one non-null value as JSON text. */
export type Encoder = (value: DuckDBValue) => string

/** The Dremio type of a DuckDB type. */
export function dremioType(type: DuckDBType): DremioType {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return { name: 'BOOLEAN' }
    case DuckDBTypeId.TINYINT:
      return { name: 'TINYINT' }
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.UTINYINT:
      return { name: 'SMALLINT' }
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.USMALLINT:
      return { name: 'INTEGER' }
    // DuckDB widens SUM(BIGINT) to HUGEINT; Dremio answers BIGINT for the same query.
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return { name: 'BIGINT' }
    case DuckDBTypeId.FLOAT:
      return { name: 'FLOAT' }
    case DuckDBTypeId.DOUBLE:
      return { name: 'DOUBLE' }
    case DuckDBTypeId.DECIMAL:
      return { name: 'DECIMAL', precision: type.width, scale: type.scale }
    case DuckDBTypeId.BLOB:
      return { name: 'VARBINARY' }
    case DuckDBTypeId.DATE:
      return { name: 'DATE' }
    case DuckDBTypeId.TIME:
    case DuckDBTypeId.TIME_NS:
    case DuckDBTypeId.TIME_TZ:
      return { name: 'TIME' }
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return { name: 'TIMESTAMP' }
    case DuckDBTypeId.INTERVAL:
      return { name: 'INTERVAL DAY TO SECOND' }
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return { name: 'LIST', subSchema: [{ type: dremioType(type.valueType) }] }
    case DuckDBTypeId.STRUCT:
      return {
        name: 'STRUCT',
        subSchema: type.entryNames.map((name, i) => ({
          name,
          type: dremioType(type.entryTypes[i] as DuckDBType),
        })),
      }
    case DuckDBTypeId.MAP:
      return {
        name: 'MAP',
        subSchema: [
          {
            type: {
              name: 'STRUCT',
              subSchema: [
                { name: 'key', type: dremioType(type.keyType) },
                { name: 'value', type: dremioType(type.valueType) },
              ],
            },
          },
        ],
      }
    case DuckDBTypeId.SQLNULL:
      return { name: 'OTHER' }
    default:
      // VARCHAR, ENUM, UUID, BIT and anything exotic are served as text.
      return { name: 'VARCHAR' }
  }
}

/** Builds the encoder for one column type. */
export function encoderFor(type: DuckDBType): Encoder {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return (v) => (v ? 'true' : 'false')
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return (v) => String(v)
    case DuckDBTypeId.FLOAT:
      // Java's Float.toString (and DuckDB's CAST on the fast path): the shortest decimal that
      // reads back as the same float, `1.26` rather than the double `1.2599999904632568`.
      return (v) =>
        Number.isFinite(v) ? String(shortestFloat(v as number)) : JSON.stringify(String(v))
    case DuckDBTypeId.DOUBLE:
      // Jackson writes NaN/Infinity as bare tokens (not JSON); quote them so clients can parse.
      return (v) => (Number.isFinite(v) ? String(v) : JSON.stringify(String(v)))
    case DuckDBTypeId.DECIMAL:
      return (v) => decimalText(v as DuckDBDecimalValue)
    case DuckDBTypeId.BLOB:
      return (v) => `"${Buffer.from((v as DuckDBBlobValue).bytes).toString('base64')}"`
    case DuckDBTypeId.DATE:
      return (v) => `"${dateText((v as DuckDBDateValue).days)}"`
    case DuckDBTypeId.TIME:
      return (v) => `"${timeText((v as DuckDBTimeValue).micros / 1000n)}"`
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return (v) => `"${timestampText(floorDiv((v as { micros: bigint }).micros, 1000n))}"`
    case DuckDBTypeId.TIMESTAMP_MS:
      return (v) => `"${timestampText((v as { millis: bigint }).millis)}"`
    case DuckDBTypeId.TIMESTAMP_S:
      return (v) => `"${timestampText((v as { seconds: bigint }).seconds * 1000n)}"`
    case DuckDBTypeId.TIMESTAMP_NS:
      return (v) => `"${timestampText(floorDiv((v as { nanos: bigint }).nanos, 1000000n))}"`
    case DuckDBTypeId.INTERVAL:
      return (v) => `"${intervalText(v as DuckDBIntervalValue)}"`
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY: {
      const item = nullable(encoderFor(type.valueType))
      return (v) => `[${(v as DuckDBListValue).items.map(item).join(',')}]`
    }
    case DuckDBTypeId.STRUCT: {
      const parts = type.entryNames.map(
        (name, i) =>
          [name, JSON.stringify(name), encoderFor(type.entryTypes[i] as DuckDBType)] as const,
      )
      return (v) => {
        const entries = (v as DuckDBStructValue).entries
        const out: string[] = []
        for (const [name, key, enc] of parts) {
          const child = entries[name]
          // Dremio omits null children inside a STRUCT (top-level nulls stay explicit).
          if (child !== null && child !== undefined) out.push(`${key}:${enc(child)}`)
        }
        return `{${out.join(',')}}`
      }
    }
    case DuckDBTypeId.MAP: {
      const value = nullable(encoderFor(type.valueType))
      return (v) =>
        `{${(v as DuckDBMapValue).entries
          .map((e) => `${JSON.stringify(String(e.key))}:${value(e.value)}`)
          .join(',')}}`
    }
    case DuckDBTypeId.SQLNULL:
      return () => 'null'
    default:
      return (v) => JSON.stringify(typeof v === 'string' ? v : String(v))
  }
}

/** Makes column names unique (`a`, `a_1`, …) so rows can be JSON objects keyed by name. */
export function dedupe(names: readonly string[]): string[] {
  const seen = new Map<string, number>()
  return names.map((name) => {
    const n = seen.get(name) ?? 0
    seen.set(name, n + 1)
    return n === 0 ? name : `${name}_${n}`
  })
}

/** Wraps an encoder so that null becomes `null`. */
export function nullable(enc: Encoder): (v: DuckDBValue) => string {
  return (v) => (v === null || v === undefined ? 'null' : enc(v))
}

function shortestFloat(n: number): number {
  for (let digits = 1; digits < 9; digits++) {
    const shortest = Number(n.toPrecision(digits))
    if (Math.fround(shortest) === n) return shortest
  }
  return n
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b
  return a % b !== 0n && a < 0n ? q - 1n : q
}

function decimalText(v: DuckDBDecimalValue): string {
  if (v.scale === 0) return v.value.toString()
  const negative = v.value < 0n
  const digits = (negative ? -v.value : v.value).toString().padStart(v.scale + 1, '0')
  const text = `${digits.slice(0, -v.scale)}.${digits.slice(-v.scale)}`
  return negative ? `-${text}` : text
}

const DAY_MS = 86_400_000

/** `YYYY-MM-DD` for days since the epoch. */
export function dateText(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10)
}

function timeText(ms: bigint): string {
  const total = Number(ms)
  const h = Math.floor(total / 3_600_000)
  const m = Math.floor(total / 60_000) % 60
  const s = Math.floor(total / 1000) % 60
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(total % 1000, 3)}`
}

/** `YYYY-MM-DD HH:MM:SS.sss` (UTC, no `T`, no zone), Dremio's TIMESTAMP text. */
export function timestampText(ms: bigint): string {
  const iso = new Date(Number(ms)).toISOString()
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`
}

function intervalText(v: DuckDBIntervalValue): string {
  const totalMs = BigInt(v.months * 30 + v.days) * 86_400_000n + floorDiv(v.micros, 1000n)
  const sign = totalMs < 0n ? '-' : '+'
  const abs = Number(totalMs < 0n ? -totalMs : totalMs)
  const days = Math.floor(abs / DAY_MS)
  return `${sign}${pad(days, 3)} ${timeText(BigInt(abs % DAY_MS))}`
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0')
}
