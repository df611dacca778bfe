/**
 * Input of a load (an Arrow `Table`, an array of row objects, or an async iterable of either),
 * cut into chunks whose values are normalized for the load's columns (value-codec.ts). A chunk
 * renders VALUES tuples or becomes an Arrow table for Parquet, from the same normalized data.
 */
import {
  Table as ArrowTable,
  type Builder,
  makeBuilder,
  type Table,
  type Vector,
} from 'apache-arrow'
import { decimalWords } from '../arrow.js'
import {
  arrowToColumnType,
  arrowTypeOf,
  type LoadColumn,
  type LoadColumnType,
} from './column-types.js'
import { DremioLoadError } from './load-error.js'
import { arrowValue, coerceValue, type NormalValue, ValueError } from './value-codec.js'

/** A row object: column name to value. */
export type LoadRow = Record<string, unknown>

/** What `create`/`insert` accept. */
export type LoadData =
  | Table
  | readonly LoadRow[]
  | AsyncIterable<Table | readonly LoadRow[]>
  | Iterable<Table | readonly LoadRow[]>

/** One piece of input, before columns are known. */
export type RawChunk = { kind: 'arrow'; table: Table } | { kind: 'rows'; rows: readonly LoadRow[] }

function isArrowTable(v: unknown): v is Table {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Table).numRows === 'number' &&
    typeof (v as Table).getChildAt === 'function' &&
    typeof (v as Table).schema === 'object'
  )
}

function toRaw(piece: unknown, index: number): RawChunk {
  if (isArrowTable(piece)) return { kind: 'arrow', table: piece }
  if (Array.isArray(piece)) return { kind: 'rows', rows: piece }
  throw new DremioLoadError(
    'DF_LOAD_INVALID_INPUT',
    `Load input part ${index} is neither an Arrow Table nor an array of row objects.`,
  )
}

/** The input as raw chunks, in order; a plain array or table is one chunk. */
export async function* rawChunks(data: LoadData): AsyncGenerator<RawChunk> {
  if (isArrowTable(data)) {
    yield { kind: 'arrow', table: data }
    return
  }
  if (Array.isArray(data)) {
    // An array of tables/arrays is an iterable of parts, an array of objects is rows.
    if (data.length > 0 && data.every((d) => isArrowTable(d) || Array.isArray(d))) {
      let i = 0
      for (const part of data) yield toRaw(part, i++)
      return
    }
    yield { kind: 'rows', rows: data as readonly LoadRow[] }
    return
  }
  if (data !== null && typeof data === 'object') {
    let i = 0
    if (Symbol.asyncIterator in data) {
      for await (const part of data as AsyncIterable<unknown>) yield toRaw(part, i++)
      return
    }
    if (Symbol.iterator in data) {
      for (const part of data as Iterable<unknown>) yield toRaw(part, i++)
      return
    }
  }
  throw new DremioLoadError(
    'DF_LOAD_INVALID_INPUT',
    'Load data must be an Arrow Table, an array of row objects, or an (async) iterable of them.',
  )
}

/** Rows in a raw chunk. */
export function rawLength(chunk: RawChunk): number {
  return chunk.kind === 'arrow' ? chunk.table.numRows : chunk.rows.length
}

/** A chunk whose values are checked and normalized for the load's columns. */
export interface PreparedChunk {
  readonly length: number
  /** Normalized values of row `i`, in column order. */
  row(i: number): NormalValue[]
  /** The chunk as an Arrow table with exactly the load's columns, in order. */
  toArrow(): Table
}

/**
 * Checks and normalizes a chunk. `offset` is the index of its first row in the whole input, so
 * errors name the row the caller knows.
 * @throws DremioLoadError `DF_LOAD_INVALID_DATA` (row, column) or `DF_LOAD_INVALID_INPUT`.
 */
export function prepareChunk(
  chunk: RawChunk,
  columns: readonly LoadColumn[],
  offset: number,
): PreparedChunk {
  return chunk.kind === 'arrow'
    ? prepareArrow(chunk.table, columns)
    : prepareRows(chunk.rows, columns, offset)
}

function prepareArrow(table: Table, columns: readonly LoadColumn[]): PreparedChunk {
  const vectors: Vector[] = []
  const types = columns.map((c) => {
    const field = table.schema.fields.find((f) => f.name === c.name)
    const vector = table.getChild(c.name)
    if (field === undefined || vector === null) {
      throw new DremioLoadError(
        'DF_LOAD_INVALID_INPUT',
        `The Arrow table has no column ${JSON.stringify(c.name)}.`,
        { column: c.name },
      )
    }
    const kind = arrowToColumnType(field.type, c.name)
    if (!compatible(kind, c.type)) {
      throw new DremioLoadError(
        'DF_LOAD_INVALID_INPUT',
        `Column ${JSON.stringify(c.name)} is ${String(field.type)} in the Arrow table but ` +
          `${c.type.kind} in the load.`,
        { column: c.name },
      )
    }
    vectors.push(vector)
    return field.type
  })
  const extra = table.schema.fields.find((f) => !columns.some((c) => c.name === f.name))
  if (extra) {
    throw new DremioLoadError(
      'DF_LOAD_INVALID_INPUT',
      `The Arrow table has a column ${JSON.stringify(extra.name)} the load does not know.`,
      { column: extra.name },
    )
  }
  return {
    length: table.numRows,
    row: (i) => columns.map((c, k) => arrowValue(vectors[k]?.get(i), types[k]!, c.type)),
    toArrow: () => table.select(columns.map((c) => c.name)),
  }
}

function compatible(a: LoadColumnType, b: LoadColumnType): boolean {
  if (a.kind === 'DECIMAL' && b.kind === 'DECIMAL') {
    return a.scale === b.scale && a.precision <= b.precision
  }
  if (a.kind === b.kind) return true
  // Wider targets take narrower sources without loss.
  return (
    (a.kind === 'INT' && (b.kind === 'BIGINT' || b.kind === 'DOUBLE')) ||
    (a.kind === 'FLOAT' && b.kind === 'DOUBLE')
  )
}

function prepareRows(
  rows: readonly LoadRow[],
  columns: readonly LoadColumn[],
  offset: number,
): PreparedChunk {
  const known = new Set(columns.map((c) => c.name))
  const data: NormalValue[][] = columns.map(() => new Array<NormalValue>(rows.length))
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      throw new DremioLoadError('DF_LOAD_INVALID_DATA', `Row ${offset + i} is not an object.`, {
        rowIndex: offset + i,
      })
    }
    for (let k = 0; k < columns.length; k++) {
      const c = columns[k] as LoadColumn
      try {
        ;(data[k] as NormalValue[])[i] = coerceValue(row[c.name], c.type)
      } catch (error) {
        if (!(error instanceof ValueError)) throw error
        throw new DremioLoadError(
          'DF_LOAD_INVALID_DATA',
          `Row ${offset + i}, column ${JSON.stringify(c.name)}: ${error.message}.`,
          { rowIndex: offset + i, column: c.name },
        )
      }
    }
    for (const key in row) {
      if (!known.has(key) && row[key] !== undefined) {
        throw new DremioLoadError(
          'DF_LOAD_INVALID_DATA',
          `Row ${offset + i} has a column ${JSON.stringify(key)} the load does not know.`,
          { rowIndex: offset + i, column: key },
        )
      }
    }
  }
  return {
    length: rows.length,
    row: (i) => data.map((col) => col[i] ?? null),
    toArrow: () => buildArrow(columns, data),
  }
}

function buildArrow(columns: readonly LoadColumn[], data: NormalValue[][]): Table {
  const vectors: Record<string, Vector> = {}
  columns.forEach((c, k) => {
    const builder: Builder = makeBuilder({ type: arrowTypeOf(c.type), nullValues: [null] })
    const scale = c.type.kind === 'DECIMAL' ? c.type.scale : 0
    for (const v of data[k] as NormalValue[]) {
      builder.append(v !== null && c.type.kind === 'DECIMAL' ? decimalWords(v, scale) : v)
    }
    vectors[c.name] = builder.finish().toVector()
  })
  return new ArrowTable(vectors)
}
