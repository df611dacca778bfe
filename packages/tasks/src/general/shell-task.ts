/**
 * `ShellTask` (type `shell`): runs a program. An argv array runs without a shell (no quoting or
 * injection issues); a command string runs in `/bin/sh` only with an explicit `shell: true`.
 * The process gets its own process group: on timeout (`timeoutMs`) or cancel the whole tree is
 * killed (SIGTERM, then SIGKILL after `killGrace`). Output lines stream into the attempt log;
 * a non-zero exit fails the attempt with the tail of stderr.
 */
import type { JsonObject } from '@df/orchestration'
import { renderTemplate, Task, type TaskContext, templatePlaceholders } from '@df/orchestration'
import { type BaseTaskOptions, checkPlaceholders, taskInvalid } from '../internal/task-support.js'
import { runProcess } from './internal/run-process.js'
import { taskFailed } from './internal/support.js'

/** Options of {@link ShellTask}. */
export interface ShellTaskOptions extends BaseTaskOptions {
  /**
   * `['prog', 'arg', …]` (each element templated: `{{ ds }}`, `{{ params.X }}`), or a shell
   * command string with `shell: true` (templated with ds, ds_nodash, ts and run_id only: params
   * would be injected unescaped into the shell; pass them as argv or env instead).
   */
  readonly command: readonly string[] | string
  /** Required to run a command string through `/bin/sh -c`. */
  readonly shell?: boolean
  readonly cwd?: string
  /** Added to the inherited environment (stored with the task: no secrets). */
  readonly env?: Readonly<Record<string, string>>
  /** SIGTERM → SIGKILL grace on timeout or cancel, in ms. @default 5000 */
  readonly killGrace?: number
  /** Output copied into the attempt log, in bytes. @default 262_144 */
  readonly maxOutputLogBytes?: number
}

/** What a {@link ShellTask} returns. */
export interface ShellTaskResult {
  readonly exitCode: 0
  /** The last 4 KiB of stdout, trimmed. */
  readonly stdout: string
}

/**
 * A program or shell command as a task.
 *
 * @example
 * new ShellTask({ name: 'export', command: ['./export.sh', '--day', '{{ ds }}'], timeoutMs: 600_000 })
 * new ShellTask({ name: 'count', command: 'ls data | wc -l', shell: true })
 */
export class ShellTask extends Task {
  static readonly TYPE = 'shell'

  /** @throws OrchestrationError `DF_TASK_INVALID` for bad options. */
  constructor(options: ShellTaskOptions) {
    const { command, shell, cwd, env, killGrace, maxOutputLogBytes, ...taskOptions } = options
    const name = String(taskOptions.name)
    const stored: JsonObject = {}
    if (typeof command === 'string') {
      if (shell !== true) {
        throw taskInvalid(
          name,
          "a command string runs through a shell only with shell: true; or pass an argv array like ['prog', 'arg']",
        )
      }
      if (command.trim() === '') throw taskInvalid(name, 'command is empty')
      for (const p of templatePlaceholders(command)) {
        if (!['ds', 'ds_nodash', 'ts', 'run_id'].includes(p)) {
          throw taskInvalid(
            name,
            `a shell command may use {{ ds }}, {{ ds_nodash }}, {{ ts }} and {{ run_id }} only, not '{{ ${p} }}' (pass params as argv or env)`,
          )
        }
      }
      stored.command = command
      stored.shell = true
    } else {
      if (
        !Array.isArray(command) ||
        command.length === 0 ||
        !command.every((a) => typeof a === 'string') ||
        command[0] === ''
      ) {
        throw taskInvalid(
          name,
          'command must be a non-empty argv array of strings (or a string with shell: true)',
        )
      }
      for (const [i, a] of command.entries()) checkPlaceholders(name, `command[${i}]`, a)
      stored.command = [...command]
    }
    if (cwd !== undefined) {
      if (typeof cwd !== 'string' || cwd === '')
        throw taskInvalid(name, 'cwd must be a directory path')
      stored.cwd = cwd
    }
    if (env !== undefined) {
      for (const [k, v] of Object.entries(env)) {
        if (typeof v !== 'string') throw taskInvalid(name, `env.${k} must be a string`)
      }
      stored.env = { ...env }
    }
    stored.killGrace = positive(name, 'killGrace', killGrace, 5000)
    stored.maxOutputLogBytes = positive(name, 'maxOutputLogBytes', maxOutputLogBytes, 262_144)
    super({
      ...taskOptions,
      type: ShellTask.TYPE,
      options: stored,
      run: (ctx) => runShell(ctx, stored),
    })
  }
}

function positive(name: string, what: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw taskInvalid(name, `${what} must be a number >= 0`)
  return v
}

async function runShell(ctx: TaskContext, o: JsonObject): Promise<ShellTaskResult> {
  const shell = o.shell === true
  const argv = shell
    ? [renderTemplate(o.command as string, ctx)]
    : (o.command as string[]).map((a) => renderTemplate(a, ctx))
  const label = shell ? 'sh -c' : (argv[0] as string)
  const result = await runProcess(ctx, {
    command: argv[0] as string,
    args: argv.slice(1),
    cwd: o.cwd as string | undefined,
    env: o.env as Record<string, string> | undefined,
    shell,
    killGrace: o.killGrace as number,
    maxLogBytes: o.maxOutputLogBytes as number,
    label,
  })
  if (result.exitCode !== 0) {
    const tail = result.stderrTail.trim()
    throw taskFailed(
      ctx.taskId,
      `${label} exited with code ${result.exitCode}${tail ? `; stderr ends with:\n${tail}` : ' (no stderr)'}`,
    )
  }
  return { exitCode: 0, stdout: result.stdoutTail.trim() }
}
