/**
 * Runs one attempt of a task function and turns whatever happens into a `TaskOutcome`: the
 * engine's `TaskHandler`. It never rejects. A task that ignores `ctx.signal` still ends its
 * attempt when the signal aborts (timeout, cancel): the function keeps running in the
 * background, but the engine moves on.
 */
import type { ErrorRecord } from '../backend.js'
import { OrchestrationError } from '../errors.js'
import type { AttemptControl, TaskDispatch, TaskOutcome } from '../executor.js'
import type { Task } from '../task.js'
import { AttemptContext } from './attempt-context.js'
import { checkJsonResult } from './json-result.js'
import type { RunDriver } from './run-driver.js'

/** Runs attempt `d` of `driver`'s run (the engine's TaskHandler); a task it lacks fails at once. */
export function executeAttempt(
  driver: RunDriver,
  d: TaskDispatch,
  control: AttemptControl,
): Promise<TaskOutcome> {
  const index = driver.cfg.graph.index.get(d.taskId)
  if (index === undefined) {
    return Promise.resolve({
      status: 'failed',
      retryable: false,
      error: {
        message: `[@df/orchestration] Pipeline '${driver.pipelineId}' has no task '${d.taskId}'.`,
        name: 'OrchestrationError',
        code: 'DF_DEFINITION_MISMATCH',
      },
    })
  }
  const ctx = new AttemptContext(driver, index, d.taskId, d.attempt, control)
  return runAttempt(driver.cfg.graph.tasks[index]!, ctx, driver.cfg.maxResultBytes)
}

/** Runs `task` with `ctx`; settles with the attempt's outcome. */
export async function runAttempt(
  task: Task,
  ctx: AttemptContext,
  maxResultBytes: number,
): Promise<TaskOutcome> {
  const control = ctx.control
  try {
    if (control.aborted) throw control.reason
    let value = task.fn(ctx)
    // No race against the signal here: the executor reports a timeout or cancel itself.
    if (
      value !== null &&
      typeof value === 'object' &&
      typeof (value as PromiseLike<unknown>).then === 'function'
    ) {
      value = await value
    }
    const result = checkJsonResult(value, maxResultBytes, task.name)
    const log = ctx.capturedLog()
    const outcome: TaskOutcome & { status: 'success' } =
      result === undefined
        ? log === undefined
          ? SUCCESS
          : { status: 'success', log }
        : log === undefined
          ? { status: 'success', result }
          : { status: 'success', result, log }
    return ctx.meta === undefined ? outcome : { ...outcome, meta: ctx.meta }
  } catch (error) {
    const outcome = withFailureResult(
      classify(error, control, ctx.capturedLog()),
      error,
      maxResultBytes,
      task.name,
    )
    return ctx.meta === undefined || outcome.status === 'skipped' || outcome.status === 'reschedule'
      ? outcome
      : { ...outcome, meta: ctx.meta }
  }
}

/**
 * A failing task may carry a JSON `result` on its error (a data-quality report, say): it is stored
 * as the task's result, so a failed run still shows what was observed. One that is not valid JSON
 * or is over the cap is dropped: the failure itself must not be lost to a bad report.
 */
function withFailureResult(
  outcome: TaskOutcome,
  error: unknown,
  maxResultBytes: number,
  taskName: string,
): TaskOutcome {
  if (outcome.status !== 'failed' || typeof error !== 'object' || error === null) return outcome
  const carried = (error as { result?: unknown }).result
  if (carried === undefined) return outcome
  try {
    const result = checkJsonResult(carried, maxResultBytes, taskName)
    return result === undefined ? outcome : { ...outcome, result }
  } catch {
    return outcome
  }
}

const SUCCESS: TaskOutcome & { status: 'success' } = Object.freeze({ status: 'success' })

function classify(error: unknown, control: AttemptControl, log: string | undefined): TaskOutcome {
  const withLog = <T extends object>(o: T): T => (log === undefined ? o : { ...o, log })
  if (
    control.aborted &&
    (error === control.reason || isCode(error, 'DF_TASK_TIMEOUT') || isCode(error, 'DF_CANCELLED'))
  ) {
    const reason = control.reason
    if (isCode(reason, 'DF_TASK_TIMEOUT')) {
      return withLog({
        status: 'failed',
        retryable: true,
        timedOut: true,
        error: toErrorRecord(reason),
      })
    }
    return withLog({ status: 'cancelled', reason: messageOf(reason) })
  }
  if (
    error instanceof Error &&
    error.name === 'RescheduleTaskError' &&
    Number.isFinite((error as { at?: unknown }).at)
  ) {
    return withLog({ status: 'reschedule', at: (error as unknown as { at: number }).at })
  }
  if (error instanceof Error && error.name === 'SkipTaskError') {
    return withLog({ status: 'skipped', reason: error.message || 'The task skipped itself.' })
  }
  const retryable = !(
    (typeof error === 'object' &&
      error !== null &&
      (error as { retryable?: unknown }).retryable === false) ||
    isCode(error, 'DF_RESULT_INVALID')
  )
  return withLog({ status: 'failed', retryable, error: toErrorRecord(error) })
}

function isCode(error: unknown, code: string): boolean {
  return OrchestrationError.is(error) && error.code === code
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** A thrown value as stored: message, name, code, stack. */
export function toErrorRecord(error: unknown): ErrorRecord {
  if (!(error instanceof Error)) return { message: String(error), name: typeof error }
  const code = (error as { code?: unknown }).code
  return {
    message: error.message,
    name: error.name,
    ...(typeof code === 'string' ? { code } : {}),
    ...(error.stack !== undefined ? { stack: error.stack } : {}),
  }
}
