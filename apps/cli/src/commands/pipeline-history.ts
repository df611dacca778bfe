/**
 * The bodies of `pipeline list` (recent runs, newest first) and `pipeline show <runId>` (every
 * task with its state, attempts, durations, errors, Dremio job ids and log excerpt), read from
 * the backend. A RUNNING or QUEUED run whose lease expired is shown as such
 * (`RUNNING (lease expired 3m ago)`): its process stopped, and `pipeline recover` takes it over.
 */
import { type RunRecord, requireBackendFeature } from '@df/orchestration'
import { CliError } from '../cli-error.js'
import type { CliContext } from '../context.js'
import { formatDuration, formatTime, renderTable, runStatusLabel, tail } from '../format.js'
import type { ListFlags, ShowFlags } from './pipeline.js'

/** `pipeline list`. */
export async function listRuns(ctx: CliContext, flags: ListFlags): Promise<number> {
  const backend = requireBackendFeature(
    await ctx.backend(flags.backendUrl),
    'RunHistory',
    'dremio-cli pipeline list',
  )
  const page = await backend.listRuns({
    limit: flags.limit,
    ...(flags.pipeline ? { pipelineId: flags.pipeline } : {}),
    ...(flags.status ? { status: flags.status } : {}),
  })
  if (flags.json) {
    ctx.io.stdout.write(`${JSON.stringify(page.items, null, 2)}\n`)
    return 0
  }
  if (page.items.length === 0) {
    ctx.io.stdout.write('No runs.\n')
    return 0
  }
  const now = Date.now()
  const rows = page.items.map((r) => {
    const expired = leaseExpiredAgo(r, now)
    const end = r.endedAt ?? (expired === undefined ? now : (r.leaseExpiresAt ?? now))
    const running = r.endedAt === undefined && r.startedAt !== undefined && expired === undefined
    return [
      r.id,
      r.pipelineId,
      statusText(r, now),
      r.trigger,
      formatTime(r.startedAt ?? r.createdAt),
      formatDuration(r.startedAt === undefined ? undefined : end - r.startedAt) +
        (running ? ' (running)' : ''),
      r.logicalDate.slice(0, 10),
    ]
  })
  ctx.io.stdout.write(
    `${renderTable(['RUN ID', 'PIPELINE', 'STATUS', 'TRIGGER', 'STARTED', 'DURATION', 'DATE'], rows)}\n`,
  )
  return 0
}

/**
 * How long ago the lease of an unfinished run expired (ms), or undefined when the run is
 * finished or its lease is live.
 */
export function leaseExpiredAgo(run: RunRecord, now: number): number | undefined {
  if (run.status !== 'RUNNING' && run.status !== 'QUEUED') return undefined
  if (run.leaseExpiresAt === undefined) return run.owner === undefined ? 0 : undefined
  return run.leaseExpiresAt <= now ? now - run.leaseExpiresAt : undefined
}

/**
 * `RUNNING`, `RUNNING (lease expired 3m ago)` for a run whose process stopped, or
 * `SUCCESS (1 task failed)` for a run whose failure a leaf rule forgave.
 */
export function statusText(run: RunRecord, now: number): string {
  const ago = leaseExpiredAgo(run, now)
  return ago === undefined ? runStatusLabel(run) : `${run.status} (lease expired ${agoText(ago)})`
}

/** `just now`, `12s ago`, `3m ago`, `2h ago`, `4d ago`. */
export function agoText(ms: number): string {
  const s = Math.floor(ms / 1000)
  if (s < 1) return 'just now'
  if (s < 60) return `${s}s ago`
  if (s < 3600) return `${Math.floor(s / 60)}m ago`
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`
  return `${Math.floor(s / 86_400)}d ago`
}

/** `pipeline show`. */
export async function showRun(ctx: CliContext, runId: string, flags: ShowFlags): Promise<number> {
  const backend = requireBackendFeature(
    await ctx.backend(flags.backendUrl),
    'RunHistory',
    'dremio-cli pipeline show',
  )
  const run = await backend.getRun(runId)
  if (!run) throw new CliError('DF_CLI_NOT_FOUND', `No run '${runId}' in this backend.`)
  const [tasks, attempts] = await Promise.all([
    backend.getTasks(runId),
    backend.listAttempts(runId),
  ])
  const out = ctx.io.stdout
  if (flags.json) {
    out.write(`${JSON.stringify({ run, tasks, attempts }, null, 2)}\n`)
    return 0
  }
  const now = Date.now()
  const expired = leaseExpiredAgo(run, now)
  const took =
    run.startedAt === undefined
      ? undefined
      : (run.endedAt ?? (expired === undefined ? now : (run.leaseExpiresAt ?? now))) - run.startedAt
  out.write(
    [
      `Run ${run.id}`,
      `  pipeline  ${run.pipelineId}`,
      `  status    ${statusText(run, now)}${run.message ? ` (${run.message})` : ''}`,
      ...(expired !== undefined
        ? [
            `            its process stopped; take it over: dremio-cli pipeline recover [<module>]${ctx.backendFlag(flags.backendUrl)}`,
          ]
        : []),
      `  trigger   ${run.trigger}${run.rerunOf ? ` of ${run.rerunOf}` : ''}`,
      `  date      ${run.logicalDate}`,
      `  started   ${formatTime(run.startedAt)}   ended ${formatTime(run.endedAt)}   took ${formatDuration(took)}`,
      ...(Object.keys(run.params).length ? [`  params    ${JSON.stringify(run.params)}`] : []),
      '',
    ].join('\n'),
  )
  const rows = tasks.map((t) => {
    const mine = attempts.filter((a) => a.taskId === t.taskId)
    const last = mine[mine.length - 1]
    const jobs = mine.map((a) => a.meta?.dremioJobId).filter((id) => typeof id === 'string')
    return [
      t.taskId,
      t.state,
      String(t.attempt),
      formatDuration(last?.endedAt !== undefined ? last.endedAt - last.startedAt : undefined),
      formatDuration(
        t.startedAt !== undefined && t.endedAt !== undefined ? t.endedAt - t.startedAt : undefined,
      ),
      jobs.length ? jobs.join(' ') : jobsFromLog(mine.map((a) => a.log ?? '').join('\n')),
    ]
  })
  out.write(
    `${renderTable(['TASK', 'STATE', 'ATTEMPTS', 'LAST ATTEMPT', 'TOTAL', 'DREMIO JOB'], rows)}\n`,
  )
  for (const t of tasks) {
    const mine = attempts.filter((a) => a.taskId === t.taskId)
    const notes: string[] = []
    if (t.reason) notes.push(`  reason: ${t.reason}`)
    if (t.result !== undefined && t.result !== null) {
      const json = JSON.stringify(t.result)
      notes.push(`  result: ${json.length > 200 ? `${json.slice(0, 199)}…` : json}`)
    }
    for (const a of mine) {
      const head = `  attempt ${a.attempt} ${a.state} ${formatDuration(a.endedAt !== undefined ? a.endedAt - a.startedAt : undefined)}${a.worker ? ` on ${a.worker}` : ''}`
      const body = [
        ...(a.error
          ? [`    error: ${a.error.code ? `${a.error.code}: ` : ''}${a.error.message}`]
          : []),
        ...tail(a.log, flags.logLines),
      ]
      if (body.length > 0) notes.push(head, ...body)
    }
    if (notes.length > 0) out.write(`\n${t.taskId}\n${notes.join('\n')}\n`)
  }
  return 0
}

/** Job ids from `DremioQueryTask`'s log lines, when the attempt record has none. */
function jobsFromLog(log: string): string {
  const ids = [...log.matchAll(/Dremio job (\S+) submitted/g)].map((m) => m[1])
  return ids.length ? ids.join(' ') : '-'
}
