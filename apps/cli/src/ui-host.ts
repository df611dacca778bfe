/**
 * Starting `@df/ui` from CLI flags, shared by `pipeline ui` and `serve --ui`: the auth from
 * `--users-file` or `--username` + a password from `DF_UI_PASSWORD` / `--password-file` (never a
 * flag), and the optional peer loaded on demand.
 */
import { readFileSync } from 'node:fs'
import type { Backend, Pipeline } from '@df/orchestration'
import { CliError } from './cli-error.js'
import type { UiFlags } from './commands/pipeline-ui.js'
import type { CliContext } from './context.js'
import { importOptional } from './optional-import.js'

type UiModule = typeof import('@df/ui')
type UiAuth = NonNullable<Parameters<UiModule['startUi']>[0]['auth']>

/** The `@df/ui` package (optional peer: `DF_DEPENDENCY_MISSING` says how to install it). */
export function importUi(): Promise<UiModule> {
  return importOptional<UiModule>('@df/ui')
}

/** A password from `--password-file` (first line) or `DF_UI_PASSWORD`. */
export function readPassword(
  ctx: CliContext,
  passwordFile: string | undefined,
  what: string,
): string {
  if (passwordFile !== undefined) {
    let text: string
    try {
      text = readFileSync(passwordFile, 'utf8')
    } catch {
      throw new CliError('DF_CLI_FILE_NOT_FOUND', `--password-file: cannot read ${passwordFile}.`)
    }
    const line = text.split(/\r?\n/)[0] ?? ''
    if (line === '')
      throw new CliError('DF_CLI_USAGE', `--password-file: ${passwordFile} is empty.`)
    return line
  }
  const env = ctx.io.env.DF_UI_PASSWORD
  if (env !== undefined && env !== '') return env
  throw new CliError(
    'DF_CLI_USAGE',
    `${what} needs a password: set DF_UI_PASSWORD or give --password-file (never a flag: it would show in ps and the shell history).`,
  )
}

/** The `auth` of `startUi` from the flags. @throws CliError DF_CLI_USAGE */
export function uiAuth(ctx: CliContext, flags: UiFlags): UiAuth {
  if (flags.usersFile !== undefined && flags.username !== undefined) {
    throw new CliError('DF_CLI_USAGE', 'Give either --users-file or --username, not both.')
  }
  if (flags.usersFile !== undefined) return { usersFile: flags.usersFile }
  if (flags.username !== undefined) {
    return {
      username: flags.username,
      password: readPassword(ctx, flags.passwordFile, '--username'),
      ...(flags.role !== undefined ? { role: flags.role } : {}),
    }
  }
  throw new CliError(
    'DF_CLI_USAGE',
    'The UI needs users: --users-file FILE (dremio-cli pipeline ui-users add FILE …) or --username NAME with DF_UI_PASSWORD or --password-file.',
  )
}

/** Starts the UI over `backend`; closed with the command. */
export async function startCliUi(
  ctx: CliContext,
  backend: Backend,
  pipelines: readonly Pipeline[],
  flags: UiFlags,
): Promise<{ url: string; close(): Promise<void> }> {
  const auth = uiAuth(ctx, flags)
  const { startUi } = await importUi()
  const ui = await startUi({
    backend,
    pipelines,
    port: flags.port,
    host: flags.host,
    auth,
    log: (message, error) =>
      ctx.io.stderr.write(
        `${message}${error instanceof Error ? `: ${error.message.split('\n')[0]}` : ''}\n`,
      ),
  })
  return ui
}
