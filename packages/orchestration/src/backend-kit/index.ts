/**
 * `@df/orchestration/backend-kit`: the driver-agnostic pieces a SQL backend is built from, so
 * each backend package holds only its SQL, its driver and its error classification. The
 * PostgreSQL, MySQL and SQLite backends use it; a third-party backend may too. Nothing here
 * imports a driver.
 */
export { abortable } from './abortable.js'
export type { DriverErrorRules, DriverErrorShape, ErrorTranslator } from './driver-errors.js'
export { createErrorTranslator, NETWORK_ERROR_CODES } from './driver-errors.js'
export type { OperationRunner, OperationRunnerConfig } from './operation-runner.js'
export { createOperationRunner } from './operation-runner.js'
export type { OptionChecks } from './options.js'
export { optionChecks } from './options.js'
export type { BackendPaging, RunListFilter } from './paging.js'
export { backendPaging, pageFromRows, runListFilter, runQueryStatuses } from './paging.js'
export { applyRunUpdate, applyTaskUpdate } from './record-updates.js'
export type { Row } from './rows.js'
export {
  compareClaimOrder,
  compareScheduleClaimOrder,
  errorToJson,
  jsonColumn,
  newRunRecord,
  newRunValues,
  rowToAttempt,
  rowToPipeline,
  rowToRun,
  rowToSchedule,
  rowToTask,
  rowToWatermark,
} from './rows.js'
export { parseServerUrl } from './url.js'
