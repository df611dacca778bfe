/**
 * `@df/incremental`: watermark loads and MERGE upserts on Dremio.
 */
export type { IncrementalErrorReason } from './incremental-error.js'
export { IncrementalError } from './incremental-error.js'
export type {
  IncrementalLoaderOptions,
  IncrementalLoadResult,
  LoadIncrementalOptions,
  MergeOptions,
  TablePath,
} from './incremental-loader.js'
export { IncrementalLoader } from './incremental-loader.js'
export type { Watermark, WatermarkStore, WatermarkUpdateResult } from './watermark-store.js'
