/**
 * Options of `Pipeline` and of `pipeline.run()`, and the shape `run()` returns.
 */

import type { Backend, RunRecord, RunTrigger, TaskRecord } from './backend.js'
import type { Clock } from './clock.js'
import { OrchestrationError } from './errors.js'
import type { Executor } from './executor.js'
import { checkOptionKeys } from './internal/option-keys.js'
import type { JsonObject } from './json.js'
import { checkParamsSchema, type ParamsSchema } from './params-schema.js'
import type { ScheduleOptions } from './schedule-options.js'
import type { TaskCallbackInfo } from './task.js'

/** Options of `new Pipeline(name, options)`. */
export interface PipelineOptions {
  /** Where runs are stored. @default createMemoryBackend() */
  readonly backend?: Backend
  /** Where attempts run. @default createInProcessExecutor() */
  readonly executor?: Executor
  /** Attempts of one run running at once. @default 16 */
  readonly maxWorkers?: number
  /**
   * Which ready task gets a free worker first. `'depth-first'`: the one that became ready last
   * (its upstream just finished, so a branch runs to its end before the next starts, like Dask);
   * `'fifo'`: the one that has waited longest. @default 'depth-first'
   */
  readonly scheduling?: 'depth-first' | 'fifo'
  /** Runs of this pipeline (in this engine) running at once; more wait QUEUED. @default 16 */
  readonly maxActiveRuns?: number
  /** Time source for retries, timeouts and leases. @default systemClock */
  readonly clock?: Clock
  /** Lease length on a run; renewed every third of it. @default 30_000 */
  readonly leaseMs?: number
  /** This engine instance's id (the lease owner). @default `<hostname>:<pid>:<random>` */
  readonly engineId?: string
  /** Cap on one task result's JSON size. @default 262_144 (256 KiB) */
  readonly maxResultBytes?: number
  /** Cap on one attempt's captured log. @default 65_536 (64 KiB) */
  readonly maxLogBytes?: number
  /**
   * Take over runs of this pipeline whose engine died at each `run()`; they are driven in the
   * background and `close()` waits for them. @default false
   */
  readonly recoverOnRun?: boolean
  /** Random source for retry jitter. @default Math.random */
  readonly random?: () => number
  readonly description?: string
  /**
   * The params runs take, declared JSON-schema style; every trigger (run(), the CLI, the UI, run
   * requests) is validated against it and gets its defaults. Stored with the definition.
   * @example { region: { type: 'string', enum: ['eu', 'us'], default: 'eu' } }
   */
  readonly params?: ParamsSchema
  /**
   * Schedules of the pipeline, validated here (`DF_SCHEDULE_INVALID`); `dremio-cli serve` (or
   * `schedulePipeline`) runs them. Same as calling `pipeline.schedule(options)` for each.
   */
  readonly schedule?: ScheduleOptions | readonly ScheduleOptions[]
  /** Called when a run ends SUCCESS. Errors are reported as log events, never thrown. */
  readonly onSuccess?: (run: RunResult) => unknown
  /** Called when a run ends FAILED. */
  readonly onFailure?: (run: RunResult) => unknown
  /** Called when any task of the pipeline is scheduled for a retry. */
  readonly onRetry?: (info: TaskCallbackInfo) => unknown
}

/** Options of `pipeline.run()`. */
export interface RunOptions {
  /** JSON params, stored with the run and templated as `{{ params.NAME }}`. @default {} */
  readonly params?: JsonObject
  /** In-process values for the tasks (`ctx.context`); not stored. */
  readonly context?: Readonly<Record<string, unknown>>
  /** The instant the run is for (`{{ ds }}`). @default now */
  readonly logicalDate?: Date | string
  /** Aborting it cancels the run. */
  readonly signal?: AbortSignal
  /** @default 'manual' */
  readonly trigger?: RunTrigger
}

/** Options of `pipeline.rerun()`. */
export interface RerunOptions {
  /** `'failed'`: every task that did not succeed and what depends on it; or a task name. @default 'failed' */
  readonly from?: 'failed' | (string & {})
  readonly context?: Readonly<Record<string, unknown>>
  readonly signal?: AbortSignal
}

/** A finished (or current) run with its task instances by task name. */
export interface RunResult extends RunRecord {
  readonly tasks: Readonly<Record<string, TaskRecord>>
}

/** Validated engine settings. */
export interface ResolvedPipelineOptions {
  readonly maxWorkers: number
  readonly maxActiveRuns: number
  readonly leaseMs: number
  readonly maxResultBytes: number
  readonly maxLogBytes: number
}

/** Every key of {@link PipelineOptions}. */
const PIPELINE_OPTION_KEYS: ReadonlySet<string> = new Set([
  'backend',
  'executor',
  'maxWorkers',
  'scheduling',
  'maxActiveRuns',
  'clock',
  'leaseMs',
  'engineId',
  'maxResultBytes',
  'maxLogBytes',
  'recoverOnRun',
  'random',
  'description',
  'params',
  'schedule',
  'onSuccess',
  'onFailure',
  'onRetry',
])

/** Every key of {@link RunOptions}. */
export const RUN_OPTION_KEYS: ReadonlySet<string> = new Set([
  'params',
  'context',
  'logicalDate',
  'signal',
  'trigger',
])

/** Every key of {@link RerunOptions}. */
export const RERUN_OPTION_KEYS: ReadonlySet<string> = new Set(['from', 'context', 'signal'])

/** @throws OrchestrationError `DF_OPTION_INVALID` naming the option. */
export function resolvePipelineOptions(name: string, o: PipelineOptions): ResolvedPipelineOptions {
  checkOptionKeys(o, PIPELINE_OPTION_KEYS, `Pipeline '${name}'`)
  if (o.params !== undefined) checkParamsSchema(name, o.params)
  const int = (key: keyof PipelineOptions, fallback: number, min: number): number => {
    const v = o[key] ?? fallback
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      throw new OrchestrationError(
        'DF_OPTION_INVALID',
        `[@df/orchestration] Pipeline '${name}': ${key} must be a whole number >= ${min}, got ${String(v)}.`,
      )
    }
    return v
  }
  return {
    maxWorkers: int('maxWorkers', 16, 1),
    maxActiveRuns: int('maxActiveRuns', 16, 1),
    leaseMs: int('leaseMs', 30_000, 3),
    maxResultBytes: int('maxResultBytes', 262_144, 2),
    maxLogBytes: int('maxLogBytes', 65_536, 64),
  }
}
