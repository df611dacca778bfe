/**
 * SQL building helpers every `@df` package uses: Dremio identifier quoting, a dotted-path parser
 * that understands quoted segments, typed literals, and the `sql` tagged template.
 * Every helper either produces SQL that means exactly its input, or throws
 * `DF_DREMIO_INVALID_SQL_INPUT`: nothing is silently dropped or reinterpreted.
 */
import { DremioError } from './errors.js'

function invalid(message: string): DremioError {
  return new DremioError('DF_DREMIO_INVALID_SQL_INPUT', message)
}

// Control characters have no business in identifiers and would hide what a statement does.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to detect them
const CONTROL = /[\u0000-\u001f\u007f]/

/**
 * Quotes one identifier segment the Dremio way: wrapped in double quotes, inner quotes doubled.
 * @throws DremioError `DF_DREMIO_INVALID_SQL_INPUT` for an empty segment or control characters.
 * @example quoteIdentifier('my "x"') // => '"my ""x"""'
 */
export function quoteIdentifier(segment: string): string {
  if (typeof segment !== 'string' || segment.length === 0) {
    throw invalid('An identifier segment must be a non-empty string.')
  }
  if (CONTROL.test(segment)) {
    throw invalid(`Identifier segment ${JSON.stringify(segment)} contains a control character.`)
  }
  return `"${segment.replaceAll('"', '""')}"`
}

/**
 * Quotes a whole path: `['my space', 'folder', 't']` → `"my space"."folder"."t"`.
 * A string is first parsed with {@link parsePath}.
 */
export function quotePath(path: readonly string[] | string): string {
  const segments = typeof path === 'string' ? parsePath(path) : path
  if (segments.length === 0) throw invalid('A path needs at least one segment.')
  return segments.map(quoteIdentifier).join('.')
}

// Unquoted segments: letters, digits, `_`, `$`, `@` (home spaces) and `-`. Anything else
// (spaces, quotes, `;`, parentheses…) must be quoted, so it cannot smuggle in SQL.
const BARE_SEGMENT = /^[\p{L}\p{N}_$@-]+$/u

/**
 * Parses a dotted path where segments may be double-quoted: `"a.b".c` → `['a.b', 'c']`,
 * `"say ""hi""".t` → `['say "hi"', 't']`. An array is returned as a copy after validation.
 * @throws DremioError `DF_DREMIO_INVALID_SQL_INPUT` for empty segments, unbalanced quotes, or
 * unquoted segments with characters other than letters, digits, `_`, `$`, `@`, `-`.
 */
export function parsePath(dotted: string | readonly string[]): string[] {
  if (Array.isArray(dotted)) {
    for (const s of dotted) quoteIdentifier(s)
    return [...dotted]
  }
  if (typeof dotted !== 'string' || dotted.trim() === '') throw invalid('A path must be non-empty.')
  const text = dotted as string
  const out: string[] = []
  let i = 0
  for (;;) {
    if (text[i] === '"') {
      let seg = ''
      i++
      for (;;) {
        if (i >= text.length) throw invalid(`Unterminated quoted segment in path ${show(text)}.`)
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            seg += '"'
            i += 2
            continue
          }
          i++
          break
        }
        seg += text[i]
        i++
      }
      quoteIdentifier(seg)
      out.push(seg)
    } else {
      let end = text.indexOf('.', i)
      if (end === -1) end = text.length
      const seg = text.slice(i, end)
      if (!BARE_SEGMENT.test(seg)) {
        throw invalid(
          `Path ${show(text)} has a malformed segment ${show(seg)}: quote segments that contain ` +
            'anything but letters, digits, _, $, @ or -.',
        )
      }
      out.push(seg)
      i = end
    }
    if (i === text.length) return out
    if (text[i] !== '.') throw invalid(`Expected "." after a quoted segment in path ${show(text)}.`)
    i++
    if (i === text.length) throw invalid(`Path ${show(text)} ends with an empty segment.`)
  }
}

function show(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 79)}…` : s)
}

/** Types {@link sqlLiteral} can render a value as. */
export type SqlLiteralType =
  | 'VARCHAR'
  | 'BOOLEAN'
  | 'INTEGER'
  | 'BIGINT'
  | 'DOUBLE'
  | 'DECIMAL'
  | 'DATE'
  | 'TIME'
  | 'TIMESTAMP'
  | 'VARBINARY'

/** Values {@link sqlLiteral} accepts. */
export type SqlValue = string | number | bigint | boolean | Date | Uint8Array | null | undefined

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/
const TIME_RE = /^\d{2}:\d{2}:\d{2}(\.\d{1,9})?$/
const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,9})?$/
const DECIMAL_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)$/

/**
 * Renders a value as a Dremio SQL literal: `NULL`, `TRUE`, `'it''s'`, `DATE '2024-05-01'`,
 * `TIMESTAMP '2024-05-01 09:15:00.000'` (a `Date` is rendered in UTC), `X'00ff'`, numbers and
 * bigints as digits. `type` forces a rendering, e.g. a decimal string as `12.50`.
 * @throws DremioError `DF_DREMIO_INVALID_SQL_INPUT` for NaN/Infinity, malformed dates or decimals,
 * or a value that does not fit `type`.
 * @example sqlLiteral("O'Hara") // => "'O''Hara'"
 */
export function sqlLiteral(value: SqlValue, type?: SqlLiteralType): string {
  if (value === null || value === undefined) return 'NULL'
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw invalid('Invalid Date cannot be a SQL literal.')
    const iso = value.toISOString()
    if (type === 'DATE') return `DATE '${iso.slice(0, 10)}'`
    if (type !== undefined && type !== 'TIMESTAMP') throw mismatch(type, 'Date')
    return `TIMESTAMP '${iso.slice(0, 10)} ${iso.slice(11, 23)}'`
  }
  if (value instanceof Uint8Array) {
    if (type !== undefined && type !== 'VARBINARY') throw mismatch(type, 'Uint8Array')
    return `X'${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}'`
  }
  switch (typeof value) {
    case 'boolean':
      if (type !== undefined && type !== 'BOOLEAN') throw mismatch(type, 'boolean')
      return value ? 'TRUE' : 'FALSE'
    case 'bigint':
      return numeric(value.toString(), type)
    case 'number':
      if (!Number.isFinite(value)) throw invalid(`${value} cannot be a SQL literal.`)
      return numeric(String(value), type)
    case 'string':
      return stringLiteral(value, type)
    default:
      throw invalid(`A ${typeof value} cannot be a SQL literal.`)
  }
}

function mismatch(type: SqlLiteralType, what: string): DremioError {
  return invalid(`A ${what} cannot be rendered as a ${type} literal.`)
}

function numeric(digits: string, type: SqlLiteralType | undefined): string {
  if (type === 'VARCHAR') return quoteString(digits)
  if (type !== undefined && !['INTEGER', 'BIGINT', 'DOUBLE', 'DECIMAL'].includes(type)) {
    throw mismatch(type, 'number')
  }
  if ((type === 'INTEGER' || type === 'BIGINT') && !/^-?\d+$/.test(digits)) {
    throw invalid(`${digits} is not an integer.`)
  }
  return digits
}

function stringLiteral(value: string, type: SqlLiteralType | undefined): string {
  switch (type) {
    case undefined:
    case 'VARCHAR':
      return quoteString(value)
    case 'DATE':
      if (!DATE_RE.test(value)) throw invalid(`${show(value)} is not a YYYY-MM-DD date.`)
      return `DATE '${value}'`
    case 'TIME':
      if (!TIME_RE.test(value)) throw invalid(`${show(value)} is not a HH:MM:SS time.`)
      return `TIME '${value}'`
    case 'TIMESTAMP':
      if (!TIMESTAMP_RE.test(value)) {
        throw invalid(`${show(value)} is not a YYYY-MM-DD HH:MM:SS[.fff] timestamp.`)
      }
      return `TIMESTAMP '${value.replace('T', ' ')}'`
    case 'DECIMAL':
    case 'DOUBLE':
    case 'BIGINT':
    case 'INTEGER':
      if (!DECIMAL_RE.test(value)) throw invalid(`${show(value)} is not a decimal number.`)
      return numeric(value, type)
    case 'BOOLEAN':
      if (value !== 'true' && value !== 'false') throw mismatch(type, 'string')
      return value.toUpperCase()
    case 'VARBINARY':
      throw mismatch(type, 'string')
  }
}

function quoteString(value: string): string {
  if (value.includes('\u0000')) throw invalid('A string literal cannot contain a NUL character.')
  return `'${value.replaceAll("'", "''")}'`
}
