/**
 * A fast path for flat columns: read a DuckDB vector's own memory instead of one JS value per
 * row. @duckdb/node-api (pinned) keeps each vector's data as a typed array view (`items`, or a
 * `dataView` over 16-byte string_t entries) and its validity as DuckDB's bitmap (`validity.data`,
 * LSB-first 64-bit words: byte for byte Arrow's validity layout). Those fields are not part of
 * its typed API, so every access is checked and any surprise returns undefined: the caller then
 * takes the per-value path (`getColumnValues`), which is always correct.
 */
import type { DuckDBDataChunk } from '@duckdb/node-api'

type Typed = BigInt64Array | Int32Array | Float64Array
type TypedCtor = BigInt64ArrayConstructor | Int32ArrayConstructor | Float64ArrayConstructor

/** A column gathered from consecutive chunks: values and (when any is null) Arrow validity. */
export interface RawColumn<T> {
  data: T
  nullBitmap: Uint8Array | undefined
  nullCount: number
}

interface VectorInternals {
  items?: unknown
  dataView?: unknown
  validity?: { data?: unknown }
  getItem(i: number): unknown
}

function internals(chunk: DuckDBDataChunk, c: number): VectorInternals {
  return chunk.getColumnVector(c) as unknown as VectorInternals
}

/** DuckDB validity words of one vector, or null when all rows are valid; undefined if unknown. */
function validityOf(v: VectorInternals): BigUint64Array | null | undefined {
  const data = v.validity?.data
  if (data === null) return null
  return data instanceof BigUint64Array ? data : undefined
}

/** Gathers the validity of every chunk into one Arrow bitmap; undefined when it cannot. */
function gatherValidity(
  vectors: VectorInternals[],
  chunks: readonly DuckDBDataChunk[],
  length: number,
) {
  const bitmap = new Uint8Array((length + 7) >> 3).fill(0xff)
  let nullCount = 0
  let at = 0
  for (let k = 0; k < chunks.length; k++) {
    const rows = (chunks[k] as DuckDBDataChunk).rowCount
    const words = validityOf(vectors[k] as VectorInternals)
    if (words === undefined || at % 8 !== 0) return undefined
    if (words !== null) {
      const bytes = new Uint8Array(words.buffer, words.byteOffset, (rows + 7) >> 3)
      bitmap.set(bytes, at >> 3)
      for (let i = 0; i < rows; i++)
        if (((bytes[i >> 3] as number) & (1 << (i & 7))) === 0) nullCount++
    }
    at += rows
  }
  return { nullBitmap: nullCount > 0 ? bitmap : undefined, nullCount }
}

/** Column `c` as one typed array of `Ctor`, or undefined when the vectors do not expose it. */
export function rawNumbers<T extends Typed>(
  chunks: readonly DuckDBDataChunk[],
  c: number,
  Ctor: TypedCtor,
): RawColumn<T> | undefined {
  const vectors = chunks.map((chunk) => internals(chunk, c))
  const length = chunks.reduce((n, chunk) => n + chunk.rowCount, 0)
  if (!vectors.every((v) => v.items instanceof Ctor)) return undefined
  const validity = gatherValidity(vectors, chunks, length)
  if (validity === undefined) return undefined
  const data = new Ctor(length) as T
  let at = 0
  for (const v of vectors) {
    const items = v.items as T
    ;(data as unknown as { set(a: T, o: number): void }).set(items, at)
    at += items.length
  }
  return { data, ...validity }
}

/**
 * A VARCHAR column as Arrow Utf8 buffers: inline strings (12 bytes or fewer) are copied from the
 * string_t entries; longer ones are read through the vector's own `getItem`.
 */
export function rawUtf8(
  chunks: readonly DuckDBDataChunk[],
  c: number,
): (RawColumn<Uint8Array> & { valueOffsets: Int32Array }) | undefined {
  const vectors = chunks.map((chunk) => internals(chunk, c))
  if (!vectors.every((v) => v.dataView instanceof DataView)) return undefined
  const length = chunks.reduce((n, chunk) => n + chunk.rowCount, 0)
  const validity = gatherValidity(vectors, chunks, length)
  if (validity === undefined) return undefined
  const valueOffsets = new Int32Array(length + 1)
  const nulls = validity.nullBitmap
  let bytes = 0
  let row = 0
  for (let k = 0; k < chunks.length; k++) {
    const view = (vectors[k] as VectorInternals).dataView as DataView
    // `rowCount` is a native call: read it once per chunk.
    const rows = (chunks[k] as DuckDBDataChunk).rowCount
    for (let i = 0; i < rows; i++, row++) {
      // The entry of a NULL is undefined memory: it gets no bytes.
      if (nulls === undefined || ((nulls[row >> 3] as number) & (1 << (row & 7))) !== 0) {
        bytes += view.getUint32(i * 16, true)
      }
      valueOffsets[row + 1] = bytes
    }
  }
  const data = Buffer.allocUnsafe(bytes)
  row = 0
  for (let k = 0; k < chunks.length; k++) {
    const v = vectors[k] as VectorInternals
    const view = v.dataView as DataView
    const source = new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
    const rows = (chunks[k] as DuckDBDataChunk).rowCount
    for (let i = 0; i < rows; i++, row++) {
      const start = valueOffsets[row] as number
      const size = (valueOffsets[row + 1] as number) - start
      if (size === 0) continue
      if (size <= 12) {
        // Inline: a byte loop beats a subarray per string.
        const from = i * 16 + 4
        for (let j = 0; j < size; j++) data[start + j] = source[from + j] as number
      } else if (data.write(String(v.getItem(i)), start, 'utf8') !== size) return undefined
    }
  }
  return { data, valueOffsets, ...validity }
}

/** A BOOLEAN column (one byte per value in DuckDB) as Arrow's bit-packed values. */
export function rawBool(
  chunks: readonly DuckDBDataChunk[],
  c: number,
): RawColumn<Uint8Array> | undefined {
  const vectors = chunks.map((chunk) => internals(chunk, c))
  if (!vectors.every((v) => v.dataView instanceof DataView)) return undefined
  const length = chunks.reduce((n, chunk) => n + chunk.rowCount, 0)
  const validity = gatherValidity(vectors, chunks, length)
  if (validity === undefined) return undefined
  const data = new Uint8Array((length + 7) >> 3)
  let row = 0
  for (let k = 0; k < chunks.length; k++) {
    const view = (vectors[k] as VectorInternals).dataView as DataView
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
    const rows = (chunks[k] as DuckDBDataChunk).rowCount
    for (let i = 0; i < rows; i++, row++) {
      if (bytes[i] !== 0) data[row >> 3] = (data[row >> 3] as number) | (1 << (row & 7))
    }
  }
  return { data, ...validity }
}
