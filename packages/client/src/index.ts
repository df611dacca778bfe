/**
 * `@df/client`: a Dremio client (Software and Cloud) over REST and Arrow Flight: auth, SQL jobs,
 * results as rows or Apache Arrow, catalog, and the SQL-building helpers every `@df` package uses.
 */
export { ArrowTableBuilder, decimalWords, dremioTypeToArrow } from './arrow.js'
export type {
  CatalogEntity,
  CatalogItem,
  CatalogTags,
  CatalogWiki,
  DatasetFormat,
} from './catalog.js'
export { Catalog, encodeCatalogPath } from './catalog.js'
export type { QueryOptions } from './client.js'
export { DremioClient } from './client.js'
export { brandError, ERROR_BRAND, isBranded } from './error-brand.js'
export type { DremioErrorCode } from './errors.js'
export {
  DremioConfigError,
  DremioConnectionError,
  DremioError,
  DremioHttpError,
  DremioJobCancelledError,
  DremioJobFailedError,
  RETRYABLE_STATUSES,
  sqlExcerpt,
} from './errors.js'
export type {
  DdlResult,
  DmlResult,
  ExecuteResult,
  OptimizeResult,
  RowsResult,
  VacuumResult,
} from './execute-result.js'
export { parseExecuteResult } from './execute-result.js'
export type { FlightTarget } from './flight/endpoint.js'
export { DEFAULT_FLIGHT_PORT, parseFlightUrl } from './flight/endpoint.js'
export type { FlightCall } from './flight/flight-error.js'
export { DremioFlightError } from './flight/flight-error.js'
export type {
  FlightDataMessage,
  FlightInfoMessage,
  FlightProtocol,
  SetSessionOptionsRequestMessage,
  SetSessionOptionsResultMessage,
} from './flight/protocol.js'
export { FLIGHT_PROTO_PATH, flightProtocol } from './flight/protocol.js'
export type { ResultTransport } from './flight/results.js'
export { batchRows } from './flight/rows.js'
export { dremioSchemaOf } from './flight/schema.js'
export { Job } from './job.js'
export type { LoadData, LoadRow } from './loading/load-data.js'
export type { LoadErrorReason } from './loading/load-error.js'
export { DremioLoadError } from './loading/load-error.js'
export type { LoadMethod, LoadOptions, LoadProgress, LoadResult } from './loading/load-options.js'
export { LOAD_DEFAULTS } from './loading/load-options.js'
export { createTable, insertRows } from './loading/load-table.js'
export type { LocalDirectoryStagerOptions } from './loading/local-directory-stager.js'
export { createLocalDirectoryStager } from './loading/local-directory-stager.js'
export type { ParquetCompression } from './loading/parquet.js'
export type { S3ClientLike, S3StagerOptions } from './loading/s3-stager.js'
export { createS3Stager } from './loading/s3-stager.js'
export type { Stager, StagingArea } from './loading/stager.js'
export type { LoadSchema, SafeParseSchema } from './loading/validate.js'
export type { DremioClientOptions, DremioLogger, ResolvedConfig, RetryOptions } from './options.js'
export { DREMIO_ENV_VARS, optionsFromEnv, resolveOptions } from './options.js'
export type { SqlLiteralType, SqlValue } from './sql.js'
export { parsePath, quoteIdentifier, quotePath, sqlLiteral } from './sql.js'
export type { SqlText } from './sql-template.js'
export { ident, raw, SqlFragment, sql, sqlText } from './sql-template.js'
export type {
  DremioField,
  DremioType,
  JobState,
  JobStatus,
  ReadOptions,
  ResultPage,
  Row,
  SubmitOptions,
  WaitOptions,
} from './types.js'
export { TERMINAL_JOB_STATES } from './types.js'
