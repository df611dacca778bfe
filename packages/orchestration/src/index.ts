export type {
  AttemptRecord,
  Backend,
  BackendCapabilities,
  BackendFactory,
  ErrorRecord,
  LeaseRenewal,
  NewRun,
  NewTask,
  OperationOptions,
  Page,
  PageQuery,
  PipelineRecord,
  RunClaim,
  RunQuery,
  RunRecord,
  RunTrigger,
  RunUpdate,
  TaskDefinition,
  TaskRecord,
  TaskUpdate,
  UpdateResult,
  Watermark,
} from './backend.js'
export type { OrchestrationErrorCode } from './errors.js'
export { NonRetryableError, OrchestrationError, SkipTaskError } from './errors.js'
export type { Executor, ExecutorHooks, TaskDispatch, TaskHandler, TaskOutcome } from './executor.js'
export type { JsonObject, JsonValue } from './json.js'
export type { RunState, TaskState } from './states.js'
export { FINISHED_RUN_STATES, FINISHED_TASK_STATES, RUN_STATES, TASK_STATES } from './states.js'
