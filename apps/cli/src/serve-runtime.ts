/**
 * The pieces of `dremio-cli serve`, separate from its flags and output so other long-running
 * hosts (a `--ui` option, tests) reuse them: load every pipeline file of a directory, run the
 * schedules the pipelines declare on one scheduler, `recover()` every pipeline on an interval
 * (adopting the runs of engines that died and run requests: QUEUED runs without an owner that
 * a UI or the CLI created), and stop cleanly.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import {
  type Backend,
  type Clock,
  createScheduler,
  type Pipeline,
  type RunEvent,
  type ScheduleEvent,
  type ScheduleHandle,
  type Scheduler,
} from '@df/orchestration'
import { CliError } from './cli-error.js'
import { loadPipelines, type PipelineModuleContext } from './load-pipelines.js'
import { settleWithin } from './signals.js'

/** What a running serve reports. */
export type ServeEvent =
  | { readonly type: 'schedule'; readonly event: ScheduleEvent }
  | { readonly type: 'run'; readonly event: RunEvent }
  | { readonly type: 'warning'; readonly message: string }
  | { readonly type: 'recover-error'; readonly pipelineId: string; readonly error: unknown }

/** Options of {@link startServe}. */
export interface ServeOptions {
  /** A pipeline module, or a directory of them (`*.ts`, `*.mts`, `*.js`, `*.mjs`). */
  readonly pipelines: string
  /** The store every pipeline built from `moduleContext.backend` uses; schedules live there. */
  readonly backend: Backend
  readonly moduleContext: PipelineModuleContext
  /** How often every pipeline's `recover()` runs. @default 5_000 */
  readonly recoverIntervalMs?: number
  readonly onEvent?: (event: ServeEvent) => void
  /** The scheduler's clock (tests). @default the system clock */
  readonly clock?: Clock
}

/** A running serve. */
export interface ServeRuntime {
  readonly backend: Backend
  readonly files: readonly string[]
  readonly pipelines: readonly Pipeline[]
  /** The scheduler, when any loaded pipeline declares a schedule. */
  readonly scheduler: Scheduler | undefined
  readonly schedules: readonly ScheduleHandle[]
  /** Registers a clean-up for `stop()` (run newest first, before the pipelines close). */
  onStop(fn: () => unknown): void
  /**
   * Stops: no new run starts (schedules and recovery stop), the runs this process drives get
   * up to `timeoutMs` to finish, then the clean-ups run and the pipelines close. Resolves with
   * `drained: false` when runs were still going: their leases expire and another serve adopts
   * them (their attempts here are not recorded).
   */
  stop(timeoutMs: number): Promise<{ drained: boolean }>
}

/** The pipeline modules at `path`: the file itself, or a directory's modules by name. */
export function pipelineFiles(path: string): string[] {
  const full = resolve(path)
  if (!existsSync(full)) {
    throw new CliError('DF_CLI_FILE_NOT_FOUND', `--pipelines: ${path} does not exist.`)
  }
  if (statSync(full).isFile()) return [full]
  const files = readdirSync(full)
    .filter(
      (f) => /\.(m|c)?(t|j)s$/.test(f) && !/\.d\.(m|c)?ts$/.test(f) && !/\.(test|spec)\./.test(f),
    )
    .sort()
    .map((f) => join(full, f))
    .filter((f) => statSync(f).isFile())
  if (files.length === 0) {
    throw new CliError(
      'DF_CLI_FILE_NOT_FOUND',
      `--pipelines: ${path} has no pipeline modules (*.ts, *.mts, *.js, *.mjs).`,
    )
  }
  return files
}

/**
 * Loads every pipeline module at `path` (a file or a directory, see {@link pipelineFiles}).
 * @throws CliError for a missing path, a module that fails to load, two pipelines of one name.
 */
export async function loadPipelineFiles(
  path: string,
  moduleContext: PipelineModuleContext,
): Promise<{ files: string[]; pipelines: Pipeline[] }> {
  const files = pipelineFiles(path)
  const pipelines: Pipeline[] = []
  const origin = new Map<string, string>()
  for (const file of files) {
    for (const p of await loadPipelines(file, moduleContext)) {
      const seen = origin.get(p.name)
      if (seen !== undefined) {
        throw new CliError(
          'DF_CLI_MODULE_INVALID',
          `Pipeline '${p.name}' is defined twice: in ${seen} and in ${file}.`,
        )
      }
      origin.set(p.name, file)
      pipelines.push(p)
    }
  }
  return { files, pipelines }
}

/**
 * Loads the pipelines, starts their schedules and the recovery loop.
 * @throws CliError for a missing path, a module that fails to load, two pipelines of one name;
 *   OrchestrationError when the backend cannot store schedules.
 */
export async function startServe(options: ServeOptions): Promise<ServeRuntime> {
  const emit = options.onEvent ?? (() => {})
  const { files, pipelines } = await loadPipelineFiles(options.pipelines, options.moduleContext)
  const ours = pipelines.filter((p) => p.backend === options.backend)
  const executor = options.moduleContext.executor
  for (const p of pipelines) {
    if (executor === undefined || p.executor === executor) continue
    emit({
      type: 'warning',
      message: `pipeline '${p.name}' was built with its own executor (${p.executor.name}): its tasks run in this process, not on the ${executor.name} workers. Build it with ctx.executor.`,
    })
  }
  for (const p of pipelines) {
    if (p.backend === options.backend) continue
    emit({
      type: 'warning',
      message: `pipeline '${p.name}' was built with its own backend (${p.backend.name}): its schedules do not run here and its runs are not in --backend-url. Build it with ctx.backend.`,
    })
  }
  const scheduled = ours.filter((p) => p.schedules.length > 0)
  const scheduler =
    scheduled.length === 0
      ? undefined
      : createScheduler({
          backend: options.backend,
          ...(options.clock !== undefined ? { clock: options.clock } : {}),
        })
  const offSchedules = scheduler?.on((event) => emit({ type: 'schedule', event }))
  const unsubscribe = pipelines.map((p) =>
    p.on('event', (e) => {
      if (e.type === 'run') emit({ type: 'run', event: e })
    }),
  )
  const schedules = scheduled.flatMap((p) => scheduler?.addPipeline(p) ?? [])
  await Promise.all(schedules.map((h) => h.ready))

  const inflight = new Set<Promise<unknown>>()
  const recoverAll = (): void => {
    for (const p of pipelines) {
      const adopted = p
        .recover({ limit: 50 })
        .catch((error: unknown) => emit({ type: 'recover-error', pipelineId: p.name, error }))
      inflight.add(adopted)
      void adopted.finally(() => inflight.delete(adopted))
    }
  }
  recoverAll()
  const interval = setInterval(recoverAll, options.recoverIntervalMs ?? 5_000)
  const closers: (() => unknown)[] = []
  let stopping: Promise<{ drained: boolean }> | undefined

  return {
    backend: options.backend,
    files,
    pipelines,
    scheduler,
    schedules,
    onStop: (fn) => {
      closers.push(fn)
    },
    stop(timeoutMs) {
      stopping ??= (async () => {
        clearInterval(interval)
        await scheduler?.stop()
        const drained = await settleWithin(
          Promise.allSettled([scheduler?.drain(), ...inflight]),
          timeoutMs,
        )
        for (const close of closers.splice(0).reverse())
          await Promise.resolve(close()).catch(() => {})
        offSchedules?.()
        for (const off of unsubscribe) off()
        if (drained) for (const p of pipelines) await p.close().catch(() => {})
        return { drained }
      })()
      return stopping
    },
  }
}
