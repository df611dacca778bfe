/**
 * Typed watermark comparison: the watermark column's Dremio type decides the literal
 * (`TIMESTAMP '…'`, `DATE '…'`, an exact number, a quoted string), never `'<str(value)>'`.
 */
import { type DremioType, sqlLiteral } from '@df/client'
import { IncrementalError } from '../incremental-error.js'
import type { Watermark } from '../watermark-store.js'

/** How a watermark column compares. */
export type WatermarkKind = 'timestamp' | 'date' | 'integer' | 'decimal' | 'float' | 'string'

/** The kind of a watermark column from its Dremio type. */
export function watermarkKind(type: DremioType, column: string): WatermarkKind {
  switch (type.name) {
    case 'TIMESTAMP':
      return 'timestamp'
    case 'DATE':
      return 'date'
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'INTEGER':
    case 'BIGINT':
      return 'integer'
    case 'DECIMAL':
      return 'decimal'
    case 'FLOAT':
    case 'DOUBLE':
      return 'float'
    case 'VARCHAR':
    case 'CHAR':
      return 'string'
    default:
      throw new IncrementalError(
        'DF_INCREMENTAL_INVALID_INPUT',
        `Watermark column ${JSON.stringify(column)} is ${type.name}: use a TIMESTAMP, DATE, ` +
          'numeric or VARCHAR column.',
      )
  }
}

/** The stored type of a kind. */
export function storedType(kind: WatermarkKind): Watermark['type'] {
  if (kind === 'timestamp' || kind === 'date') return 'timestamp'
  return kind === 'string' ? 'string' : 'number'
}

const TS = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d{1,9})?Z?$/
const DATE = /^\d{4}-\d{2}-\d{2}$/
const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/

/**
 * Watermark text (as stored) from the MAX value Dremio returned: ISO for timestamps and dates,
 * Dremio's own decimal text for numbers (read as VARCHAR so no digit is lost), the string itself.
 */
export function toStoredValue(kind: WatermarkKind, value: unknown, text: unknown): string {
  const s = String(value)
  if (kind === 'timestamp' || kind === 'date') {
    const ms = kind === 'date' && DATE.test(s) ? Date.parse(`${s}T00:00:00Z`) : parseTs(s)
    if (Number.isNaN(ms)) throw unreadable(`the timestamp ${JSON.stringify(s)} is malformed`)
    return new Date(ms).toISOString()
  }
  if (kind === 'string') return s
  const t = String(text ?? value)
  if (!NUMBER.test(t)) throw unreadable(`the number ${JSON.stringify(t)} is malformed`)
  return t
}

function parseTs(s: string): number {
  const m = TS.exec(s)
  if (!m) return NaN
  return Date.parse(`${m[1]}T${m[2]}${(m[3] ?? '').slice(0, 4)}Z`)
}

function unreadable(why: string): IncrementalError {
  return new IncrementalError(
    'DF_INCREMENTAL_WATERMARK_UNREADABLE',
    `Cannot use the watermark: ${why}.`,
  )
}

/**
 * `column > <literal>` for a stored watermark value, `lookback` behind it (milliseconds for
 * timestamps and dates, units for numbers).
 */
export function watermarkLiteral(kind: WatermarkKind, stored: string, lookback = 0): string {
  switch (kind) {
    case 'timestamp':
    case 'date': {
      const ms = Date.parse(stored)
      if (Number.isNaN(ms))
        throw unreadable(`the stored timestamp ${JSON.stringify(stored)} is malformed`)
      return sqlLiteral(new Date(ms - lookback), kind === 'date' ? 'DATE' : 'TIMESTAMP')
    }
    case 'string':
      if (lookback !== 0) {
        throw new IncrementalError(
          'DF_INCREMENTAL_INVALID_INPUT',
          'lookback needs a timestamp, date or numeric watermark column.',
        )
      }
      return sqlLiteral(stored)
    default: {
      if (!NUMBER.test(stored))
        throw unreadable(`the stored number ${JSON.stringify(stored)} is malformed`)
      // Exact text for integers and decimals; a double compares as a double.
      const literal = kind === 'float' ? `CAST(${sqlLiteral(stored)} AS DOUBLE)` : stored
      return lookback === 0 ? literal : `(${literal} - ${sqlLiteral(lookback)})`
    }
  }
}
