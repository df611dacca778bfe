/**
 * What `pipeline run` prints while a run goes on, fed by the pipeline's event stream:
 * - `tty`: a block redrawn in place (each task's state, duration and Dremio job id, a progress
 *   bar), refreshed on every event and every 100 ms so running durations tick;
 * - `plain` (stdout is not a terminal): one timestamped line per state change and log line;
 * - `json`: every event as one JSON line (`--json`), for scripts.
 */
import type { PipelineEvent, RunResult, TaskState } from '@df/orchestration'
import { formatDuration, formatTime } from './format.js'

/** Where a view writes (a `process.stdout`-like stream). */
export interface ViewOutput {
  write(text: string): unknown
  /** Terminal width; lines are cut to it so that redrawing in place stays aligned. */
  readonly columns?: number
  /** Terminal height; a block taller than the screen cannot be redrawn, so tasks are elided. */
  readonly rows?: number
}

/** The live view of one run. */
export interface RunView {
  onEvent(event: PipelineEvent): void
  /** Prints the final state and a summary; stops the refresh timer. */
  finish(run: RunResult): void
}

interface TaskLine {
  state: TaskState | 'PENDING'
  attempt: number
  startedAt?: number
  durationMs?: number
  jobId?: string
  error?: string
}

const DONE = new Set<string>([
  'SUCCESS',
  'FAILED',
  'SKIPPED',
  'UPSTREAM_FAILED',
  'CANCELLED',
  'REMOVED',
])
const ICON: Record<string, string> = {
  PENDING: '·',
  QUEUED: '·',
  RUNNING: '▶',
  SUCCESS: '✔',
  FAILED: '✖',
  SKIPPED: '↷',
  UPSTREAM_FAILED: '✖',
  UP_FOR_RETRY: '↻',
  UP_FOR_RESCHEDULE: '↻',
  CANCELLED: '■',
  REMOVED: '-',
}
const COLOR: Record<string, number> = {
  RUNNING: 36,
  SUCCESS: 32,
  FAILED: 31,
  UPSTREAM_FAILED: 31,
  CANCELLED: 33,
  UP_FOR_RETRY: 33,
  SKIPPED: 90,
  PENDING: 90,
  QUEUED: 90,
}
/** The job-id line `DremioQueryTask` logs (display only: the attempt record is the truth). */
const JOB_LINE = /^Dremio job (\S+) submitted/

/** Creates the view for `mode`. `now` is injectable for tests. */
export function createRunView(
  mode: 'tty' | 'plain' | 'json',
  out: ViewOutput,
  pipelineName: string,
  taskNames: readonly string[],
  detailsCommand: string,
  now: () => number = Date.now,
): RunView {
  if (mode === 'json') {
    return {
      onEvent: (e) => out.write(`${JSON.stringify(e)}\n`),
      finish: () => undefined,
    }
  }
  const tasks = new Map<string, TaskLine>(
    taskNames.map((n) => [n, { state: 'PENDING', attempt: 0 }]),
  )
  let runId = ''
  let runState = 'QUEUED'
  let runStarted: number | undefined
  const color = mode === 'tty' && !process.env.NO_COLOR
  const paint = (state: string, text: string) =>
    color && COLOR[state] ? `\x1b[${COLOR[state]}m${text}\x1b[0m` : text
  const width = Math.max(...taskNames.map((n) => n.length), 4)

  const apply = (e: PipelineEvent): void => {
    if (e.type === 'run') {
      runId = e.runId
      runState = e.state
      if (e.state === 'RUNNING') runStarted ??= e.at
      return
    }
    const t = tasks.get(e.taskId) ?? { state: 'PENDING', attempt: 0 }
    tasks.set(e.taskId, t)
    if (e.type === 'log') {
      const job = JOB_LINE.exec(e.message)?.[1]
      if (job) t.jobId = job
      return
    }
    t.state = e.state
    t.attempt = e.attempt
    if (e.attemptStartedAt !== undefined) t.startedAt = e.attemptStartedAt
    if (e.durationMs !== undefined) t.durationMs = e.durationMs
    if (e.error) t.error = e.error.message
    else if (e.reason && DONE.has(e.state) && e.state !== 'SUCCESS') t.error = e.reason
  }

  if (mode === 'plain') {
    const stamp = (at: number) => formatTime(at).slice(11)
    return {
      onEvent(e) {
        apply(e)
        if (e.type === 'run') {
          out.write(
            `[${stamp(e.at)}] run ${e.runId} ${e.state}${e.message ? `: ${e.message}` : ''}\n`,
          )
        } else if (e.type === 'log') {
          out.write(`[${stamp(e.at)}]   ${e.taskId} | ${e.message}\n`)
        } else {
          const extra = [
            e.state === 'RUNNING' ? `attempt ${e.attempt}` : '',
            e.durationMs !== undefined ? `in ${formatDuration(e.durationMs)}` : '',
            e.error ? `error: ${e.error.message}` : e.reason ? `(${e.reason})` : '',
          ].filter(Boolean)
          out.write(
            `[${stamp(e.at)}] ${e.taskId} ${e.state}${extra.length ? ` ${extra.join(' ')}` : ''}\n`,
          )
        }
      },
      finish: (run) => out.write(summary(run, tasks, detailsCommand)),
    }
  }

  let drawn = 0
  let dirty = true
  const draw = (): void => {
    if (!dirty && !hasRunning()) return
    dirty = false
    const t = now()
    const done = [...tasks.values()].filter((x) => DONE.has(x.state)).length
    const total = tasks.size
    const barWidth = 24
    const filled = total === 0 ? barWidth : Math.round((done / total) * barWidth)
    const lines = [
      `${pipelineName}  ${runId ? `run ${runId}` : ''}  ${paint(runState, runState)}`,
      `[${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}] ${done}/${total} tasks  ${formatDuration(runStarted === undefined ? undefined : t - runStarted)}`,
      ...visibleTasks(tasks, out.rows).map(([name, x]) => {
        const running = x.state === 'RUNNING' && x.startedAt !== undefined
        const dur = running ? t - (x.startedAt as number) : x.durationMs
        const cols = [
          paint(x.state, `${ICON[x.state] ?? '?'} ${x.state.padEnd(15)}`),
          name.padEnd(width),
          formatDuration(dur).padStart(8),
          x.attempt > 1 ? `attempt ${x.attempt}` : '',
          x.jobId ? `job ${x.jobId}` : '',
        ]
        return `  ${cols.filter(Boolean).join('  ')}`
      }),
    ]
    const hidden = tasks.size - (lines.length - 2)
    if (hidden > 0) lines.push(`  … ${hidden} more (${done} finished)`)
    // Move to the top of the previous block, clear it, draw again.
    const cols = out.columns && out.columns > 20 ? out.columns - 1 : undefined
    const shown = cols ? lines.map((l) => fit(l, cols, color)) : lines
    out.write(`${drawn > 0 ? `\x1b[${drawn}F\x1b[0J` : ''}${shown.join('\n')}\n`)
    drawn = lines.length
  }
  const hasRunning = () => [...tasks.values()].some((x) => x.state === 'RUNNING')
  const timer = setInterval(draw, 100)
  timer.unref()
  return {
    onEvent(e) {
      apply(e)
      dirty = true
      draw()
    },
    finish(run) {
      clearInterval(timer)
      for (const [name, rec] of Object.entries(run.tasks)) {
        const x = tasks.get(name)
        if (x && DONE.has(rec.state)) x.state = rec.state
      }
      runState = run.status
      dirty = true
      draw()
      out.write(summary(run, tasks, detailsCommand))
    },
  }
}

/**
 * The task lines that fit a terminal of `rows` (header, bar and a "more" line take 4): running and
 * failing tasks first, then finished ones, then pending ones, each in pipeline order.
 */
function visibleTasks(
  tasks: ReadonlyMap<string, TaskLine>,
  rows: number | undefined,
): [string, TaskLine][] {
  const all = [...tasks]
  const room = rows && rows > 8 ? rows - 4 : undefined
  if (room === undefined || all.length <= room) return all
  const rank = (x: TaskLine) =>
    x.state === 'RUNNING' || x.state === 'FAILED' || x.state === 'UP_FOR_RETRY'
      ? 0
      : x.state === 'PENDING' || x.state === 'QUEUED'
        ? 2
        : 1
  const keep = new Set(
    all
      .map(([name, x], i) => ({ name, r: rank(x), i }))
      .sort((a, b) => a.r - b.r || a.i - b.i)
      .slice(0, room)
      .map((e) => e.name),
  )
  return all.filter(([name]) => keep.has(name))
}

/** Cuts `line` to `cols` visible characters (colour codes sit at the start of our lines). */
function fit(line: string, cols: number, color: boolean): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI colour codes
  const visible = line.replace(/\x1b\[[0-9;]*m/g, '').length
  if (visible <= cols) return line
  return `${line.slice(0, line.length - (visible - cols) - 1)}…${color ? '\x1b[0m' : ''}`
}

function summary(run: RunResult, lines: ReadonlyMap<string, TaskLine>, details: string): string {
  const counts = new Map<string, number>()
  for (const t of Object.values(run.tasks)) counts.set(t.state, (counts.get(t.state) ?? 0) + 1)
  const took =
    run.startedAt !== undefined && run.endedAt !== undefined
      ? ` in ${formatDuration(run.endedAt - run.startedAt)}`
      : ''
  const parts = [...counts].map(([s, n]) => `${n} ${s.toLowerCase()}`).join(', ')
  const out = [`\nRun ${run.id} ${run.status}${took}: ${run.message ?? parts}`]
  for (const [name, t] of Object.entries(run.tasks)) {
    if (t.state === 'FAILED')
      out.push(`  ${name}: ${t.error?.message ?? lines.get(name)?.error ?? 'failed'}`)
  }
  out.push(`Details: ${details.replace('{RUN}', run.id)}\n`)
  return out.join('\n')
}
