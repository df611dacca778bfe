export { abortOutcome, LazyAttemptControl } from './attempt-control.js'
export type {
  AttemptRecord,
  Backend,
  BackendCapabilities,
  BackendFactory,
  CancelRequest,
  ErrorRecord,
  FullBackend,
  LeaseRenewal,
  LeaseRenewalResult,
  NewRun,
  NewTask,
  OperationOptions,
  Page,
  PageQuery,
  PipelineRecord,
  RunClaim,
  RunControl,
  RunHistory,
  RunQuery,
  RunRecord,
  RunTrigger,
  RunUpdate,
  TaskCounts,
  TaskDefinition,
  TaskRecord,
  TaskUpdate,
  UpdateResult,
  Watermark,
  WatermarkStore,
} from './backend.js'
export type { BackendFeature } from './backend-features.js'
export {
  hasRunControl,
  hasRunHistory,
  hasScheduleStore,
  hasWatermarkStore,
  requireBackendFeature,
} from './backend-features.js'
export {
  allPages,
  DEFAULT_PAGE_LIMIT,
  decodeCursor,
  encodeCursor,
  MAX_PAGE_LIMIT,
  pageLimit,
} from './backend-paging.js'
export type {
  BackendImporter,
  BackendSchemeTarget,
  BackendUrlModule,
  BackendUrlOptions,
  FromUrlOptions,
} from './backend-url.js'
export {
  BUNDLED_BACKEND_SCHEMES,
  backendSchemes,
  backendUrlScheme,
  createBackendFromUrl,
  loadBackendModule,
  redactBackendUrl,
  registerBackendScheme,
} from './backend-url.js'
export type { Clock, ManualClock, TimerHandle } from './clock.js'
export { createManualClock, systemClock } from './clock.js'
export type { OrchestrationErrorCode } from './errors.js'
export {
  NonRetryableError,
  OrchestrationError,
  RescheduleTaskError,
  SkipTaskError,
} from './errors.js'
export type {
  LogEvent,
  PipelineEvent,
  PipelineEventListener,
  RunEvent,
  TaskEvent,
} from './events.js'
export { EventHub } from './events.js'
export type {
  AttemptControl,
  CancelScope,
  Executor,
  ExecutorHooks,
  TaskDispatch,
  TaskHandler,
  TaskOutcome,
} from './executor.js'
export type { InProcessExecutorOptions } from './in-process-executor.js'
export { createInProcessExecutor } from './in-process-executor.js'
export type { JsonObject, JsonValue } from './json.js'
export type { MemoryBackendOptions } from './memory-backend.js'
export { createMemoryBackend } from './memory-backend.js'
export type { ParamSpec, ParamsSchema } from './params-schema.js'
export { validateRunParams } from './params-schema.js'
export { Pipeline } from './pipeline.js'
export type {
  PipelineOptions,
  RerunOptions,
  ResolvedPipelineOptions,
  RunOptions,
  RunResult,
} from './pipeline-options.js'
export type { Pool } from './pools.js'
export { definePool, getPool } from './pools.js'
export type { RetryOptions, RetryPolicy } from './retry-policy.js'
export { computeRetryDelay, resolveRetryPolicy } from './retry-policy.js'
export type { RunRequestOptions } from './run-requests.js'
export { requestRerun, requestRun } from './run-requests.js'
export type {
  ScheduleDroppedEvent,
  ScheduleErrorEvent,
  ScheduleEvent,
  ScheduleEventListener,
  ScheduleFiredEvent,
  ScheduleQueuedEvent,
  ScheduleSkippedEvent,
} from './schedule-events.js'
export type { ScheduleHandle } from './schedule-handle.js'
export { nextScheduleRuns, setSchedulePaused } from './schedule-handle.js'
export type {
  CatchupPolicy,
  Duration,
  OverlapPolicy,
  ResolvedSchedule,
  ScheduleOptions,
  ScheduleTime,
} from './schedule-options.js'
export { resolveScheduleOptions } from './schedule-options.js'
export { schedulePipeline } from './schedule-pipeline.js'
export type {
  ActiveRunCount,
  NewSchedule,
  ScheduleClaim,
  ScheduleQuery,
  ScheduleRecord,
  ScheduleStore,
  ScheduleUpdate,
} from './schedule-store.js'
export type { ScheduleEntry, SchedulerOptions } from './scheduler.js'
export { createScheduler, Scheduler } from './scheduler.js'
export type { RunState, TaskState } from './states.js'
export { FINISHED_RUN_STATES, FINISHED_TASK_STATES, RUN_STATES, TASK_STATES } from './states.js'
export type {
  TaskCallbackInfo,
  TaskContext,
  TaskLogger,
  TaskOptions,
} from './task.js'
export { chain, Task } from './task.js'
export type { TaskFactory, TaskFactoryOptions } from './task-factory.js'
export { task } from './task-factory.js'
export type { TaskRunnerOptions } from './task-runner.js'
export { createTaskRunner } from './task-runner.js'
export type { TaskDescription, TaskTypeFactory } from './task-types.js'
export {
  registerTaskType,
  taskDescriptionFields,
  taskFromDescription,
  taskTypes,
} from './task-types.js'
export type { TemplateContext } from './template.js'
export { renderTemplate, TEMPLATE_FILTERS, templatePlaceholders } from './template.js'
export type { TriggerRule, TriggerRuleCounts, TriggerRuleResult } from './trigger-rules.js'
export { evaluateTriggerRule, isTriggerRule, TRIGGER_RULES } from './trigger-rules.js'
