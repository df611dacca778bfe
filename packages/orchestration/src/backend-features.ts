/**
 * Detecting a backend's optional interfaces (`RunHistory`, `RunControl`, `WatermarkStore`,
 * `ScheduleStore`), and
 * asking for one with a clear error when a feature needs it. A backend declares an interface by
 * having all of its methods; nothing else is looked at.
 */
import type { Backend, RunControl, RunHistory, WatermarkStore } from './backend.js'
import { OrchestrationError } from './errors.js'
import type { ScheduleStore } from './schedule-store.js'

const RUN_HISTORY = ['getPipeline', 'listPipelines', 'listRuns', 'listAttempts', 'deleteRuns']
const RUN_CONTROL = ['requestCancel']
const WATERMARKS = ['getWatermark', 'setWatermark']
const SCHEDULES = [
  'putSchedule',
  'getSchedule',
  'listSchedules',
  'claimSchedules',
  'updateSchedule',
  'deleteSchedule',
  'countActiveRuns',
]

function hasAll(backend: object, methods: readonly string[]): boolean {
  return methods.every((m) => typeof (backend as Record<string, unknown>)[m] === 'function')
}

/** True when `backend` implements `RunHistory` (lists, attempts, deletion). */
export function hasRunHistory<B extends Backend>(backend: B): backend is B & RunHistory {
  return hasAll(backend, RUN_HISTORY)
}

/** True when `backend` implements `RunControl` (cross-process cancel requests). */
export function hasRunControl<B extends Backend>(backend: B): backend is B & RunControl {
  return hasAll(backend, RUN_CONTROL)
}

/** True when `backend` implements `WatermarkStore`. */
export function hasWatermarkStore<B extends Backend>(backend: B): backend is B & WatermarkStore {
  return hasAll(backend, WATERMARKS)
}

/** True when `backend` implements `ScheduleStore` (durable schedules for the scheduler). */
export function hasScheduleStore<B extends Backend>(backend: B): backend is B & ScheduleStore {
  return hasAll(backend, SCHEDULES)
}

const CHECKS = {
  RunHistory: hasRunHistory,
  RunControl: hasRunControl,
  WatermarkStore: hasWatermarkStore,
  ScheduleStore: hasScheduleStore,
} as const

/** The optional backend interfaces, by name. */
export type BackendFeature = keyof typeof CHECKS

type FeatureOf<F extends BackendFeature> = F extends 'RunHistory'
  ? RunHistory
  : F extends 'RunControl'
    ? RunControl
    : F extends 'ScheduleStore'
      ? ScheduleStore
      : WatermarkStore

/**
 * Returns `backend` typed with the optional interface `feature`, or throws
 * `DF_BACKEND_UNSUPPORTED` naming the backend, the interface and what needed it.
 *
 * @example
 * const history = requireBackendFeature(backend, 'RunHistory', 'dremio-cli pipeline list')
 * const page = await history.listRuns({ limit: 20 })
 */
export function requireBackendFeature<B extends Backend, F extends BackendFeature>(
  backend: B,
  feature: F,
  neededBy: string,
): B & FeatureOf<F> {
  if (CHECKS[feature](backend)) return backend as B & FeatureOf<F>
  throw new OrchestrationError(
    'DF_BACKEND_UNSUPPORTED',
    `[@df/orchestration] The '${backend.name}' backend does not implement ${feature}, which ${neededBy} needs; use a backend that does (memory, sqlite, postgres and mysql all do).`,
  )
}
