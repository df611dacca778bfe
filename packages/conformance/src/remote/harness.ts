/** The harness a remote executor package hands to `describeRemoteExecutor`. */
import type { Backend, Executor } from '@df/orchestration'

/** Every remote-executor case id. */
export type RemoteExecutorCaseId =
  | 'executor.remote.by-type'
  | 'executor.remote.function-task'
  | 'executor.remote.function-needs-code'
  | 'executor.remote.definition-mismatch'
  | 'executor.remote.worker-crash'
  | 'executor.remote.engine-crash'
  | 'executor.remote.cancel'
  | 'executor.remote.duplicate-delivery'

/** A worker process started by the harness. */
export interface RemoteWorker {
  /** Its process id (tasks report `process.pid`). */
  readonly pid: number
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>
  /** Graceful stop. */
  close(): Promise<void>
}

/** How a remote executor plugs into the suite. */
export interface RemoteExecutorHarness {
  /** Shown in test names. */
  readonly name: string
  /**
   * A fresh executor (not started) on `deployment`: executors and workers of one deployment
   * (e.g. one queue) share work; different deployments never do.
   */
  create(deployment: string): Promise<Executor>
  /**
   * Starts a worker **process** on `deployment` that calls `registerConformanceTaskTypes()` and,
   * with `pipelines: true`, loads `remoteConformancePipelines()` (both from
   * `@df/conformance/remote-executor`). Resolves once it takes work.
   */
  startWorker(deployment: string, options: { readonly pipelines: boolean }): Promise<RemoteWorker>
  /** The backend runs are stored in. @default a fresh memory backend */
  readonly backend?: () => Promise<Backend>
  destroy?(): Promise<void>
  readonly skip?: Readonly<Partial<Record<RemoteExecutorCaseId, string>>>
}
