/**
 * Options, progress events and results of `client.create()` / `client.insert()` (issue 5).
 */
import type { ParquetCompression } from './parquet.js'
import type { Stager } from './stager.js'
import type { LoadSchema } from './validate.js'

/** How rows reach Dremio. */
export type LoadMethod = 'values' | 'staging' | 'auto'

/** A progress event; the CLI draws it as a progress bar. */
export interface LoadProgress {
  /** The method actually used. */
  method: 'values' | 'staging'
  /**
   * `writing`: rows committed by VALUES statements so far; `staging`: rows written to staged
   * Parquet files so far; `copied`: the COPY INTO finished (`rowsDone` is Dremio's count).
   */
  phase: 'writing' | 'staging' | 'copied'
  rowsDone: number
  /** Known for an Arrow Table or an array input; undefined for iterables. */
  rowsTotal: number | undefined
}

/** Options of `create`/`insert`. */
export interface LoadOptions {
  /**
   * `values`: batched `INSERT … VALUES`; `staging`: Parquet files through `stager`, then one
   * `COPY INTO`; `auto`: staging when a stager is given and the input has more than
   * `stagingThreshold` rows (or an unknown count), values otherwise. @default 'auto'
   */
  method?: LoadMethod
  /** Where staged Parquet files go; required for `method: 'staging'`. */
  stager?: Stager
  /** Row count above which `auto` stages. @default 10000 */
  stagingThreshold?: number
  /** Cap on one INSERT statement's size in UTF-8 bytes. @default 1000000 */
  maxStatementBytes?: number
  /** Cap on rows per INSERT statement. @default 10000 */
  maxRowsPerStatement?: number
  /** Rows per staged Parquet file. @default 500000 */
  rowsPerFile?: number
  /** Compression of staged Parquet files. @default 'snappy' */
  compression?: ParquetCompression
  /**
   * Validation: a zod-like schema (`safeParse`) checked on every row, or an Arrow `Schema` that
   * also fixes the column types (DECIMAL precision, DATE, INT…) and NOT NULL columns.
   */
  schema?: LoadSchema
  /** Called after each statement (values) or staged file (staging), and once at the end. */
  onProgress?: (progress: LoadProgress) => void
  /** Stops between statements and files; the current Dremio job is not cancelled. */
  signal?: AbortSignal
}

/** What a load did. */
export interface LoadResult {
  /** The method used (`auto` resolved). */
  method: 'values' | 'staging'
  /** Rows Dremio reports written (sum of `Records`). */
  rowsWritten: number
  /** SQL statements run for the data (INSERTs, or the COPY). */
  statements: number
  /** Parquet files staged (0 for values). */
  files: number
}

/** Defaults of {@link LoadOptions}. */
export const LOAD_DEFAULTS = {
  stagingThreshold: 10_000,
  maxStatementBytes: 1_000_000,
  maxRowsPerStatement: 10_000,
  rowsPerFile: 500_000,
} as const
