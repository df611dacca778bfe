/**
 * `@df/tasks`: the task library for `@df/orchestration` pipelines: Dremio SQL, Iceberg
 * maintenance, data quality (tasks and YAML suites), SQL and file sensors, HTTP, Shell, Email, S3
 * and dbt tasks. Every task here is a plain serialisable description (`type` + JSON `options`,
 * the client referenced by name); importing this package registers the types, so
 * `taskFromDescription` from `@df/orchestration` rebuilds them (e.g. on a distributed worker).
 */
export type { DremioClientRef } from './client-registry.js'
export {
  DEFAULT_CLIENT_NAME,
  registerDremioClient,
  resolveDremioClient,
} from './client-registry.js'
export type {
  CheckCommon,
  CompareOp,
  CustomSqlCheck,
  DataQualityCheck,
  FreshnessCheck,
  NotNullCheck,
  RowCountCheck,
  SchemaCheck,
  Severity,
  UniqueCheck,
  ValuesInCheck,
} from './data-quality/checks.js'
export { CHECK_TYPES, dq } from './data-quality/checks.js'
export type { DataQualityTaskOptions } from './data-quality/data-quality-task.js'
export { DataQualityError, DataQualityTask } from './data-quality/data-quality-task.js'
export { checkStatusWord, formatDataQualityReports } from './data-quality/format-report.js'
export { normalizeCheck } from './data-quality/normalize-check.js'
export type { CheckResult, DataQualityReport, RunChecksOptions } from './data-quality/run-checks.js'
export { runDataQualityChecks } from './data-quality/run-checks.js'
export type {
  DataQualityRun,
  DataQualitySuite,
  DataQualitySuiteReport,
  RunDataQualityOptions,
} from './data-quality/yaml-suites.js'
export {
  findSuiteFiles,
  loadDataQualitySuites,
  parseSuiteFile,
  runDataQuality,
} from './data-quality/yaml-suites.js'
export type { DbtTaskOptions, DbtTaskResult } from './dbt/dbt-task.js'
export { DbtTask } from './dbt/dbt-task.js'
export type { DbtRunSummary } from './dbt/run-results.js'
export type { DremioQueryResult, DremioQueryTaskOptions } from './dremio-query-task.js'
export { DremioQueryTask, executeResultFields } from './dremio-query-task.js'
export { DremioTaskError } from './dremio-task-error.js'
export type { DailyPipelineOptions } from './examples/daily-pipeline.js'
export { createDailyPipeline, prepareDailyPipelineData } from './examples/daily-pipeline.js'
export type { EmailTaskOptions, EmailTaskResult } from './general/email-task.js'
export { EmailTask } from './general/email-task.js'
export type { HttpTaskOptions, HttpTaskResult } from './general/http-task.js'
export { HttpTask } from './general/http-task.js'
export type { S3Operation, S3TaskOptions } from './general/s3-task.js'
export { S3Task } from './general/s3-task.js'
export type { ShellTaskOptions, ShellTaskResult } from './general/shell-task.js'
export { ShellTask } from './general/shell-task.js'
export type {
  ExpireSnapshotsSqlOptions,
  OptimizeSqlOptions,
  RemoveOrphanFilesSqlOptions,
  TablePath,
} from './iceberg-sql.js'
export {
  expireSnapshotsSql,
  optimizeTableSql,
  refreshReflectionsSql,
  removeOrphanFilesSql,
} from './iceberg-sql.js'
export type {
  ExpireSnapshotsTaskOptions,
  MaintenanceResult,
  OptimizeTaskOptions,
  RefreshReflectionTaskOptions,
  RemoveOrphanFilesTaskOptions,
} from './iceberg-tasks.js'
export {
  ExpireSnapshotsTask,
  OptimizeTask,
  RefreshReflectionTask,
  RemoveOrphanFilesTask,
  VacuumTask,
} from './iceberg-tasks.js'
export type { DremioTaskOptions } from './internal/task-support.js'
export type { FileSensorOptions } from './sensors/file-sensor.js'
export { FileSensor, listFilesSql } from './sensors/file-sensor.js'
export type {
  FunctionSensorOptions,
  PokeResult,
  SensorMode,
  SensorOptions,
} from './sensors/sensor.js'
export { Sensor, SensorTimeoutError } from './sensors/sensor.js'
export type { SqlSensorOptions } from './sensors/sql-sensor.js'
export { SqlSensor } from './sensors/sql-sensor.js'
export { splitSqlStatements } from './split-sql.js'
export { LIBRARY_TASK_CLASSES, registerLibraryTaskTypes } from './task-types.js'
