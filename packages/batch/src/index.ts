/**
 * `@df/batch`: parallel Dremio catalog operations with one result per item.
 */
export type { BatchManagerOptions, Sleep, ViewSpec } from './batch-manager.js'
export { BatchManager } from './batch-manager.js'
export type { BatchItemResult, BatchProgress } from './batch-result.js'
