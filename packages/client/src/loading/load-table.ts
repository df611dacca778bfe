/**
 * `createTable(client, table, data, options)` and `insertRows(client, table, data, options)`:
 * the loads behind `client.create()` / `client.insert()` (issue 5). Columns come from an Arrow
 * schema (the `schema` option or the data's own), from the target table (insert of row objects),
 * or are inferred from the first rows (create of row objects).
 */
import { randomUUID } from 'node:crypto'
import { dremioTypeToArrow } from '../arrow.js'
import type { DremioClient } from '../client.js'
import { quotePath } from '../sql.js'
import {
  arrowToColumnType,
  columnDefinitions,
  columnsOfSchema,
  inferColumns,
  type LoadColumn,
} from './column-types.js'
import { type LoadData, prepareChunk, type RawChunk, rawChunks, rawLength } from './load-data.js'
import { DremioLoadError } from './load-error.js'
import { LOAD_DEFAULTS, type LoadOptions, type LoadResult } from './load-options.js'
import { StagingWriter } from './staging-method.js'
import { checkNullability, isArrowSchema, validateWithSafeParse } from './validate.js'
import { ValuesWriter } from './values-method.js'

/**
 * Creates `table` with columns mapped from the data's types (precision kept), then loads `data`
 * into it. If the load fails, the new table is dropped again (best effort), so a failed create
 * leaves nothing half-filled.
 * @throws DremioLoadError (see `LoadErrorReason`); a Dremio failure of the CREATE itself (table
 * exists…) is the client's `DremioJobFailedError`.
 */
export async function createTable(
  client: DremioClient,
  table: string | readonly string[],
  data: LoadData,
  options: LoadOptions = {},
): Promise<LoadResult> {
  const target = quotePath(table)
  const method = pickMethod(options, knownTotal(data))
  const input = await open(data)
  const columns = columnsFor(input.first, options, undefined)
  await client.execute(`CREATE TABLE ${target} (${columnDefinitions(columns)})`)
  try {
    return await load(client, target, columns, input, knownTotal(data), method, options)
  } catch (error) {
    await client.execute(`DROP TABLE IF EXISTS ${target}`).catch(() => undefined)
    throw error
  }
}

/**
 * Appends `data` to an existing table. Row objects take the table's column types (read with a
 * `LIMIT 0` query); the statement names its columns, so column order never matters.
 * @throws DremioLoadError (see `LoadErrorReason`).
 */
export async function insertRows(
  client: DremioClient,
  table: string | readonly string[],
  data: LoadData,
  options: LoadOptions = {},
): Promise<LoadResult> {
  const target = quotePath(table)
  const method = pickMethod(options, knownTotal(data))
  const input = await open(data)
  let tableColumns: LoadColumn[] | undefined
  if (input.first?.kind === 'rows' && !isArrowSchema(options.schema)) {
    tableColumns = await describeTable(client, target)
  }
  const columns = columnsFor(input.first, options, tableColumns)
  return load(client, target, columns, input, knownTotal(data), method, options)
}

interface OpenInput {
  first: RawChunk | undefined
  rest: AsyncGenerator<RawChunk>
}

async function open(data: LoadData): Promise<OpenInput> {
  const rest = rawChunks(data)
  const first = await rest.next()
  return { first: first.done ? undefined : first.value, rest }
}

function columnsFor(
  first: RawChunk | undefined,
  options: LoadOptions,
  tableColumns: LoadColumn[] | undefined,
): LoadColumn[] {
  if (isArrowSchema(options.schema)) return columnsOfSchema(options.schema)
  if (first === undefined) {
    throw new DremioLoadError(
      'DF_LOAD_INVALID_INPUT',
      'The data is empty and no Arrow schema was given: the columns are unknown.',
    )
  }
  if (first.kind === 'arrow') return columnsOfSchema(first.table.schema)
  // No rows to infer from: an insert takes the table's columns (and writes nothing).
  if (first.rows.length === 0 && tableColumns !== undefined) return tableColumns
  const inferred = inferColumns(first.rows)
  if (tableColumns === undefined) return inferred
  return inferred.map((c) => {
    const match = tableColumns.find((t) => t.name.toLowerCase() === c.name.toLowerCase())
    if (match === undefined) {
      throw new DremioLoadError(
        'DF_LOAD_INVALID_DATA',
        `The rows have a column ${JSON.stringify(c.name)} that the target table does not have.`,
        { column: c.name, rowIndex: 0 },
      )
    }
    return { name: c.name, type: match.type }
  })
}

/** Column names and types of a table, from a `LIMIT 0` query's result schema. */
async function describeTable(client: DremioClient, target: string): Promise<LoadColumn[]> {
  const job = await client.submit(`SELECT * FROM ${target} LIMIT 0`)
  await job.wait()
  const page = await job.page(0, 1)
  return page.schema.map((f, i) => {
    const name = f.name ?? `f${i}`
    return { name, type: arrowToColumnType(dremioTypeToArrow(f.type), name) }
  })
}

function knownTotal(data: LoadData): number | undefined {
  if (Array.isArray(data)) {
    let n = 0
    for (const part of data as unknown[]) {
      if (Array.isArray(part)) n += part.length
      else if (part && typeof (part as { numRows?: unknown }).numRows === 'number')
        n += (part as { numRows: number }).numRows
      else return data.length
    }
    return n
  }
  const rows = (data as { numRows?: unknown }).numRows
  return typeof rows === 'number' ? rows : undefined
}

async function load(
  client: DremioClient,
  target: string,
  columns: LoadColumn[],
  input: OpenInput,
  total: number | undefined,
  method: 'values' | 'staging',
  options: LoadOptions,
): Promise<LoadResult> {
  const report = (phase: 'writing' | 'staging' | 'copied', rowsDone: number): void =>
    options.onProgress?.({ method, phase, rowsDone, rowsTotal: total })
  const chunks = async function* (): AsyncGenerator<{ chunk: RawChunk; offset: number }> {
    let offset = 0
    if (input.first) {
      yield { chunk: input.first, offset }
      offset += rawLength(input.first)
    }
    for await (const chunk of input.rest) {
      yield { chunk, offset }
      offset += rawLength(chunk)
    }
  }
  const prepare = ({ chunk, offset }: { chunk: RawChunk; offset: number }) => {
    const schema = options.schema
    if (schema !== undefined && !isArrowSchema(schema)) validateWithSafeParse(schema, chunk, offset)
    const prepared = prepareChunk(chunk, columns, offset)
    if (isArrowSchema(schema)) {
      checkNullability(schema, columns, prepared.row, prepared.length, offset)
    }
    return prepared
  }
  if (method === 'values') {
    const writer = new ValuesWriter(
      client,
      target,
      columns,
      {
        maxBytes: options.maxStatementBytes ?? LOAD_DEFAULTS.maxStatementBytes,
        maxRows: options.maxRowsPerStatement ?? LOAD_DEFAULTS.maxRowsPerStatement,
        signal: options.signal,
      },
      (rows) => report('writing', rows),
    )
    for await (const part of chunks()) await writer.add(prepare(part), part.offset)
    await writer.flush()
    return { method, rowsWritten: writer.rowsWritten, statements: writer.statements, files: 0 }
  }
  const writer = await StagingWriter.open(
    options.stager as NonNullable<LoadOptions['stager']>,
    randomUUID(),
    {
      rowsPerFile: options.rowsPerFile ?? LOAD_DEFAULTS.rowsPerFile,
      compression: options.compression,
      signal: options.signal,
    },
    (rows) => report('staging', rows),
  )
  let rowsWritten: number
  try {
    for await (const part of chunks()) await writer.add(prepare(part))
    rowsWritten = await writer.copyInto(client, target)
  } catch (error) {
    await writer.remove().catch((cleanup: unknown) => {
      throw new DremioLoadError(
        'DF_LOAD_STAGING_FAILED',
        `The load failed (${error instanceof Error ? error.message : String(error)}) and its ` +
          `staged files at ${writer.location} could not be removed.`,
        { cause: cleanup },
      )
    })
    throw error
  }
  try {
    await writer.remove()
  } catch (cause) {
    throw new DremioLoadError(
      'DF_LOAD_STAGING_FAILED',
      `${rowsWritten} rows were loaded, but the staged files at ${writer.location} could not ` +
        'be removed.',
      { cause, rowsWritten },
    )
  }
  report('copied', rowsWritten)
  return { method, rowsWritten, statements: writer.files > 0 ? 1 : 0, files: writer.files }
}

function pickMethod(options: LoadOptions, total: number | undefined): 'values' | 'staging' {
  const method = options.method ?? 'auto'
  if (method === 'staging' && options.stager === undefined) {
    throw new DremioLoadError('DF_LOAD_INVALID_INPUT', "method 'staging' needs a `stager`.")
  }
  if (method !== 'auto') return method
  if (options.stager === undefined) return 'values'
  const threshold = options.stagingThreshold ?? LOAD_DEFAULTS.stagingThreshold
  return total === undefined || total > threshold ? 'staging' : 'values'
}
