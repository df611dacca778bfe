/**
 * Builders for conformance cases and backend-specific tests: valid records with unique ids, so
 * cases never collide even when they share one store.
 */
import type {
  Backend,
  NewRun,
  NewSchedule,
  PipelineRecord,
  RunRecord,
  TaskUpdate,
} from '@df/orchestration'

let counter = 0
const session = Math.random().toString(36).slice(2, 8)

/** A unique, sortable id: `<prefix>-<session>-<counter>`. */
export function uniqueId(prefix = 'id'): string {
  counter += 1
  return `${prefix}-${session}-${String(counter).padStart(6, '0')}`
}

/** A fixed epoch (2024-01-01T00:00:00Z) the fixtures count from; cases never read the wall clock. */
export const BASE_TIME = 1_704_067_200_000

let tick = 0
/** A strictly increasing instant after {@link BASE_TIME}, one second apart per call. */
export function nextTime(): number {
  tick += 1
  return BASE_TIME + tick * 1000
}

/** A valid pipeline definition (three tasks in a line); override any field. */
export function newPipeline(overrides: Partial<PipelineRecord> = {}): PipelineRecord {
  return {
    id: uniqueId('pipe'),
    tasks: [
      { name: 'extract', type: 'function', upstream: [], triggerRule: 'all_success', retries: 0 },
      {
        name: 'transform',
        type: 'dremio.query',
        upstream: ['extract'],
        triggerRule: 'all_success',
        retries: 2,
        timeoutMs: 60_000,
        options: { sql: 'SELECT 1', context: ['space', 'folder'] },
      },
      {
        name: 'load',
        type: 'function',
        upstream: ['transform'],
        triggerRule: 'all_done',
        retries: 0,
        pool: 'dremio',
      },
    ],
    options: { maxWorkers: 4, maxActiveRuns: 1 },
    definitionHash: 'sha256:0f1e2d',
    updatedAt: nextTime(),
    ...overrides,
  }
}

/** Overrides for {@link newRun}: any run field, plus `taskIds` as a shortcut for `tasks`. */
export type NewRunOverrides = Partial<NewRun> & { readonly taskIds?: readonly string[] }

/**
 * A valid `NewRun` (QUEUED, three PENDING tasks, a fresh `createdAt`); override any field.
 * `pipelineId` defaults to `'conformance'`; use {@link seedRun} to store it with its pipeline.
 */
export function newRun(overrides: NewRunOverrides = {}): NewRun {
  const { taskIds, ...rest } = overrides
  return {
    id: uniqueId('run'),
    pipelineId: 'conformance',
    status: 'QUEUED',
    params: { region: 'eu', limit: 10 },
    logicalDate: '2024-01-01T00:00:00.000Z',
    trigger: 'manual',
    definitionHash: 'sha256:0f1e2d',
    createdAt: nextTime(),
    tasks: (taskIds ?? ['extract', 'transform', 'load']).map((taskId) => ({ taskId })),
    ...rest,
  }
}

const seededPipelines = new WeakMap<Backend, Set<string>>()

/** Stores the pipeline `id` (once per backend) so backends with foreign keys accept its runs. */
export async function ensurePipeline(backend: Backend, id: string): Promise<void> {
  let seen = seededPipelines.get(backend)
  if (!seen) {
    seen = new Set()
    seededPipelines.set(backend, seen)
  }
  if (seen.has(id)) return
  seen.add(id)
  await backend.putPipeline(newPipeline({ id }))
}

/** Creates a run (and its pipeline when needed) and returns the stored record. */
export async function seedRun(
  backend: Backend,
  overrides: NewRunOverrides = {},
): Promise<RunRecord> {
  const run = newRun(overrides)
  await ensurePipeline(backend, run.pipelineId)
  return backend.createRun(run)
}

/** A RUNNING run with an expired lease (or none), ready for `claimRuns` at `now`. */
export async function seedOrphanedRun(
  backend: Backend,
  now: number,
  overrides: NewRunOverrides = {},
): Promise<RunRecord> {
  return seedRun(backend, {
    status: 'RUNNING',
    startedAt: now - 60_000,
    owner: 'crashed-engine',
    leaseExpiresAt: now - 1,
    ...overrides,
  })
}

/** A task update for `taskId` of `runId` at `expectedVersion`, with any other fields. */
export function taskUpdate(
  runId: string,
  taskId: string,
  expectedVersion: number,
  fields: Omit<TaskUpdate, 'runId' | 'taskId' | 'expectedVersion'> = {},
): TaskUpdate {
  return { runId, taskId, expectedVersion, ...fields }
}

/** A valid `NewSchedule` (every minute, due at `nextDueAt`); override any field. */
export function newSchedule(overrides: Partial<NewSchedule> = {}): NewSchedule {
  return {
    id: uniqueId('sched'),
    pipelineId: 'conformance',
    spec: { every: 60_000, timezone: 'UTC', catchup: 'latest', params: { region: 'eu' } },
    specHash: 'sha256:5c4e1d',
    paused: false,
    lastTick: BASE_TIME,
    nextDueAt: BASE_TIME + 60_000,
    updatedAt: nextTime(),
    ...overrides,
  }
}
