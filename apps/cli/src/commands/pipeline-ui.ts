/**
 * `pipeline ui` (the web UI over a backend) and `pipeline ui-users add` (write a users file with
 * scrypt hashes): registration only; the bodies (pipeline-ui-run.ts) and `@df/ui`, an optional
 * peer, load when a command runs. Passwords never come from a flag (shell history, `ps`): from
 * `DF_UI_PASSWORD` or `--password-file`.
 */
import type { Command } from 'commander'
import { oneOf, wholeNumber } from '../options.js'
import type { Action } from '../program.js'

/** The auth and listening flags `pipeline ui` and `serve --ui` share. */
export interface UiFlags {
  readonly port: number
  readonly host: string
  readonly usersFile?: string
  readonly username?: string
  readonly passwordFile?: string
  readonly role?: 'viewer' | 'operator' | 'admin'
}

/** Flags of `pipeline ui`. */
export interface PipelineUiFlags extends UiFlags {
  readonly backendUrl?: string
  readonly pipelines?: string
}

/** Flags of `pipeline ui-users add`. */
export interface UiUserFlags {
  readonly username: string
  readonly role: 'viewer' | 'operator' | 'admin'
  readonly passwordFile?: string
}

export const UI_ROLES = ['viewer', 'operator', 'admin'] as const

/** Adds the UI's listening and auth options to a command. */
export function uiOptions(cmd: Command, portDefault = 8080): Command {
  return cmd
    .option(
      '--port <n>',
      'the UI port (0: any free port)',
      wholeNumber('--port', 0, 65_535),
      portDefault,
    )
    .option(
      '--host <host>',
      'the address the UI listens on (0.0.0.0: every interface)',
      '127.0.0.1',
    )
    .option(
      '--users-file <file>',
      'users with roles and scrypt hashes (pipeline ui-users add writes it)',
    )
    .option(
      '--username <name>',
      'one user instead of a users file; password from DF_UI_PASSWORD or --password-file',
    )
    .option('--password-file <file>', "the --username's password (first line of the file)")
    .option('--role <role>', "the --username's role (default admin)", oneOf('--role', UI_ROLES))
}

/** Registers `pipeline ui` and `pipeline ui-users add` on the `pipeline` command. */
export function registerUiCommands(pipeline: Command, action: Action): void {
  uiOptions(
    pipeline
      .command('ui')
      .description(
        'serve the web UI (runs, run pages, live updates, trigger/cancel/rerun) until SIGTERM',
      )
      .option(
        '--backend-url <url>',
        'where runs are stored (default sqlite:///dremioframe.db, or DF_BACKEND_URL)',
      )
      .option(
        '--pipelines <path>',
        'a pipeline module or a directory of them: their triggers run in this process (others become run requests for dremio-cli serve)',
      ),
  ).action(
    action(async (ctx, flags: PipelineUiFlags) =>
      (await import('./pipeline-ui-run.js')).runUi(ctx, flags),
    ),
  )
  const users = pipeline.command('ui-users').description("manage the web UI's users file")
  users
    .command('add <file>')
    .description(
      'add or replace a user in a users file (created with mode 0600); password from DF_UI_PASSWORD or --password-file',
    )
    .requiredOption('--username <name>', 'the user')
    .requiredOption('--role <role>', `one of ${UI_ROLES.join(', ')}`, oneOf('--role', UI_ROLES))
    .option('--password-file <file>', 'read the password from this file (first line)')
    .action(
      action(async (ctx, file: string, flags: UiUserFlags) =>
        (await import('./pipeline-ui-run.js')).addUiUser(ctx, file, flags),
      ),
    )
}
