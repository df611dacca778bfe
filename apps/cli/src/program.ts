/**
 * The `dremio-cli` command tree (commander) and `runCli`, which runs one invocation and returns
 * its exit code instead of exiting, so the bin, the demo and tests share it.
 *
 * Exit codes: 0 success; 1 a failed run/check/statement or an error the user can fix (one line
 * on stderr); 2 a usage error (unknown command or flag, missing argument, bad option value: usage
 * is printed); 130 cancelled by SIGINT (Ctrl-C); 143 cancelled by SIGTERM.
 *
 * Start-up cost matters (a scheduler pays it per task): this module loads only commander and the
 * command registrations; each command's body, the Dremio client and the engine are imported when
 * the command runs.
 */
import { Command, CommanderError } from 'commander'
import { CliError } from './cli-error.js'
import { registerCatalogCommands } from './commands/catalog.js'
import { registerDqCommands } from './commands/dq.js'
import { registerEmulatorCommand } from './commands/emulator.js'
import { registerPipelineCommands } from './commands/pipeline.js'
import { registerScheduleCommands } from './commands/pipeline-schedules.js'
import { registerUiCommands } from './commands/pipeline-ui.js'
import { registerServeCommand } from './commands/serve.js'
import { registerSqlCommand } from './commands/sql.js'
import type { CliContext, CliIo, GlobalFlags } from './context.js'
import { definedEnv } from './options.js'

/**
 * Wraps a command body: builds the context from the global flags, maps thrown errors to one
 * line and exit code 1 (2 for usage), closes what was opened, and records the exit code.
 */
export type Action = <A extends unknown[]>(
  body: (ctx: CliContext, ...args: A) => Promise<number>,
) => (...args: unknown[]) => Promise<void>

/** Builds the program for one invocation; `setExit` receives the command's exit code. */
export function createProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('dremio-cli')
  program
    .description('Run @df pipelines, inspect their history, run SQL on Dremio, start the emulator.')
    .option('--profile <name>', 'profile from ~/.dremio/profiles.yaml (or DREMIO_PROFILE)')
    .option('--url <url>', 'Dremio URL, overriding the profile or DREMIO_URL')
    .option('--profiles-file <path>', 'profiles file (default ~/.dremio/profiles.yaml)')
    .option('-v, --verbose', 'explain what is happening on stderr (never prints secrets)')
    .showHelpAfterError()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
  const action: Action = (body) =>
    async function (this: Command, ...args: unknown[]) {
      const flags = this.optsWithGlobals() as GlobalFlags
      const { CliContext } = await import('./context.js')
      const ctx = new CliContext(io, flags)
      try {
        setExit(await body(ctx, ...(args.slice(0, -1) as never)))
      } catch (error) {
        io.stderr.write(`${describeError(error, flags.verbose === true)}\n`)
        setExit(CliError.is(error) && error.code === 'DF_CLI_USAGE' ? 2 : 1)
      } finally {
        await ctx.close()
      }
    }
  const pipeline = registerPipelineCommands(program, action)
  registerScheduleCommands(pipeline, action)
  registerUiCommands(pipeline, action)
  registerServeCommand(program, action)
  registerSqlCommand(program, action)
  registerCatalogCommands(program, action)
  registerDqCommands(program, action)
  registerEmulatorCommand(program, action)
  const strict = (cmd: Command): void => {
    cmd.exitOverride().showHelpAfterError().allowExcessArguments(false)
    cmd.configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    for (const sub of cmd.commands) strict(sub)
  }
  strict(program)
  return program
}

/** One line for an error: its message (package-prefixed), plus its code with `--verbose`. */
export function describeError(error: unknown, verbose: boolean): string {
  if (!(error instanceof Error)) return `[@df/cli] ${String(error)}`
  const code = (error as { code?: unknown }).code
  const message = error.message.startsWith('[@df/') ? error.message : `[@df/cli] ${error.message}`
  const firstLine = message.split('\n')[0] as string
  return verbose && typeof code === 'string' ? `${firstLine} (${code})` : firstLine
}

/**
 * Runs `dremio-cli` with `argv` (the arguments after the program name) and resolves with the
 * exit code. Never calls `process.exit` (except on a second Ctrl-C during a run).
 * @example
 * const code = await runCli(['pipeline', 'list', '--limit', '5'])
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  let exitCode = 0
  // An empty variable (`DF_BACKEND_URL=`) counts as unset, everywhere in the CLI.
  io = { ...io, env: definedEnv(io.env) }
  const program = createProgram(io, (code) => {
    exitCode = code
  })
  try {
    await program.parseAsync([...argv], { from: 'user' })
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0
      return 2
    }
    io.stderr.write(`${describeError(error, false)}\n`)
    return 1
  }
  return exitCode
}
