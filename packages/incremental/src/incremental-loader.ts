/**
 * `IncrementalLoader`: watermark loads and MERGE upserts on Dremio, through the DML path
 * (`client.execute`, rows from Dremio's `Records`), with every identifier quoted. A watermark
 * that cannot be read fails the load loudly; it never turns into a full reload.
 */
import {
  type DremioClient,
  type DremioField,
  quoteIdentifier,
  quotePath,
  type Row,
} from '@df/client'
import { IncrementalError } from './incremental-error.js'
import {
  storedType,
  toStoredValue,
  type WatermarkKind,
  watermarkKind,
  watermarkLiteral,
} from './internal/watermark-sql.js'
import type { Watermark, WatermarkStore } from './watermark-store.js'

/** A table or view: a path array or a dotted string with Dremio quoting. */
export type TablePath = string | readonly string[]

/** Options of `new IncrementalLoader(client, options)`. */
export interface IncrementalLoaderOptions {
  /** Keeps watermarks between runs (any `@df/orchestration` backend fits). @default none: the target's MAX is the watermark */
  stateStore?: WatermarkStore
  /** Clock for `Watermark.updatedAt`. @default Date.now */
  now?: () => number
}

/** Options of `loadIncremental`. */
export interface LoadIncrementalOptions {
  source: TablePath
  target: TablePath
  /** Column compared against the watermark; present in source and target. */
  watermarkColumn: string
  /**
   * Re-read this far behind the watermark for late rows: milliseconds for TIMESTAMP/DATE
   * columns, units for numeric ones. Needs `keys`, so re-read rows already in the target are
   * skipped (an insert-only MERGE) instead of duplicated.
   */
  lookback?: number
  /** Columns identifying a row (required with `lookback`). */
  keys?: readonly string[]
  /** Key under which the watermark is stored. @default `<target path>#<watermarkColumn>` */
  stateKey?: string
}

/** What `loadIncremental` did. */
export interface IncrementalLoadResult {
  /** Rows inserted, from Dremio's `Records`. */
  rowsInserted: number
  /** True when there was no watermark (empty target, no stored value): everything was loaded. */
  fullLoad: boolean
  /** The watermark the load compared against. */
  previousWatermark: Watermark | undefined
  /** The watermark after the load (the target's new MAX). */
  watermark: Watermark | undefined
}

/** Options of `merge`. */
export interface MergeOptions {
  source: TablePath
  target: TablePath
  /** Join columns (`target.k = source.k AND …`). */
  on: readonly string[]
  /** Columns set on matched rows. @default every insert column except `on`; `[]` skips WHEN MATCHED */
  updateColumns?: readonly string[]
  /** Columns inserted for new rows. @default every target column; `[]` skips WHEN NOT MATCHED */
  insertColumns?: readonly string[]
}

/**
 * Incremental loads and upserts.
 * @example
 * const loader = new IncrementalLoader(client, { stateStore: backend })
 * const { rowsInserted } = await loader.loadIncremental({
 *   source: 'lake.raw.events', target: 'lake.curated.events', watermarkColumn: 'event_time',
 * })
 */
export class IncrementalLoader {
  readonly #client: DremioClient
  readonly #store: WatermarkStore | undefined
  readonly #now: () => number

  constructor(client: DremioClient, options: IncrementalLoaderOptions = {}) {
    this.#client = client
    this.#store = options.stateStore
    this.#now = options.now ?? Date.now
  }

  /**
   * Inserts the source rows newer than the watermark: `INSERT INTO target (cols) SELECT cols
   * FROM source WHERE "wm" > <typed literal>`; everything when the target is empty and no
   * watermark is stored.
   * @throws IncrementalError `DF_INCREMENTAL_WATERMARK_UNREADABLE` (nothing inserted) when the
   * watermark query or the store fails, or the target has rows but no watermark value;
   * `DF_INCREMENTAL_WATERMARK_CONFLICT` when the stored watermark moved during the load.
   */
  async loadIncremental(options: LoadIncrementalOptions): Promise<IncrementalLoadResult> {
    const target = quotePath(options.target)
    const source = quotePath(options.source)
    const wm = quoteIdentifier(options.watermarkColumn)
    if (options.lookback !== undefined && !(options.keys && options.keys.length > 0)) {
      throw new IncrementalError(
        'DF_INCREMENTAL_INVALID_INPUT',
        'lookback re-reads rows the target already has: pass `keys` so they are skipped.',
      )
    }
    const key = options.stateKey ?? `${target}#${options.watermarkColumn}`
    const current = await this.#readTargetWatermark(target, wm, options.watermarkColumn)
    let stored: Watermark | undefined
    if (this.#store) {
      try {
        stored = await this.#store.getWatermark(key)
      } catch (cause) {
        throw new IncrementalError(
          'DF_INCREMENTAL_WATERMARK_UNREADABLE',
          `Cannot read watermark ${JSON.stringify(key)} from the state store; nothing was loaded.`,
          { cause },
        )
      }
      if (stored && stored.type !== storedType(current.kind)) {
        throw new IncrementalError(
          'DF_INCREMENTAL_WATERMARK_UNREADABLE',
          `Stored watermark ${JSON.stringify(key)} is a ${stored.type}, but ${wm} compares as ` +
            `${storedType(current.kind)}; nothing was loaded.`,
        )
      }
    }
    const previous = stored ?? current.watermark
    const columns = (await this.#columns(target)).map(quoteIdentifier)
    const list = columns.join(', ')
    const filter =
      previous === undefined
        ? ''
        : ` WHERE ${wm} > ${watermarkLiteral(current.kind, previous.value, options.lookback ?? 0)}`
    const select = `SELECT ${list} FROM ${source}${filter}`
    const sql =
      options.lookback === undefined
        ? `INSERT INTO ${target} (${list}) ${select}`
        : `MERGE INTO ${target} AS "target" USING (${select}) AS "source" ON (${joinOn(options.keys ?? [])}) ` +
          `WHEN NOT MATCHED THEN INSERT (${list}) VALUES (${columns.map((c) => `"source".${c}`).join(', ')})`
    const rowsInserted = await this.#dml(sql)
    let next = previous
    if (rowsInserted > 0 || this.#store) {
      next = (await this.#readTargetWatermark(target, wm, options.watermarkColumn)).watermark
    }
    if (this.#store && next && next.value !== stored?.value) {
      const result = await this.#store.setWatermark(key, next, stored)
      if (!result.ok) {
        throw new IncrementalError(
          'DF_INCREMENTAL_WATERMARK_CONFLICT',
          `Watermark ${JSON.stringify(key)} was changed by another run (${result.reason}) while ` +
            `${rowsInserted} rows were inserted.`,
          { rowsInserted },
        )
      }
    }
    return {
      rowsInserted,
      fullLoad: previous === undefined,
      previousWatermark: previous,
      watermark: next,
    }
  }

  /**
   * `MERGE INTO target AS "target" USING source AS "source" ON (…) WHEN MATCHED THEN UPDATE SET
   * … WHEN NOT MATCHED THEN INSERT (…) VALUES (…)`, identifiers quoted.
   * @returns rows inserted plus rows updated (Dremio's `Records`).
   */
  async merge(options: MergeOptions): Promise<{ rowsAffected: number }> {
    const target = quotePath(options.target)
    const source = quotePath(options.source)
    if (options.on.length === 0) {
      throw new IncrementalError(
        'DF_INCREMENTAL_INVALID_INPUT',
        'merge needs at least one `on` column.',
      )
    }
    const insert = options.insertColumns ?? (await this.#columns(target))
    const lower = new Set(options.on.map((c) => c.toLowerCase()))
    const update = options.updateColumns ?? insert.filter((c) => !lower.has(c.toLowerCase()))
    if (insert.length === 0 && update.length === 0) {
      throw new IncrementalError(
        'DF_INCREMENTAL_INVALID_INPUT',
        'merge has nothing to update or insert.',
      )
    }
    let sql = `MERGE INTO ${target} AS "target" USING ${source} AS "source" ON (${joinOn(options.on)})`
    if (update.length > 0) {
      const sets = update.map((c) => `${quoteIdentifier(c)} = "source".${quoteIdentifier(c)}`)
      sql += ` WHEN MATCHED THEN UPDATE SET ${sets.join(', ')}`
    }
    if (insert.length > 0) {
      const cols = insert.map(quoteIdentifier)
      sql += ` WHEN NOT MATCHED THEN INSERT (${cols.join(', ')}) VALUES (${cols.map((c) => `"source".${c}`).join(', ')})`
    }
    return { rowsAffected: await this.#dml(sql) }
  }

  async #dml(sql: string): Promise<number> {
    const result = await this.#client.execute(sql)
    if (result.kind !== 'dml') {
      throw new IncrementalError(
        'DF_INCREMENTAL_INVALID_INPUT',
        `Expected a DML result with Records, got a ${result.kind} result.`,
      )
    }
    return result.recordsAffected
  }

  /** The target's MAX watermark (typed by the column) and whether it has rows. */
  async #readTargetWatermark(
    target: string,
    wm: string,
    column: string,
  ): Promise<{ kind: WatermarkKind; watermark: Watermark | undefined }> {
    let schema: DremioField[]
    let row: Row | undefined
    try {
      const job = await this.#client.submit(
        `SELECT MAX(${wm}) AS "wm", CAST(MAX(${wm}) AS VARCHAR) AS "wm_text", COUNT(*) AS "n" FROM ${target}`,
      )
      await job.wait()
      const page = await job.page(0, 1)
      schema = page.schema
      row = page.rows[0]
    } catch (cause) {
      throw new IncrementalError(
        'DF_INCREMENTAL_WATERMARK_UNREADABLE',
        `Cannot read the watermark MAX(${wm}) of ${target}; nothing was loaded: ` +
          `${cause instanceof Error ? cause.message : String(cause)}`,
        { cause },
      )
    }
    const type = schema.find((f) => f.name === 'wm')?.type
    if (type === undefined || row === undefined) {
      throw new IncrementalError(
        'DF_INCREMENTAL_WATERMARK_UNREADABLE',
        `The watermark query on ${target} returned no row; nothing was loaded.`,
      )
    }
    const kind = watermarkKind(type, column)
    const rows = Number(row.n ?? 0)
    if (row.wm === null || row.wm === undefined) {
      if (rows === 0) return { kind, watermark: undefined }
      throw new IncrementalError(
        'DF_INCREMENTAL_WATERMARK_UNREADABLE',
        `${target} has ${rows} rows but ${wm} is NULL in all of them: a full reload would ` +
          'duplicate them, so nothing was loaded.',
      )
    }
    const value = toStoredValue(kind, row.wm, row.wm_text)
    return { kind, watermark: { value, type: storedType(kind), updatedAt: this.#now() } }
  }

  /** Column names of a table, from a `LIMIT 0` query. */
  async #columns(target: string): Promise<string[]> {
    const job = await this.#client.submit(`SELECT * FROM ${target} LIMIT 0`)
    await job.wait()
    const page = await job.page(0, 1)
    return page.schema.map((f, i) => f.name ?? `f${i}`)
  }
}

function joinOn(keys: readonly string[]): string {
  return keys
    .map((k) => `"target".${quoteIdentifier(k)} = "source".${quoteIdentifier(k)}`)
    .join(' AND ')
}
