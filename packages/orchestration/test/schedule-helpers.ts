/** Helpers of the scheduler tests: a recording pipeline, a manual-clock scheduler, run listings. */
import {
  type Backend,
  createScheduler,
  type FullBackend,
  type ManualClock,
  nextScheduleRuns,
  Pipeline,
  type RunRecord,
  resolveScheduleOptions,
  type ScheduleEvent,
  type Scheduler,
  Task,
} from '../src/index.js'
import { history } from './helpers.js'

/** ISO text of an epoch ms. */
export const iso = (ms: number): string => new Date(ms).toISOString()

/** The next `n` fire times of a UTC cron expression after `from`, as ISO text. */
export function nextRunsUtc(cron: string, from: number, n: number): string[] {
  const s = resolveScheduleOptions('p', { cron })
  const record = {
    id: 'p',
    pipelineId: 'p',
    spec: s.spec,
    specHash: s.specHash,
    paused: false,
    lastTick: from,
    pending: [],
    updatedAt: 0,
    version: 1,
  }
  return nextScheduleRuns(record, n, from).map((d) => d.toISOString())
}

/** What the recording task saw in one attempt. */
export interface Seen {
  readonly runId: string
  readonly logicalDate: string
  readonly dataIntervalStart: string | undefined
  readonly dataIntervalEnd: string | undefined
  readonly params: unknown
  readonly at: number
}

/**
 * A one-task pipeline on `backend` and `clock` whose task records its context and then runs
 * for `durationMs` on the clock.
 */
export function recordingPipeline(
  name: string,
  clock: ManualClock,
  backend: Backend,
  options: { durationMs?: number; maxActiveRuns?: number } = {},
): { pipeline: Pipeline; seen: Seen[] } {
  const seen: Seen[] = []
  const pipeline = new Pipeline(name, {
    backend,
    clock,
    leaseMs: 3_600_000,
    ...(options.maxActiveRuns !== undefined ? { maxActiveRuns: options.maxActiveRuns } : {}),
  })
  pipeline.addTask(
    new Task({
      name: 'work',
      run: async (ctx) => {
        seen.push({
          runId: ctx.runId,
          logicalDate: ctx.logicalDate,
          dataIntervalStart: ctx.dataIntervalStart,
          dataIntervalEnd: ctx.dataIntervalEnd,
          params: ctx.params,
          at: ctx.now(),
        })
        if (options.durationMs) await ctx.sleep(options.durationMs)
        return { done: true }
      },
    }),
  )
  return { pipeline, seen }
}

/** A scheduler on the manual clock that polls rarely (ticks drive it), with its events. */
export function manualScheduler(
  backend: Backend,
  clock: ManualClock,
  owner = 'scheduler-a',
): { scheduler: Scheduler; events: ScheduleEvent[] } {
  const scheduler = createScheduler({ backend, clock, owner, pollMs: 86_400_000 })
  const events: ScheduleEvent[] = []
  scheduler.on((e) => events.push(e))
  return { scheduler, events }
}

/** The runs of `pipelineId`, oldest tick first (by data interval end, then creation). */
export async function scheduledRuns(backend: Backend, pipelineId: string): Promise<RunRecord[]> {
  const page = await (history(backend) as FullBackend).listRuns({ pipelineId, limit: 1000 })
  return [...page.items].sort(
    (a, b) =>
      (a.dataIntervalEnd ?? '').localeCompare(b.dataIntervalEnd ?? '') || a.createdAt - b.createdAt,
  )
}

/** The ticks (data interval ends) of the runs of `pipelineId`, as ISO text. */
export async function firedTicks(backend: Backend, pipelineId: string): Promise<string[]> {
  return (await scheduledRuns(backend, pipelineId)).map((r) => r.dataIntervalEnd ?? '?')
}
