/**
 * `dremio-cli serve --pipelines <dir>`: the long-running process. It loads every pipeline
 * module of the directory, runs the schedules they declare (each tick fires once even with
 * several serve processes on one store), adopts runs of engines that died and run requests
 * (QUEUED runs without an owner, e.g. from a UI), and prints one line per event. SIGTERM or
 * Ctrl-C stops it: no new run starts, runs in progress get `--shutdown-timeout` to finish, and
 * what is still running then is left to its lease (another serve adopts it). A second signal
 * exits at once (130). The pieces are in serve-runtime.ts.
 */
import type { DremioClient } from '@df/client'
import type { Pipeline } from '@df/orchestration'
import { DEFAULT_CLIENT_NAME, registerDremioClient } from '@df/tasks'
import { DEFAULT_BACKEND_URL, redactUrl } from '../backend-url.js'
import { CliError } from '../cli-error.js'
import type { CliContext } from '../context.js'
import type { TrackingDremioClient } from '../dremio-config.js'
import { createCliExecutor } from '../executor-option.js'
import { describeSchedule, formatTime } from '../format.js'
import { type ServeEvent, startServe } from '../serve-runtime.js'
import { waitForStopSignal } from '../signals.js'
import { startCliUi, uiAuth } from '../ui-host.js'
import type { ServeUiFlags } from './serve.js'

/** `dremio-cli serve`. */
export async function serve(ctx: CliContext, flags: ServeUiFlags): Promise<number> {
  // With --ui, bad auth flags stop serve before anything starts.
  if (flags.ui) uiAuth(ctx, flags)
  const recoverIntervalMs = durationFlag('--recover-interval', flags.recoverInterval)
  const shutdownMs = durationFlag('--shutdown-timeout', flags.shutdownTimeout)
  const out = (line: string) => ctx.io.stdout.write(`${line}\n`)
  const stamp = (line: string) => out(`[${formatTime(Date.now()).slice(11)}] ${line}`)
  const print = (e: ServeEvent) => (flags.json ? out(JSON.stringify(jsonOf(e))) : stamp(textOf(e)))
  const { executor, describe, warning } = await createCliExecutor(flags, ctx.io.env)
  if (warning !== undefined) ctx.io.stderr.write(`[@df/cli] warning: ${warning}\n`)
  // Closed after the pipelines (runtime.stop), which do not own it: ctx closes newest first.
  if (executor !== undefined) ctx.onClose(() => executor.close({ drain: false }))
  const backend = await ctx.backend(flags.backendUrl)
  let client: TrackingDremioClient | undefined
  const runtime = await startServe({
    pipelines: flags.pipelines,
    backend,
    moduleContext: {
      get client(): DremioClient {
        client ??= ctx.client()
        return client
      },
      backend,
      params: {},
      executor,
    },
    recoverIntervalMs,
    onEvent: print,
  })
  // Tasks that name their client resolve it from the registry: register ours when configured.
  if (client === undefined && runtime.pipelines.some(usesNamedClient)) {
    try {
      client = ctx.client()
    } catch (error) {
      ctx.verbose(`no Dremio client registered: ${(error as Error).message}`)
    }
  }
  if (client !== undefined) ctx.onClose(registerDremioClient(DEFAULT_CLIENT_NAME, client))

  if (flags.ui) {
    let ui: Awaited<ReturnType<typeof startCliUi>>
    try {
      // serve already warned about pipelines built with their own backend.
      const own = runtime.pipelines.filter((p) => p.backend === backend)
      ui = await startCliUi(ctx, backend, own, flags)
    } catch (error) {
      await runtime.stop(shutdownMs)
      throw error
    }
    runtime.onStop(() => ui.close())
    if (flags.json) out(JSON.stringify({ type: 'ui', url: ui.url }))
    else stamp(`UI at ${ui.url}`)
  }
  const where = redactUrl(flags.backendUrl ?? ctx.io.env.DF_BACKEND_URL ?? DEFAULT_BACKEND_URL)
  if (!flags.json) {
    stamp(
      `serving ${runtime.pipelines.length} pipeline(s) from ${runtime.files.length} file(s), ${runtime.schedules.length} schedule(s), on ${where}${executor ? `, tasks on ${describe}` : ''}`,
    )
    for (const h of runtime.schedules) {
      const next = h.nextRuns(1)[0]
      out(
        `  ${h.id}: ${describeSchedule(h.schedule)}, next ${next ? formatTime(next.getTime()) : '- (ended)'}`,
      )
    }
  } else {
    out(
      JSON.stringify({
        type: 'ready',
        pipelines: runtime.pipelines.map((p) => p.name),
        schedules: runtime.schedules.map((h) => h.id),
      }),
    )
  }

  const stop = await waitForStopSignal((fn) => ctx.onClose(fn))
  if (!flags.json)
    stamp(`${stop}: stopping; runs in progress get ${flags.shutdownTimeout} to finish`)
  const { drained } = await runtime.stop(shutdownMs)
  if (flags.json) out(JSON.stringify({ type: 'stopped', drained }))
  else if (drained) stamp('stopped')
  else {
    stamp(
      'stopped; runs still in progress are handed over (not recorded here): another serve adopts them when their lease expires; this process exits when their tasks end, or at a second signal',
    )
  }
  return 0
}

function textOf(e: ServeEvent): string {
  if (e.type === 'warning') return `warning: ${e.message}`
  if (e.type === 'recover-error') return `recover ${e.pipelineId} failed: ${messageOf(e.error)}`
  if (e.type === 'run') {
    const r = e.event
    return `run ${r.runId} (${r.pipelineId}, ${r.trigger ?? 'run'}) ${r.state}${r.message ? `: ${r.message}` : ''}`
  }
  const s = e.event
  const tick = 'tick' in s ? new Date(s.tick).toISOString() : ''
  switch (s.type) {
    case 'fired':
      return `schedule ${s.scheduleId}: ${tick} -> run ${s.runId}${s.existing ? ' (created before)' : ''}`
    case 'skipped':
      return `schedule ${s.scheduleId}: ${tick} skipped (${s.reason})`
    case 'queued':
      return `schedule ${s.scheduleId}: ${tick} waits (${s.reason})`
    case 'dropped':
      return `schedule ${s.scheduleId}: ${s.count ?? 'some'} missed tick(s) not run (catchup)`
    case 'error':
      return `schedule ${s.scheduleId ?? '-'} error: ${messageOf(s.error)}`
  }
}

function jsonOf(e: ServeEvent): object {
  if (e.type === 'schedule') {
    const { error, ...rest } = e.event as { error?: unknown }
    return {
      type: 'schedule',
      ...rest,
      ...(error !== undefined ? { error: messageOf(error) } : {}),
    }
  }
  if (e.type === 'recover-error') return { ...e, error: messageOf(e.error) }
  return e
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] as string
}

function usesNamedClient(pipeline: Pipeline): boolean {
  return pipeline.tasks.some((t) => typeof t.options?.client === 'string')
}

/** `5s`, `2m`, `1h`, `500ms` or a number of ms. */
export function durationFlag(name: string, value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value)
  const ms = m
    ? Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 'ms'] ?? 1)
    : Number.NaN
  if (!Number.isFinite(ms) || ms < 1) {
    throw new CliError(
      'DF_CLI_USAGE',
      `${name} must be a duration such as 5s, 2m or 500ms, got '${value}'.`,
    )
  }
  return Math.round(ms)
}
