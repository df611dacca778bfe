/**
 * `dremio-cli pipeline ui`: the web UI over `--backend-url` until SIGTERM/Ctrl-C; with
 * `--pipelines`, triggers and reruns of those pipelines run in this process, others become run
 * requests that `dremio-cli serve` adopts. `pipeline ui-users add`: writes a users file.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import type { DremioClient } from '@df/client'
import type { Pipeline } from '@df/orchestration'
import { CliError } from '../cli-error.js'
import type { CliContext } from '../context.js'
import { loadPipelines } from '../load-pipelines.js'
import { pipelineFiles } from '../serve-runtime.js'
import { importUi, readPassword, startCliUi } from '../ui-host.js'
import type { PipelineUiFlags, UiUserFlags } from './pipeline-ui.js'

/** `dremio-cli pipeline ui`. */
export async function runUi(ctx: CliContext, flags: PipelineUiFlags): Promise<number> {
  const backend = await ctx.backend(flags.backendUrl)
  const pipelines: Pipeline[] = []
  if (flags.pipelines !== undefined) {
    let client: DremioClient | undefined
    const moduleContext = {
      get client(): DremioClient {
        client ??= ctx.client()
        return client
      },
      backend,
      params: {},
    }
    for (const file of pipelineFiles(flags.pipelines)) {
      pipelines.push(...(await loadPipelines(file, moduleContext)))
    }
    for (const p of pipelines) ctx.onClose(() => void p.close().catch(() => {}))
  }
  // A module that built its own backend runs elsewhere: the UI shows it as stored (run requests).
  const own = pipelines.filter((p) => p.backend === backend)
  for (const p of pipelines) {
    if (p.backend !== backend) {
      ctx.io.stderr.write(
        `warning: pipeline '${p.name}' was built with its own backend (${p.backend.name}): its triggers are not run here. Build it with ctx.backend.\n`,
      )
    }
  }
  const ui = await startCliUi(ctx, backend, own, flags)
  ctx.io.stdout.write(`UI at ${ui.url} (${own.length} pipeline(s) in this process; Ctrl-C stops)\n`)
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (name: NodeJS.Signals) => resolve(name)
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    ctx.onClose(() => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    })
  })
  ctx.io.stdout.write(`${signal}: stopping the UI\n`)
  await ui.close()
  return 0
}

/** `dremio-cli pipeline ui-users add FILE --username N --role R`. */
export async function addUiUser(
  ctx: CliContext,
  file: string,
  flags: UiUserFlags,
): Promise<number> {
  const { hashPassword, checkUsers } = await importUi()
  const password = readPassword(ctx, flags.passwordFile, 'ui-users add')
  let users: { username: string; role: string; passwordHash: string }[] = []
  if (existsSync(file)) {
    try {
      users = checkUsers(JSON.parse(readFileSync(file, 'utf8')), file)
    } catch (cause) {
      throw new CliError(
        'DF_CLI_FILE_INVALID',
        `${file} is not a valid users file: ${(cause as Error).message}`,
        { cause },
      )
    }
  }
  const replaced = users.some((u) => u.username === flags.username)
  users = users.filter((u) => u.username !== flags.username)
  users.push({
    username: flags.username,
    role: flags.role,
    passwordHash: await hashPassword(password),
  })
  writeFileSync(file, `${JSON.stringify(users, null, 2)}\n`, { mode: 0o600 })
  chmodSync(file, 0o600)
  ctx.io.stdout.write(
    `${replaced ? 'Replaced' : 'Added'} ${flags.username} (${flags.role}) in ${file}\n`,
  )
  return 0
}
