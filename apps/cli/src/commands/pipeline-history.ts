/**
 * `pipeline list` (recent runs, newest first) and `pipeline show <runId>` (every task with its
 * state, attempts, durations, errors, Dremio job ids and log excerpt), read from the backend.
 */

import { RUN_STATES, type RunState, requireBackendFeature } from '@df/orchestration'
import type { Command } from 'commander'
import { CliError } from '../cli-error.js'
import { formatDuration, formatTime, renderTable, runStatusLabel, tail } from '../format.js'
import type { Action } from '../program.js'

interface ListFlags {
  backendUrl?: string
  pipeline?: string
  status?: string
  limit: string
  json?: boolean
}

/** Registers `pipeline list` and `pipeline show`. */
export function registerHistoryCommands(pipeline: Command, action: Action): void {
  pipeline
    .command('list')
    .description('list recent runs, newest first')
    .option('--backend-url <url>', 'where runs are recorded (default sqlite:///dremioframe.db)')
    .option('-p, --pipeline <name>', 'only runs of this pipeline')
    .option('--status <state>', `only runs in this state (${RUN_STATES.join(', ')})`)
    .option('-n, --limit <n>', 'how many runs (1-1000)', '20')
    .option('--json', 'print the runs as a JSON array')
    .action(
      action(async (ctx, flags: ListFlags) => {
        const limit = Number(flags.limit)
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
          throw new CliError(
            'DF_CLI_USAGE',
            `--limit must be a whole number from 1 to 1000, got '${flags.limit}'.`,
          )
        }
        const status = flags.status?.toUpperCase()
        if (status !== undefined && !RUN_STATES.includes(status as RunState)) {
          throw new CliError(
            'DF_CLI_USAGE',
            `--status must be one of ${RUN_STATES.join(', ')}, got '${flags.status}'.`,
          )
        }
        const backend = requireBackendFeature(
          await ctx.backend(flags.backendUrl),
          'RunHistory',
          'dremio-cli pipeline list',
        )
        const page = await backend.listRuns({
          limit,
          ...(flags.pipeline ? { pipelineId: flags.pipeline } : {}),
          ...(status ? { status: status as RunState } : {}),
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
        const rows = page.items.map((r) => [
          r.id,
          r.pipelineId,
          runStatusLabel(r),
          r.trigger,
          formatTime(r.startedAt ?? r.createdAt),
          formatDuration(r.startedAt === undefined ? undefined : (r.endedAt ?? now) - r.startedAt) +
            (r.endedAt === undefined && r.startedAt !== undefined ? ' (running)' : ''),
          r.logicalDate.slice(0, 10),
        ])
        ctx.io.stdout.write(
          `${renderTable(['RUN ID', 'PIPELINE', 'STATUS', 'TRIGGER', 'STARTED', 'DURATION', 'DATE'], rows)}\n`,
        )
        return 0
      }),
    )

  pipeline
    .command('show <runId>')
    .description('show one run: tasks, attempts, durations, errors, Dremio job ids, logs')
    .option('--backend-url <url>', 'where runs are recorded (default sqlite:///dremioframe.db)')
    .option('--log-lines <n>', 'log lines shown per attempt', '10')
    .option('--json', 'print the run, its tasks and attempts as JSON')
    .action(
      action(
        async (
          ctx,
          runId: string,
          flags: { backendUrl?: string; logLines: string; json?: boolean },
        ) => {
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
          const took =
            run.startedAt === undefined ? undefined : (run.endedAt ?? Date.now()) - run.startedAt
          out.write(
            [
              `Run ${run.id}`,
              `  pipeline  ${run.pipelineId}`,
              `  status    ${runStatusLabel(run)}${run.message ? ` (${run.message})` : ''}`,
              `  trigger   ${run.trigger}${run.rerunOf ? ` of ${run.rerunOf}` : ''}`,
              `  date      ${run.logicalDate}`,
              `  started   ${formatTime(run.startedAt)}   ended ${formatTime(run.endedAt)}   took ${formatDuration(took)}`,
              ...(Object.keys(run.params).length
                ? [`  params    ${JSON.stringify(run.params)}`]
                : []),
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
              formatDuration(
                last?.endedAt !== undefined ? last.endedAt - last.startedAt : undefined,
              ),
              formatDuration(
                t.startedAt !== undefined && t.endedAt !== undefined
                  ? t.endedAt - t.startedAt
                  : undefined,
              ),
              jobs.length ? jobs.join(' ') : jobsFromLog(mine.map((a) => a.log ?? '').join('\n')),
            ]
          })
          out.write(
            `${renderTable(['TASK', 'STATE', 'ATTEMPTS', 'LAST ATTEMPT', 'TOTAL', 'DREMIO JOB'], rows)}\n`,
          )
          const n = Math.max(0, Number(flags.logLines) || 0)
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
                ...tail(a.log, n),
              ]
              if (body.length > 0) notes.push(head, ...body)
            }
            if (notes.length > 0) out.write(`\n${t.taskId}\n${notes.join('\n')}\n`)
          }
          return 0
        },
      ),
    )
}

/** Job ids from `DremioQueryTask`'s log lines, when the attempt record has none. */
function jobsFromLog(log: string): string {
  const ids = [...log.matchAll(/Dremio job (\S+) submitted/g)].map((m) => m[1])
  return ids.length ? ids.join(' ') : '-'
}
