/**
 * Column types of a load: Arrow types mapped to Dremio (Iceberg) column types with precision kept
 * (`DECIMAL(p,s)`, not the original's bare `DECIMAL`), the DDL text of each type, the Arrow type a
 * row column is built as, and type inference for plain row objects.
 */
import {
  Binary,
  Bool,
  type DataType,
  DateDay,
  Decimal,
  type Field,
  Float32,
  Float64,
  Int32,
  Int64,
  type Schema,
  TimeMillisecond,
  TimestampMillisecond,
  Type,
  Utf8,
} from 'apache-arrow'
import { quoteIdentifier } from '../sql.js'
import { DremioLoadError } from './load-error.js'

/** A Dremio column type a load can create and fill. */
export type LoadColumnType =
  | { kind: 'BOOLEAN' | 'INT' | 'BIGINT' | 'FLOAT' | 'DOUBLE' | 'VARCHAR' | 'VARBINARY' }
  | { kind: 'DATE' | 'TIME' | 'TIMESTAMP' }
  | { kind: 'DECIMAL'; precision: number; scale: number }

/** One column of a load: its name and Dremio type. */
export interface LoadColumn {
  name: string
  type: LoadColumnType
}

/** DDL text of a column type, e.g. `DECIMAL(12,2)`. */
export function columnTypeSql(type: LoadColumnType): string {
  return type.kind === 'DECIMAL' ? `DECIMAL(${type.precision},${type.scale})` : type.kind
}

/** `"name" TYPE, …` for `CREATE TABLE t (…)`. */
export function columnDefinitions(columns: readonly LoadColumn[]): string {
  return columns.map((c) => `${quoteIdentifier(c.name)} ${columnTypeSql(c.type)}`).join(', ')
}

/**
 * Dremio type for an Arrow type. Integers up to 32 bits (and unsigned up to 16) are INT, wider
 * ones BIGINT; every date is DATE, every timestamp TIMESTAMP (Dremio stores milliseconds).
 * @throws DremioLoadError `DF_LOAD_INVALID_INPUT` for types Dremio tables cannot hold as loaded
 * (uint64, nested types, intervals…): cast them first.
 */
export function arrowToColumnType(type: DataType, column: string): LoadColumnType {
  switch (type.typeId) {
    case Type.Bool:
      return { kind: 'BOOLEAN' }
    case Type.Int: {
      const t = type as unknown as { bitWidth: number; isSigned: boolean }
      if (t.bitWidth < 32 || (t.isSigned && t.bitWidth === 32)) return { kind: 'INT' }
      if (t.isSigned || t.bitWidth === 32) return { kind: 'BIGINT' }
      break
    }
    case Type.Float: {
      const precision = (type as unknown as { precision: number }).precision
      return { kind: precision === 2 ? 'DOUBLE' : 'FLOAT' }
    }
    case Type.Utf8:
    case Type.LargeUtf8:
      return { kind: 'VARCHAR' }
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return { kind: 'VARBINARY' }
    case Type.Date:
      return { kind: 'DATE' }
    case Type.Time:
      return { kind: 'TIME' }
    case Type.Timestamp:
      return { kind: 'TIMESTAMP' }
    case Type.Decimal: {
      const d = type as unknown as { precision: number; scale: number }
      if (d.precision <= 38) return { kind: 'DECIMAL', precision: d.precision, scale: d.scale }
      break
    }
    case Type.Dictionary:
      return arrowToColumnType((type as unknown as { dictionary: DataType }).dictionary, column)
  }
  throw new DremioLoadError(
    'DF_LOAD_INVALID_INPUT',
    `Column ${JSON.stringify(column)} has Arrow type ${String(type)}, which a load cannot write ` +
      'to a Dremio table: cast it (e.g. to Int64, Decimal or Utf8) first.',
    { column },
  )
}

/** Columns of an Arrow schema. */
export function columnsOfSchema(schema: Schema): LoadColumn[] {
  return schema.fields.map((f: Field) => ({
    name: f.name,
    type: arrowToColumnType(f.type, f.name),
  }))
}

/** The Arrow type a row column is built as for Parquet staging. */
export function arrowTypeOf(type: LoadColumnType): DataType {
  switch (type.kind) {
    case 'BOOLEAN':
      return new Bool()
    case 'INT':
      return new Int32()
    case 'BIGINT':
      return new Int64()
    case 'FLOAT':
      return new Float32()
    case 'DOUBLE':
      return new Float64()
    case 'VARCHAR':
      return new Utf8()
    case 'VARBINARY':
      return new Binary()
    case 'DATE':
      return new DateDay()
    case 'TIME':
      return new TimeMillisecond()
    case 'TIMESTAMP':
      return new TimestampMillisecond()
    case 'DECIMAL':
      return new Decimal(type.scale, type.precision, 128)
  }
}

/**
 * Infers column types from row objects: the union of keys in first-seen order; integers (all of
 * them in the sample) are BIGINT, other numbers DOUBLE, `bigint` BIGINT, `Date` TIMESTAMP,
 * `Uint8Array` VARBINARY, strings VARCHAR, booleans BOOLEAN, all-null VARCHAR. Decimals, DATE and
 * INT need an explicit Arrow schema (`types` option) because JavaScript values cannot say so.
 * @throws DremioLoadError `DF_LOAD_INVALID_DATA` when a column mixes kinds.
 */
export function inferColumns(rows: readonly Record<string, unknown>[], offset = 0): LoadColumn[] {
  const kinds = new Map<string, { kind?: LoadColumnType['kind']; row: number }>()
  rows.forEach((row, i) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw new DremioLoadError('DF_LOAD_INVALID_DATA', `Row ${offset + i} is not an object.`, {
        rowIndex: offset + i,
      })
    }
    for (const key of Object.keys(row)) {
      const seen = kinds.get(key) ?? { row: offset + i }
      kinds.set(key, seen)
      const kind = kindOf(row[key])
      if (kind === undefined) continue
      if (kind === 'unsupported') {
        throw new DremioLoadError(
          'DF_LOAD_INVALID_DATA',
          `Row ${offset + i}, column ${JSON.stringify(key)}: a ${describe(row[key])} cannot be ` +
            'loaded (numbers, bigints, strings, booleans, Dates, Uint8Arrays and null can).',
          { rowIndex: offset + i, column: key },
        )
      }
      const merged = merge(seen.kind, kind)
      if (merged === undefined) {
        throw new DremioLoadError(
          'DF_LOAD_INVALID_DATA',
          `Row ${offset + i}, column ${JSON.stringify(key)}: a ${kind} value in a column of ` +
            `${seen.kind} values. Pass an Arrow schema as \`types\` to say what the column is.`,
          { rowIndex: offset + i, column: key },
        )
      }
      seen.kind = merged
    }
  })
  if (kinds.size === 0) {
    throw new DremioLoadError('DF_LOAD_INVALID_INPUT', 'The rows have no columns.')
  }
  return [...kinds].map(([name, k]) => ({
    name,
    type: { kind: k.kind ?? 'VARCHAR' } as LoadColumnType,
  }))
}

/** A short description of a JavaScript value's type, for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null'
  if (typeof v !== 'object') return typeof v
  return (v as object).constructor?.name ?? 'object'
}

function kindOf(v: unknown): LoadColumnType['kind'] | 'unsupported' | undefined {
  if (v === null || v === undefined) return undefined
  if (typeof v === 'number') return Number.isInteger(v) ? 'BIGINT' : 'DOUBLE'
  if (typeof v === 'bigint') return 'BIGINT'
  if (typeof v === 'string') return 'VARCHAR'
  if (typeof v === 'boolean') return 'BOOLEAN'
  if (v instanceof Date) return 'TIMESTAMP'
  if (v instanceof Uint8Array) return 'VARBINARY'
  return 'unsupported'
}

function merge(
  a: LoadColumnType['kind'] | undefined,
  b: LoadColumnType['kind'],
): LoadColumnType['kind'] | undefined {
  if (a === undefined || a === b) return b
  // 1, 2.5 in one column is a DOUBLE column.
  if ((a === 'BIGINT' && b === 'DOUBLE') || (a === 'DOUBLE' && b === 'BIGINT')) return 'DOUBLE'
  return undefined
}
