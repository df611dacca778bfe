/** The harness an executor package hands to `describeExecutor`, and case plumbing. */
import type { Backend, Executor } from '@df/orchestration'

/** Every executor conformance case id. */
export type ExecutorCaseId =
  | 'executor.lifecycle.not-started'
  | 'executor.order.topological'
  | 'executor.concurrency.limit'
  | 'executor.retry.backoff'
  | 'executor.retry.non-retryable'
  | 'executor.cancel.aborts'
  | 'executor.timeout.aborts'
  | 'executor.redelivery.after-lease-expiry'
  | 'executor.close.drain'

/** How an executor package plugs into the suite. */
export interface ExecutorHarness<E extends Executor = Executor> {
  /** Shown in test names: `executor conformance [bullmq]`. */
  readonly name: string
  /** A fresh executor (not started) that runs at most `concurrency` attempts at once. */
  create(options: { readonly concurrency: number }): Promise<E>
  /** The backend the pipeline cases store runs in. @default a fresh memory backend */
  readonly backend?: () => Promise<Backend>
  /** Runs once after the suite. */
  destroy?(): Promise<void>
  /** Cases this executor cannot pass, by id, each with a reason. */
  readonly skip?: Readonly<Partial<Record<ExecutorCaseId, string>>>
}

/** What a case receives. */
export interface ExecutorCaseContext {
  readonly harness: ExecutorHarness
  /** Creates an executor and closes it after the case. */
  executor(concurrency?: number): Promise<Executor>
  /** A fresh backend (the harness's, or memory). */
  backend(): Promise<Backend>
}

/** One case. */
export interface ExecutorCase {
  readonly id: ExecutorCaseId
  readonly title: string
  readonly run: (ctx: ExecutorCaseContext) => Promise<void>
}

/** Declares a case. */
export function defineExecutorCase(
  id: ExecutorCaseId,
  title: string,
  run: (ctx: ExecutorCaseContext) => Promise<void>,
): ExecutorCase {
  return { id, title, run }
}
