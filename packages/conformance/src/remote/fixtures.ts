/**
 * What the remote-executor cases run, loaded identically by the case (engine side) and by the
 * harness's worker processes: a registered task type (`conformance.probe`, rebuilt by type on a
 * worker) and a few function-task pipelines (which a worker runs only if it loaded them). Tasks
 * report to the case over HTTP (`params.url`), so a case sees what happened on the worker.
 */
import {
  Pipeline,
  registerTaskType,
  Task,
  type TaskContext,
  type TaskDescription,
  taskDescriptionFields,
} from '@df/orchestration'

/** The task type the cases rebuild remotely. */
export const PROBE_TYPE = 'conformance.probe'

/** Posts one report to the case's probe server; never fails the task. */
export async function report(ctx: TaskContext, event: string, extra: object = {}): Promise<void> {
  const url = ctx.params.url
  if (typeof url !== 'string') return
  const body = { event, taskId: ctx.taskId, attempt: ctx.attempt, pid: process.pid, ...extra }
  await fetch(url, { method: 'POST', body: JSON.stringify(body) }).catch(() => {})
}

/** Waits `ms` on the attempt's signal; reports `aborted` (with the reason's code) if it aborts. */
export async function waitOnSignal(ctx: TaskContext, ms: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms)
    ctx.signal.addEventListener('abort', () => {
      clearTimeout(timer)
      const code = (ctx.signal.reason as { code?: unknown })?.code
      void report(ctx, 'aborted', { code }).finally(() => reject(ctx.signal.reason))
    })
  })
}

/** `mode: 'echo'` returns what the worker saw; `mode: 'wait'` waits on its signal. */
function probe(d: TaskDescription): Task {
  const options = d.options ?? {}
  return new Task({
    ...(taskDescriptionFields(d) as { name: string }),
    type: PROBE_TYPE,
    options,
    run: async (ctx) => {
      await report(ctx, 'start')
      if (options.mode === 'wait') await waitOnSignal(ctx, Number(options.ms ?? 60_000))
      const { url: _url, ...params } = ctx.params
      return {
        options,
        params,
        logicalDate: ctx.logicalDate,
        attempt: ctx.attempt,
        pid: process.pid,
      }
    },
  })
}

/** Registers `conformance.probe` (idempotent). Worker processes call it at start. */
export function registerConformanceTaskTypes(): void {
  registerTaskType(PROBE_TYPE, probe)
}

/** A probe task, as the case builds it. */
export function probeTask(
  name: string,
  options: { mode: 'echo' | 'wait'; ms?: number; label?: string },
): Task {
  registerConformanceTaskTypes()
  return probe({ name, type: PROBE_TYPE, options })
}

/** `src` → `fn`: function tasks; `fn` returns `ctx.get('src').v + 1` (42). */
export function functionPipeline(options: { description?: string } = {}): Pipeline {
  const src = new Task({ name: 'src', retries: 2, run: () => ({ v: 41 }) })
  const fn = new Task({
    name: 'fn',
    retries: 2,
    run: async (ctx) => {
      await report(ctx, 'start')
      return { v: ctx.get<{ v: number }>('src').v + 1, pid: process.pid }
    },
  })
  src.setDownstream(fn)
  return new Pipeline('conf_remote_fn', options).addTask(src, fn)
}

/** One function task `slow` (retries 2, no delay) that waits `params.ms` on its signal. */
export function slowPipeline(): Pipeline {
  const slow = new Task({
    name: 'slow',
    retries: 2,
    retryDelay: 0,
    run: async (ctx) => {
      await report(ctx, 'start')
      await waitOnSignal(ctx, Number(ctx.params.ms ?? 2000))
      return { attempt: ctx.attempt, pid: process.pid }
    },
  })
  return new Pipeline('conf_remote_slow').addTask(slow)
}

/** The pipelines a worker process loads with `pipelines: true`. */
export function remoteConformancePipelines(): Pipeline[] {
  registerConformanceTaskTypes()
  return [functionPipeline(), slowPipeline()]
}
