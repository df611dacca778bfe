/**
 * `pipeline schedules` (the stored schedules with their next fire times), `pipeline pause` and
 * `pipeline resume` (stored: every serve process obeys at once). They read and write the
 * backend only; no pipeline code is loaded.
 */
import type { Backend, ScheduleRecord, ScheduleStore } from '@df/orchestration'
import type { Command } from 'commander'
import { CliError } from '../cli-error.js'
import { describeSchedule, formatTime, renderTable } from '../format.js'
import type { Action } from '../program.js'

interface ListFlags {
  backendUrl?: string
  pipeline?: string
  next: string
  json?: boolean
}

const BACKEND_HELP = 'where schedules are stored (default sqlite:///dremioframe.db)'

/** The engine, loaded when a command runs (not at CLI start). */
const engine = () => import('@df/orchestration')

/** Registers `pipeline schedules`, `pipeline pause` and `pipeline resume`. */
export function registerScheduleCommands(pipeline: Command, action: Action): void {
  pipeline
    .command('schedules')
    .description('list the stored schedules with their next fire times')
    .option('--backend-url <url>', BACKEND_HELP)
    .option('-p, --pipeline <name>', 'only the schedules of this pipeline')
    .option('-n, --next <n>', 'how many next fire times to show (1-20)', '1')
    .option('--json', 'print the schedules as a JSON array')
    .action(
      action(async (ctx, flags: ListFlags) => {
        const next = Number(flags.next)
        if (!Number.isInteger(next) || next < 1 || next > 20) {
          throw new CliError(
            'DF_CLI_USAGE',
            `--next must be a whole number from 1 to 20, got '${flags.next}'.`,
          )
        }
        const store = await storeOf(
          await ctx.backend(flags.backendUrl),
          'dremio-cli pipeline schedules',
        )
        const { nextScheduleRuns } = await engine()
        const schedules = await all(store, flags.pipeline)
        const now = Date.now()
        const withNext = schedules.map((s) => ({
          ...s,
          nextRuns: s.paused
            ? []
            : upcoming(nextScheduleRuns, s, next, now).map((d) => d.toISOString()),
        }))
        if (flags.json) {
          ctx.io.stdout.write(`${JSON.stringify(withNext, null, 2)}\n`)
          return 0
        }
        if (schedules.length === 0) {
          ctx.io.stdout.write('No schedules. Declare one on a pipeline and run dremio-cli serve.\n')
          return 0
        }
        const rows = withNext.map((s) => [
          s.id,
          s.pipelineId,
          describeSchedule(specOf(s)),
          stateOf(s),
          s.nextRuns.length === 0
            ? '-'
            : s.nextRuns.map((t) => formatTime(Date.parse(t))).join(', '),
          s.lastRunId ?? '-',
        ])
        ctx.io.stdout.write(
          `${renderTable(['SCHEDULE', 'PIPELINE', 'WHEN', 'STATE', 'NEXT RUN', 'LAST RUN'], rows)}\n`,
        )
        return 0
      }),
    )

  for (const [verb, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    pipeline
      .command(`${verb} <name>`)
      .description(
        paused
          ? 'pause a schedule (or every schedule of a pipeline): no process fires it'
          : 'resume a paused schedule from now (ticks missed while paused do not run)',
      )
      .option('--backend-url <url>', BACKEND_HELP)
      .action(
        action(async (ctx, name: string, flags: { backendUrl?: string }) => {
          const store = await storeOf(
            await ctx.backend(flags.backendUrl),
            `dremio-cli pipeline ${verb}`,
          )
          const { nextScheduleRuns, setSchedulePaused } = await engine()
          const one = await store.getSchedule(name)
          const targets = one ? [one] : await all(store, name)
          if (targets.length === 0) {
            throw new CliError(
              'DF_CLI_NOT_FOUND',
              `No schedule '${name}' and no pipeline of that name with schedules in this backend.`,
            )
          }
          for (const s of targets) {
            const stored = await setSchedulePaused(store, s.id, paused, Date.now())
            const next = paused ? undefined : upcoming(nextScheduleRuns, stored, 1, Date.now())[0]
            ctx.io.stdout.write(
              `${s.id}: ${paused ? 'paused' : `resumed, next run ${next ? formatTime(next.getTime()) : '- (ended)'}`}\n`,
            )
          }
          return 0
        }),
      )
  }
}

async function storeOf(backend: Backend, neededBy: string): Promise<Backend & ScheduleStore> {
  return (await engine()).requireBackendFeature(backend, 'ScheduleStore', neededBy)
}

async function all(
  store: ScheduleStore,
  pipelineId: string | undefined,
): Promise<ScheduleRecord[]> {
  return (await engine()).allPages((page) =>
    store.listSchedules({
      limit: 1000,
      ...(pipelineId !== undefined ? { pipelineId } : {}),
      ...page,
    }),
  )
}

/** The next fire times; none for a definition this version cannot read (a newer package's). */
function upcoming(
  nextScheduleRuns: (s: ScheduleRecord, n: number, now: number) => Date[],
  s: ScheduleRecord,
  n: number,
  now: number,
): Date[] {
  try {
    return nextScheduleRuns(s, n, now)
  } catch {
    return []
  }
}

function specOf(s: ScheduleRecord): { cron?: string; everyMs?: number; timezone: string } {
  const spec = s.spec as { cron?: string; every?: number; timezone?: string }
  return {
    ...(spec.cron !== undefined ? { cron: spec.cron } : {}),
    ...(spec.every !== undefined ? { everyMs: spec.every } : {}),
    timezone: spec.timezone ?? 'UTC',
  }
}

function stateOf(s: ScheduleRecord): string {
  if (s.paused) return 'paused'
  if (s.nextDueAt === undefined && s.pending.length === 0) return 'ended'
  return s.pending.length > 0 ? `active (${s.pending.length} waiting)` : 'active'
}
