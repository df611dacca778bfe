/**
 * `@df/conformance/remote-executor`: the cases for executors whose attempts run in other
 * processes (worker crash, engine crash, remote cancel, duplicate delivery, tasks rebuilt by type
 * or from loaded pipeline code), and the fixtures their worker processes load.
 */
export type { RemoteCaseContext, RemoteExecutorCase } from './remote/cases.js'
export { remoteCases as REMOTE_EXECUTOR_CASES } from './remote/cases.js'
export { describeRemoteExecutor } from './remote/describe-remote-executor.js'
export {
  PROBE_TYPE,
  probeTask,
  registerConformanceTaskTypes,
  remoteConformancePipelines,
} from './remote/fixtures.js'
export type {
  RemoteExecutorCaseId,
  RemoteExecutorHarness,
  RemoteWorker,
} from './remote/harness.js'
export type { ProbeServer, Report } from './remote/probe-server.js'
