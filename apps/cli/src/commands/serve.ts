/**
 * `dremio-cli serve`: the long-running process that runs the schedules of a directory of
 * pipelines and adopts orphaned runs and run requests, until SIGTERM. Only the registration is
 * here; the body (serve-run.ts) and the engine load when the command runs (cold start).
 */
import type { Command } from 'commander'
import type { Action } from '../program.js'
import { type UiFlags, uiOptions } from './pipeline-ui.js'

/** The flags of `serve`. */
export interface ServeFlags {
  pipelines: string
  backendUrl?: string
  recoverInterval: string
  shutdownTimeout: string
  json?: boolean
  /** Also serve the web UI (`@df/ui`) over the same backend and pipelines. */
  ui?: boolean
}

/** `serve` flags with the UI's (used with `--ui`). */
export type ServeUiFlags = ServeFlags & UiFlags

/** Registers `serve` on the program. */
export function registerServeCommand(program: Command, action: Action): void {
  const serve = program
    .command('serve')
    .description(
      'run the schedules of a directory of pipelines and adopt orphaned runs, until SIGTERM',
    )
    .requiredOption('--pipelines <path>', 'a pipeline module, or a directory of them')
    .option(
      '--backend-url <url>',
      'where runs and schedules are stored (default sqlite:///dremioframe.db)',
    )
    .option(
      '--recover-interval <duration>',
      'how often runs of dead engines and run requests are adopted',
      '5s',
    )
    .option(
      '--shutdown-timeout <duration>',
      'on SIGTERM, how long runs in progress get to finish',
      '30s',
    )
    .option('--json', 'print every event as one JSON line')
    .option('--ui', 'also serve the web UI (needs @df/ui): its triggers and reruns run here')
  uiOptions(serve).action(
    action(async (ctx, flags: ServeUiFlags) => (await import('./serve-run.js')).serve(ctx, flags)),
  )
}
