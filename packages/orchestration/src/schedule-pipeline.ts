/**
 * `schedulePipeline`: runs a pipeline's schedule from a script, on a scheduler shared by every
 * pipeline with the same backend and clock (created on first use, dropped when its last schedule
 * stops, so a script can exit). `dremio-cli serve` does the same for every pipeline it loads.
 */
import type { Backend } from './backend.js'
import type { Clock } from './clock.js'
import type { Pipeline } from './pipeline.js'
import type { ScheduleHandle } from './schedule-handle.js'
import type { ResolvedSchedule, ScheduleOptions } from './schedule-options.js'
import { Scheduler } from './scheduler.js'

const schedulers = new WeakMap<Backend, Map<Clock, Scheduler>>()

/**
 * Starts a schedule of `pipeline` in this process and returns its handle: `options` (validated
 * now, `DF_SCHEDULE_INVALID` when wrong), or the pipeline's only declared schedule. The
 * pipeline's backend must implement `ScheduleStore` (`DF_BACKEND_UNSUPPORTED` otherwise).
 * Several processes may run the same schedule on one durable backend: each tick fires once.
 *
 * @example
 * const handle = schedulePipeline(pipeline, { every: '60s' })
 * handle.nextRuns(3) // the next three fire times
 * await handle.stop()
 */
export function schedulePipeline(
  pipeline: Pipeline,
  options?: ScheduleOptions | ResolvedSchedule,
): ScheduleHandle {
  let byClock = schedulers.get(pipeline.backend)
  if (!byClock) {
    byClock = new Map()
    schedulers.set(pipeline.backend, byClock)
  }
  let scheduler = byClock.get(pipeline.clock)
  if (!scheduler) {
    const created = new Scheduler({ backend: pipeline.backend, clock: pipeline.clock })
    created.onEmpty = () => {
      if (byClock.get(pipeline.clock) === created) byClock.delete(pipeline.clock)
    }
    byClock.set(pipeline.clock, created)
    scheduler = created
  }
  return scheduler.add(pipeline, options)
}
