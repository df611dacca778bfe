/**
 * One set of executor hooks for the whole process, routing by run id to the driver of that run.
 * Sharing one hooks object lets several pipelines share an executor (`start` is idempotent for
 * the same hooks). When a run is taken over by another engine instance in the same process, both
 * drivers are listed until the old one notices it lost the run; `engineId` routes each attempt.
 */
import type { AttemptControl, ExecutorHooks, TaskDispatch, TaskOutcome } from '../executor.js'
import type { RunDriver } from './run-driver.js'

/** Drivers by run id; more than one only while a taken-over run's old driver winds down. */
const drivers = new Map<string, RunDriver[]>()

function find(d: TaskDispatch): RunDriver | undefined {
  const list = drivers.get(d.runId)
  if (!list) return undefined
  if (list.length === 1) return list[0]
  return list.find((x) => x.cfg.owner === d.engineId) ?? list[list.length - 1]
}

function noEngine(d: TaskDispatch): TaskOutcome {
  return {
    status: 'failed',
    retryable: false,
    error: {
      message: `[@df/orchestration] No engine in this process drives run '${d.runId}' (task '${d.taskId}', attempt ${d.attempt}).`,
      name: 'OrchestrationError',
      code: 'DF_ENGINE_NOT_FOUND',
    },
  }
}

/** The hooks every executor is started with. */
export const ENGINE_HOOKS: ExecutorHooks = {
  run: (d, control) => find(d)?.execute(d, control) ?? Promise.resolve(noEngine(d)),
  onOutcome: (d, outcome) => find(d)?.onOutcome(d, outcome),
  onStart: (d, worker) => find(d)?.onStart(d, worker),
}

/**
 * Runs attempt `d` with the engine in this process that drives its run (full `ctx`, including
 * `ctx.context`), or returns undefined when no engine here drives it.
 */
export function runWithLocalEngine(
  d: TaskDispatch,
  control: AttemptControl,
): Promise<TaskOutcome> | undefined {
  return find(d)?.execute(d, control)
}

export function registerDriver(driver: RunDriver): void {
  const list = drivers.get(driver.runId)
  if (list) list.push(driver)
  else drivers.set(driver.runId, [driver])
}

export function unregisterDriver(driver: RunDriver): void {
  const list = drivers.get(driver.runId)
  if (!list) return
  const i = list.indexOf(driver)
  if (i >= 0) list.splice(i, 1)
  if (list.length === 0) drivers.delete(driver.runId)
}
