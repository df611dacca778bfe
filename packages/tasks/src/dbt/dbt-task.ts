/**
 * `DbtTask` (type `dbt`): runs `dbt <command>` as a child process. The project directory is
 * resolved once to an absolute path and used both as `--project-dir` and as the working
 * directory (the original resolved a relative one twice: `proj/proj`). Output streams into the
 * attempt log; a non-zero exit fails the attempt; `target/run_results.json` becomes the result.
 * On timeout (`timeoutMs`) or cancel dbt's process group is killed.
 */
import { resolve } from 'node:path'
import type { JsonObject, JsonValue } from '@df/orchestration'
import { renderTemplate, Task, type TaskContext } from '@df/orchestration'
import { runProcess } from '../general/internal/run-process.js'
import { taskFailed } from '../general/internal/support.js'
import { type BaseTaskOptions, checkPlaceholders, taskInvalid } from '../internal/task-support.js'
import { type DbtRunSummary, readRunResults } from './run-results.js'

/** Options of {@link DbtTask}. */
export interface DbtTaskOptions extends BaseTaskOptions {
  /** `run`, `build`, `test`, `seed`, `snapshot`, `compile`… @default 'run' */
  readonly command?: string
  /** The dbt project (resolved against the worker's cwd when relative). @default '.' */
  readonly projectDir?: string
  readonly profilesDir?: string
  /** `--target` (the profile output). */
  readonly target?: string
  /** `--profile`. */
  readonly profile?: string
  /** `--select` node selectors. */
  readonly select?: string | readonly string[]
  readonly exclude?: string | readonly string[]
  /** `--vars` as JSON; string values are templated (`{{ ds }}`, `{{ params.X }}`). */
  readonly vars?: JsonObject
  /** `--full-refresh`. */
  readonly fullRefresh?: boolean
  /** More arguments, appended as given (e.g. `['--threads', '4']`). */
  readonly args?: readonly string[]
  /** Environment added for dbt (no secrets: profiles read them with env_var()). */
  readonly env?: Readonly<Record<string, string>>
  /** The dbt executable, looked up on PATH. @default 'dbt' */
  readonly executable?: string
  /** SIGTERM → SIGKILL grace on timeout or cancel, in ms. @default 10_000 */
  readonly killGrace?: number
}

/** What a {@link DbtTask} returns. */
export interface DbtTaskResult {
  readonly command: string
  readonly exitCode: number
  /** Parsed from `target/run_results.json`, when dbt wrote it in this attempt. */
  readonly results?: DbtRunSummary
}

const TOKEN = /^[a-z][a-z0-9-]*$/

/**
 * A dbt invocation as a task.
 *
 * @example
 * new DbtTask({ name: 'models', command: 'build', projectDir: '/srv/dbt/shop', target: 'prod',
 *   select: ['tag:daily'], vars: { day: '{{ ds }}' }, timeoutMs: 3_600_000 })
 */
export class DbtTask extends Task {
  static readonly TYPE = 'dbt'

  /** @throws OrchestrationError `DF_TASK_INVALID` for bad options. */
  constructor(options: DbtTaskOptions) {
    const {
      command,
      projectDir,
      profilesDir,
      target,
      profile,
      select,
      exclude,
      vars,
      fullRefresh,
      args,
      env,
      executable,
      killGrace,
      ...taskOptions
    } = options
    const name = String(taskOptions.name)
    const cmd = command ?? 'run'
    if (typeof cmd !== 'string' || !TOKEN.test(cmd)) {
      throw taskInvalid(
        name,
        `command must be one dbt command like 'run' or 'build', got ${JSON.stringify(command)}`,
      )
    }
    const str = (what: string, v: unknown): string | undefined => {
      if (v === undefined) return undefined
      if (typeof v !== 'string' || v === '')
        throw taskInvalid(name, `${what} must be a non-empty string`)
      return v
    }
    const list = (what: string, v: unknown): string[] | undefined => {
      if (v === undefined) return undefined
      const items = typeof v === 'string' ? [v] : v
      if (!Array.isArray(items) || !items.every((s) => typeof s === 'string' && s !== '')) {
        throw taskInvalid(name, `${what} must be a string or an array of strings`)
      }
      return [...items]
    }
    if (vars !== undefined && (vars === null || typeof vars !== 'object' || Array.isArray(vars))) {
      throw taskInvalid(name, 'vars must be a JSON object')
    }
    if (vars !== undefined) checkPlaceholders(name, 'vars', JSON.stringify(vars))
    const stored: JsonObject = { command: cmd, projectDir: str('projectDir', projectDir) ?? '.' }
    const put = (k: string, v: JsonValue | undefined) => {
      if (v !== undefined) stored[k] = v
    }
    put('profilesDir', str('profilesDir', profilesDir))
    put('target', str('target', target))
    put('profile', str('profile', profile))
    put('select', list('select', select))
    put('exclude', list('exclude', exclude))
    put('vars', vars)
    if (fullRefresh === true) stored.fullRefresh = true
    put('args', list('args', args))
    if (env !== undefined) {
      for (const [k, v] of Object.entries(env)) {
        if (typeof v !== 'string') throw taskInvalid(name, `env.${k} must be a string`)
      }
      stored.env = { ...env }
    }
    stored.executable = str('executable', executable) ?? 'dbt'
    if (killGrace !== undefined && (typeof killGrace !== 'number' || !(killGrace >= 0))) {
      throw taskInvalid(name, 'killGrace must be a number of ms >= 0')
    }
    stored.killGrace = killGrace ?? 10_000
    super({
      ...taskOptions,
      type: DbtTask.TYPE,
      options: stored,
      run: (ctx) => runDbt(ctx, stored),
    })
  }
}

/** The dbt argv (without the executable) for stored options; `projectDir` is absolute. */
export function dbtArgs(o: JsonObject, projectDir: string, ctx: TaskContext): string[] {
  const argv = [o.command as string, '--project-dir', projectDir]
  if (o.profilesDir !== undefined) argv.push('--profiles-dir', resolve(o.profilesDir as string))
  if (o.target !== undefined) argv.push('--target', o.target as string)
  if (o.profile !== undefined) argv.push('--profile', o.profile as string)
  if (o.select !== undefined) argv.push('--select', ...(o.select as string[]))
  if (o.exclude !== undefined) argv.push('--exclude', ...(o.exclude as string[]))
  if (o.vars !== undefined) argv.push('--vars', JSON.stringify(renderVars(o.vars, ctx)))
  if (o.fullRefresh === true) argv.push('--full-refresh')
  if (o.args !== undefined) argv.push(...(o.args as string[]))
  return argv
}

function renderVars(v: JsonValue, ctx: TaskContext): JsonValue {
  if (typeof v === 'string') return renderTemplate(v, ctx)
  if (Array.isArray(v)) return v.map((x) => renderVars(x, ctx))
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renderVars(x, ctx)]))
  }
  return v
}

async function runDbt(ctx: TaskContext, o: JsonObject): Promise<DbtTaskResult> {
  // Resolved once: the same absolute directory is the cwd and --project-dir.
  const projectDir = resolve(o.projectDir as string)
  const argv = dbtArgs(o, projectDir, ctx)
  const label = `dbt ${o.command as string}`
  ctx.log.info(`${label}: ${[o.executable as string, ...argv].join(' ')}`)
  const started = Date.now() // file mtimes are real time, not the engine clock
  const run = await runProcess(ctx, {
    command: o.executable as string,
    args: argv,
    cwd: projectDir,
    env: o.env as Record<string, string> | undefined,
    killGrace: o.killGrace as number,
    maxLogBytes: 262_144,
    label,
  })
  const results = await readRunResults(resolve(projectDir, 'target', 'run_results.json'), started)
  if (!results) ctx.log.warn(`${label}: no fresh target/run_results.json to read.`)
  else ctx.log.info(`${label}: nodes by status ${JSON.stringify(results.counts)}`)
  if (run.exitCode !== 0) {
    const bad = results ? [...results.errored, ...results.failed] : []
    const nodes =
      bad.length > 0
        ? `; failed: ${bad.slice(0, 20).join(', ')}${bad.length > 20 ? ', …' : ''}`
        : ''
    const tail = (run.stderrTail.trim() || run.stdoutTail.trim()).split('\n').slice(-15).join('\n')
    throw taskFailed(
      ctx.taskId,
      `${label} exited with code ${run.exitCode}${nodes}${tail ? `; output ends with:\n${tail}` : ''}`,
    )
  }
  return { command: o.command as string, exitCode: 0, ...(results ? { results } : {}) }
}
