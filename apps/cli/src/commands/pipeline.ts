/**
 * `pipeline run | rerun | list | show | recover`: registration only. The bodies
 * (`pipeline-run.ts`, `pipeline-history.ts`, `pipeline-recover.ts`) are imported when a command
 * runs, so `--help` never loads the engine.
 */
import type { Command } from 'commander'
import { collect, isoInstant, nonEmpty, oneOf, wholeNumber } from '../options.js'
import type { Action } from '../program.js'
import { addExecutorOptions, type ExecutorFlags } from './executor-flags.js'

/** The run states `--status` accepts (the engine's `RUN_STATES`; a test keeps them equal). */
export const RUN_STATE_NAMES = ['QUEUED', 'RUNNING', 'SUCCESS', 'FAILED', 'CANCELLED'] as const

const BACKEND_URL = 'where runs are recorded (default sqlite:///dremioframe.db, or DF_BACKEND_URL)'

/** Flags of `pipeline run` / `rerun`. */
export interface RunFlags extends ExecutorFlags {
  readonly pipeline?: string
  readonly backendUrl?: string
  readonly param?: string[]
  readonly json?: boolean
  readonly logicalDate?: string
}

/** Flags of `pipeline list`. */
export interface ListFlags {
  readonly backendUrl?: string
  readonly pipeline?: string
  readonly status?: (typeof RUN_STATE_NAMES)[number]
  readonly limit: number
  readonly json?: boolean
}

/** Flags of `pipeline show`. */
export interface ShowFlags {
  readonly backendUrl?: string
  readonly logLines: number
  readonly json?: boolean
}

/** Registers the `pipeline` command and its subcommands. */
/** Registers `pipeline run/rerun/list/show/recover`; returns the `pipeline` command for more. */
export function registerPipelineCommands(program: Command, action: Action): Command {
  const pipeline = program.command('pipeline').description('run pipelines and inspect runs')
  const run = pipeline
    .command('run <file>')
    .description('run a pipeline from a .ts/.mts/.js/.mjs module, with a live view')
    .option('-p, --pipeline <name>', 'which pipeline, when the module has several')
    .option('--backend-url <url>', BACKEND_URL)
    .option('--param <key=value>', 'a run param, repeatable ({{ params.key }})', collect, [])
    .option(
      '--logical-date <iso>',
      'the instant the run is for ({{ ds }}); default now',
      isoInstant('--logical-date'),
    )
    .option('--json', 'print every event as one JSON line')
  addExecutorOptions(run).action(
    action(async (ctx, file: string, flags: RunFlags) =>
      (await import('./pipeline-run.js')).runPipeline(ctx, file, flags),
    ),
  )

  const rerun = pipeline
    .command('rerun <runId>')
    .description('rerun an earlier run as a new run: successes are kept, the rest runs again')
    .requiredOption('-f, --file <file>', 'the module that defines the pipeline')
    .option(
      '--from <what>',
      "'failed' (default) or a task name: rerun it and what follows",
      nonEmpty('--from'),
      'failed',
    )
    .option('-p, --pipeline <name>', "which pipeline (default: the run's pipeline)")
    .option('--backend-url <url>', BACKEND_URL)
    .option('--json', 'print every event as one JSON line')
  addExecutorOptions(rerun).action(
    action(async (ctx, runId: string, flags: RunFlags & { file: string; from: string }) =>
      (await import('./pipeline-run.js')).rerunPipeline(ctx, runId, flags),
    ),
  )

  pipeline
    .command('list')
    .description('list recent runs, newest first')
    .option('--backend-url <url>', BACKEND_URL)
    .option('-p, --pipeline <name>', 'only runs of this pipeline')
    .option(
      '--status <state>',
      `only runs in this state (${RUN_STATE_NAMES.join(', ')})`,
      oneOf('--status', RUN_STATE_NAMES, true),
    )
    .option('-n, --limit <n>', 'how many runs (1-1000)', wholeNumber('--limit', 1, 1000), 20)
    .option('--json', 'print the runs as a JSON array')
    .action(
      action(async (ctx, flags: ListFlags) =>
        (await import('./pipeline-history.js')).listRuns(ctx, flags),
      ),
    )

  pipeline
    .command('show <runId>')
    .description('show one run: tasks, attempts, durations, errors, Dremio job ids, logs')
    .option('--backend-url <url>', BACKEND_URL)
    .option(
      '--log-lines <n>',
      'log lines shown per attempt (0-10000)',
      wholeNumber('--log-lines', 0, 10_000),
      10,
    )
    .option('--json', 'print the run, its tasks and attempts as JSON')
    .action(
      action(async (ctx, runId: string, flags: ShowFlags) =>
        (await import('./pipeline-history.js')).showRun(ctx, runId, flags),
      ),
    )

  const recover = pipeline
    .command('recover [file]')
    .description(
      'take over runs whose process died (lease expired): with the module, finish them; without, mark them FAILED',
    )
    .option('-p, --pipeline <name>', 'only this pipeline (with a module: which one, when several)')
    .option('--backend-url <url>', BACKEND_URL)
    .option('--json', 'print the recovered runs as JSON')
  // With --executor bullmq, attempts a dead engine left running on workers are adopted.
  addExecutorOptions(recover).action(
    action(async (ctx, file: string | undefined, flags: RecoverFlags) =>
      (await import('./pipeline-recover.js')).recoverPipelineRuns(ctx, file, flags),
    ),
  )
  return pipeline
}

/** Flags of `pipeline recover`. */
export interface RecoverFlags extends ExecutorFlags {
  readonly pipeline?: string
  readonly backendUrl?: string
  readonly json?: boolean
}
