/**
 * How the scheduler reaches a pipeline's run launcher without a public method: each Pipeline
 * registers its `launchScheduled` here when it is constructed (a process-wide WeakMap, like the
 * engine hooks' driver map).
 */
import type { RunRecord } from '../backend.js'
import type { Pipeline } from '../pipeline.js'
import type { RunResult } from '../pipeline-options.js'
import type { ScheduledFire } from './run-launcher.js'

/** Creates and drives a schedule tick's run (see `RunLauncher.launchScheduled`). */
export type ScheduledLaunch = (fire: ScheduledFire) => {
  created: Promise<RunRecord>
  done: Promise<RunResult>
}

const launchers = new WeakMap<Pipeline, ScheduledLaunch>()

export function registerScheduledLaunch(pipeline: Pipeline, launch: ScheduledLaunch): void {
  launchers.set(pipeline, launch)
}

/** The pipeline's launcher, or undefined for a pipeline of another copy of this package. */
export function scheduledLaunchOf(pipeline: Pipeline): ScheduledLaunch | undefined {
  return launchers.get(pipeline)
}
