/**
 * How the scheduler reaches a pipeline's run launcher without a public method: each Pipeline
 * registers its `launchScheduled` here when it is constructed. The map is shared by every copy
 * of this package in the process (a `Symbol.for` key on `globalThis`): `dremio-cli` is a bundle
 * with its own copy of the engine, and the pipeline modules it loads import the installed one.
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

const KEY = Symbol.for('@df/orchestration/scheduled-launchers')
const shared = globalThis as { [KEY]?: WeakMap<Pipeline, ScheduledLaunch> }
if (!shared[KEY]) shared[KEY] = new WeakMap()
const launchers: WeakMap<Pipeline, ScheduledLaunch> = shared[KEY]

export function registerScheduledLaunch(pipeline: Pipeline, launch: ScheduledLaunch): void {
  launchers.set(pipeline, launch)
}

/** The pipeline's launcher, or undefined for an object that is not a Pipeline. */
export function scheduledLaunchOf(pipeline: Pipeline): ScheduledLaunch | undefined {
  return launchers.get(pipeline)
}
