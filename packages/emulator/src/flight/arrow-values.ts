/**
 * One DuckDB value -> what apache-arrow's builder for the Flight column type expects: epoch
 * milliseconds for DATE/TIME/TIMESTAMP (UTC), Decimal128 words, `[days, ms]` intervals, bytes,
 * and nested LIST/STRUCT/MAP values recursively.
 */
import {
  type DuckDBBlobValue,
  type DuckDBDateValue,
  type DuckDBDecimalValue,
  type DuckDBIntervalValue,
  type DuckDBListValue,
  type DuckDBMapValue,
  type DuckDBStructValue,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
} from '@duckdb/node-api'
import { type DataType, Type } from 'apache-arrow'

const DAY_MS = 86_400_000

/** Converts a DuckDB value (`null` stays null) for the builder of `type`. */
export function toArrowValue(type: DataType, duck: DuckDBType, value: DuckDBValue): unknown {
  if (value === null || value === undefined) return null
  switch (type.typeId) {
    case Type.Int:
      return (type as unknown as { bitWidth: number }).bitWidth === 64
        ? BigInt.asIntN(64, BigInt(value as bigint | number))
        : Number(value)
    case Type.Float:
      return Number(value)
    case Type.Bool:
      return value === true
    case Type.Decimal:
      return decimalWords((value as DuckDBDecimalValue).value)
    case Type.Binary:
      return (value as DuckDBBlobValue).bytes
    case Type.Date:
      return (value as DuckDBDateValue).days * DAY_MS
    case Type.Time:
      return timeMillis(duck, value)
    case Type.Timestamp:
      return timestampMillis(duck, value)
    case Type.Interval: {
      const v = value as DuckDBIntervalValue
      return new Int32Array([v.months * 30 + v.days, Number(v.micros / 1000n)])
    }
    case Type.List: {
      const child = type.children[0]?.type as DataType
      const item = 'valueType' in duck ? (duck.valueType as DuckDBType) : duck
      return (value as DuckDBListValue).items.map((v) => toArrowValue(child, item, v))
    }
    case Type.Struct: {
      if (duck.typeId !== DuckDBTypeId.STRUCT) return null
      const entries = (value as DuckDBStructValue).entries
      const out: Record<string, unknown> = {}
      type.children.forEach((f, i) => {
        const name = duck.entryNames[i] as string
        out[f.name] = toArrowValue(f.type, duck.entryTypes[i] as DuckDBType, entries[name] ?? null)
      })
      return out
    }
    case Type.Map: {
      if (duck.typeId !== DuckDBTypeId.MAP) return null
      const entry = type.children[0]?.type as DataType
      const [k, v] = entry.children.map((f) => f.type) as [DataType, DataType]
      return new Map(
        (value as DuckDBMapValue).entries.map((e) => [
          toArrowValue(k, duck.keyType, e.key),
          toArrowValue(v, duck.valueType, e.value),
        ]),
      )
    }
    case Type.Null:
      return null
    default:
      return typeof value === 'string' ? value : String(value)
  }
}

/** Unscaled decimal -> 4 little-endian 32-bit words (Arrow Decimal128, two's complement). */
function decimalWords(unscaled: bigint): Uint32Array {
  const words = new Uint32Array(4)
  let v = BigInt.asUintN(128, unscaled)
  for (let i = 0; i < 4; i++) {
    words[i] = Number(v & 0xffffffffn)
    v >>= 32n
  }
  return words
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b
  return a % b !== 0n && a < 0n ? q - 1n : q
}

function timeMillis(duck: DuckDBType, value: DuckDBValue): number {
  const v = value as { micros?: bigint; nanos?: bigint }
  if (duck.typeId === DuckDBTypeId.TIME_NS && v.nanos !== undefined)
    return Number(v.nanos / 1_000_000n)
  return Number((v.micros ?? 0n) / 1000n)
}

function timestampMillis(duck: DuckDBType, value: DuckDBValue): number {
  const v = value as { micros?: bigint; millis?: bigint; seconds?: bigint; nanos?: bigint }
  switch (duck.typeId) {
    case DuckDBTypeId.TIMESTAMP_MS:
      return Number(v.millis)
    case DuckDBTypeId.TIMESTAMP_S:
      return Number((v.seconds as bigint) * 1000n)
    case DuckDBTypeId.TIMESTAMP_NS:
      return Number(floorDiv(v.nanos as bigint, 1_000_000n))
    default:
      return Number(floorDiv(v.micros as bigint, 1000n))
  }
}
