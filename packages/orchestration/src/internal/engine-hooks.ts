/**
 * One set of executor hooks for the whole process, routing by run id to the driver of that run.
 * Sharing one hooks object lets several pipelines share an executor (`start` is idempotent for
 * the same hooks). When a run is taken over by another engine instance in the same process, the
 * newer driver replaces the older one here; stale outcomes are ignored by attempt number.
 */
import type { ExecutorHooks, TaskDispatch, TaskOutcome } from '../executor.js'
import type { RunDriver } from './run-driver.js'

const drivers = new Map<string, RunDriver>()

function noEngine(d: TaskDispatch): TaskOutcome {
  return {
    status: 'failed',
    retryable: false,
    error: {
      message: `[@df/orchestration] No engine in this process drives run '${d.runId}' (task '${d.taskId}', attempt ${d.attempt}).`,
      name: 'OrchestrationError',
    },
  }
}

/** The hooks every executor is started with. */
export const ENGINE_HOOKS: ExecutorHooks = {
  run: (d, control) => drivers.get(d.runId)?.execute(d, control) ?? Promise.resolve(noEngine(d)),
  onOutcome: (d, outcome) => drivers.get(d.runId)?.onOutcome(d, outcome),
}

export function registerDriver(driver: RunDriver): void {
  drivers.set(driver.runId, driver)
}

export function unregisterDriver(driver: RunDriver): void {
  if (drivers.get(driver.runId) === driver) drivers.delete(driver.runId)
}
