/**
 * Task and pipeline callbacks (`onSuccess`, `onFailure`, `onRetry`): fired without letting them
 * break the run; a callback that throws or rejects becomes an error log line of the attempt.
 */
import type { TaskCallbackInfo } from '../task.js'
import type { AttemptHost } from './attempt-context.js'

/** Calls `fn(info)` when given; its failure is logged on attempt `attempt` of task `taskIndex`. */
export function fireCallback(
  host: Pick<AttemptHost, 'emitLog'>,
  taskIndex: number,
  attempt: number,
  fn: ((info: TaskCallbackInfo) => unknown) | undefined,
  info: TaskCallbackInfo,
  label: string,
): void {
  if (!fn) return
  const report = (error: unknown) =>
    host.emitLog(
      taskIndex,
      attempt,
      'error',
      `${label} callback failed: ${error instanceof Error ? error.message : String(error)}`,
    )
  try {
    const r = fn(info)
    if (r && typeof (r as Promise<unknown>).then === 'function')
      (r as Promise<unknown>).then(undefined, report)
  } catch (error) {
    report(error)
  }
}
