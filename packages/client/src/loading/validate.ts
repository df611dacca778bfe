/**
 * Optional schema validation of a load: a zod-like schema (anything with `safeParse`, duck-typed
 * so `@df/client` has no zod dependency) checked row by row, or an Arrow `Schema` that fixes the
 * column types and their nullability. The first bad row is reported with its index and column.
 */
import type { Schema, Table } from 'apache-arrow'
import type { LoadColumn } from './column-types.js'
import type { RawChunk } from './load-data.js'
import { DremioLoadError } from './load-error.js'
import type { NormalValue } from './value-codec.js'

/** The part of a zod schema (v3 or v4) a load uses. */
export interface SafeParseSchema {
  safeParse(value: unknown):
    | { success: true }
    | {
        success: false
        error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }
      }
}

/** `schema` option of a load: a zod-like schema or an Arrow schema. */
export type LoadSchema = SafeParseSchema | Schema

/** True for an Arrow `Schema` (duck-typed: `fields` with names and types). */
export function isArrowSchema(schema: unknown): schema is Schema {
  return (
    typeof schema === 'object' &&
    schema !== null &&
    Array.isArray((schema as Schema).fields) &&
    typeof (schema as { safeParse?: unknown }).safeParse !== 'function'
  )
}

/** Runs a zod-like schema on every row of a raw chunk. @throws DremioLoadError `DF_LOAD_INVALID_DATA` */
export function validateWithSafeParse(schema: SafeParseSchema, chunk: RawChunk, offset: number) {
  const n = chunk.kind === 'arrow' ? chunk.table.numRows : chunk.rows.length
  for (let i = 0; i < n; i++) {
    const row = chunk.kind === 'arrow' ? arrowRow(chunk.table, i) : chunk.rows[i]
    const result = schema.safeParse(row)
    if (!result.success) {
      const issue = result.error.issues[0]
      const column = issue?.path[0] === undefined ? undefined : String(issue.path[0])
      throw new DremioLoadError(
        'DF_LOAD_INVALID_DATA',
        `Row ${offset + i}${column === undefined ? '' : `, column ${JSON.stringify(column)}`} ` +
          `failed validation: ${issue?.message ?? 'invalid'}.`,
        { rowIndex: offset + i, ...(column === undefined ? {} : { column }) },
      )
    }
  }
}

function arrowRow(table: Table, i: number): Record<string, unknown> {
  return (table.get(i)?.toJSON() ?? {}) as Record<string, unknown>
}

/**
 * Checks NOT NULL fields of an Arrow schema on normalized rows.
 * @throws DremioLoadError `DF_LOAD_INVALID_DATA`
 */
export function checkNullability(
  schema: Schema,
  columns: readonly LoadColumn[],
  row: (i: number) => NormalValue[],
  length: number,
  offset: number,
): void {
  const required = columns
    .map((c, k) => ({ k, name: c.name, field: schema.fields.find((f) => f.name === c.name) }))
    .filter((c) => c.field !== undefined && !c.field.nullable)
  if (required.length === 0) return
  for (let i = 0; i < length; i++) {
    const values = row(i)
    for (const c of required) {
      if (values[c.k] === null) {
        throw new DremioLoadError(
          'DF_LOAD_INVALID_DATA',
          `Row ${offset + i}, column ${JSON.stringify(c.name)}: NULL in a NOT NULL column.`,
          { rowIndex: offset + i, column: c.name },
        )
      }
    }
  }
}
