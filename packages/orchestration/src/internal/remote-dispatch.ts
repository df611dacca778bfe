/**
 * The dispatch of an attempt. What a worker in another process needs to build the attempt's
 * `ctx` is added only for remote executors (`Executor.remote`): the in-process path keeps its
 * small dispatch.
 */
import type { TaskDispatch } from '../executor.js'
import type { JsonValue } from '../json.js'
import type { RunDriver } from './run-driver.js'

/** The dispatch of task `index`'s current attempt. */
export function dispatchOf(driver: RunDriver, index: number): TaskDispatch {
  const task = driver.cfg.graph.tasks[index]!
  const attempt = driver.table.attempts[index]!
  const d: { -readonly [K in keyof TaskDispatch]: TaskDispatch[K] } = {
    runId: driver.runId,
    pipelineId: driver.pipelineId,
    taskId: task.name,
    attempt,
    type: task.type,
    idempotencyKey: `${driver.runId}/${task.name}/${attempt}`,
    engineId: driver.cfg.owner,
  }
  if (task.timeoutMs !== undefined) d.timeoutMs = task.timeoutMs
  if (task.options !== undefined) d.options = task.options
  if (driver.cfg.executor.remote === true) addRemoteFields(d, driver, index)
  return d
}

/** Fills the run context and the direct upstream results of task `index` into `d`. */
export function addRemoteFields(
  d: { -readonly [K in keyof TaskDispatch]: TaskDispatch[K] },
  driver: RunDriver,
  index: number,
): void {
  d.logicalDate = driver.logicalDate
  if (driver.dataIntervalStart !== undefined) d.dataIntervalStart = driver.dataIntervalStart
  if (driver.dataIntervalEnd !== undefined) d.dataIntervalEnd = driver.dataIntervalEnd
  d.params = driver.params
  const graph = driver.cfg.graph
  d.definitionHash = graph.definitionHash
  const started = driver.table.firstStartedAt[index]
  if (started !== undefined) d.taskStartedAt = started
  const inputs: Record<string, JsonValue> = {}
  for (const u of graph.upstream[index]!) {
    const result = driver.table.results[u]
    if (result !== undefined) inputs[graph.tasks[u]!.name] = result
  }
  d.inputs = inputs
}
