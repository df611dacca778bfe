/** The data of the SSE events: from stored task records (the poller) and engine events (pushed). */
import {
  FINISHED_RUN_STATES,
  FINISHED_TASK_STATES,
  type PipelineEvent,
  type TaskRecord,
} from '@df/orchestration'
import { redactText } from './views.js'

/** A `task` event from a stored task instance. */
export function taskData(t: TaskRecord): Record<string, unknown> {
  return {
    runId: t.runId,
    taskId: t.taskId,
    state: t.state,
    attempt: t.attempt,
    ...(t.startedAt !== undefined ? { startedAt: t.startedAt } : {}),
    ...(t.endedAt !== undefined ? { finishedAt: t.endedAt } : {}),
  }
}

/** The event data of an in-process pipeline's event (`run`, `task` or `log`). */
export function pushedData(e: PipelineEvent): Record<string, unknown> {
  if (e.type === 'run') {
    return {
      runId: e.runId,
      pipelineId: e.pipelineId,
      status: e.state,
      trigger: e.trigger,
      ...(e.state === 'RUNNING' ? { startedAt: e.at } : {}),
      ...(FINISHED_RUN_STATES.has(e.state) ? { finishedAt: e.at } : {}),
      ...(e.message !== undefined ? { message: redactText(e.message) } : {}),
    }
  }
  if (e.type === 'task') {
    return {
      runId: e.runId,
      taskId: e.taskId,
      state: e.state,
      attempt: e.attempt,
      ...(e.attemptStartedAt !== undefined ? { startedAt: e.attemptStartedAt } : {}),
      ...(FINISHED_TASK_STATES.has(e.state) ? { finishedAt: e.at } : {}),
    }
  }
  return {
    runId: e.runId,
    taskId: e.taskId,
    attempt: e.attempt,
    level: e.level,
    line: redactText(e.message),
  }
}
