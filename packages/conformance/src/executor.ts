/**
 * `@df/conformance/executor`: the shared suite every `Executor` must pass and its harness API.
 */
export { describeExecutor, EXECUTOR_CASES } from './executor/describe-executor.js'
export type {
  ExecutorCase,
  ExecutorCaseContext,
  ExecutorCaseId,
  ExecutorHarness,
} from './executor/harness.js'
export { defineExecutorCase } from './executor/harness.js'
