/**
 * What the API sends about runs, tasks and schedules: the stored records reduced to the fields
 * the SPA shows, with credentials scrubbed from free text (`redactText`). Owners, lease tokens,
 * task options and results are never sent.
 */
import type {
  AttemptRecord,
  ErrorRecord,
  JsonValue,
  RunRecord,
  ScheduleRecord,
  TaskRecord,
} from '@df/orchestration'

/** A run in lists and events. Times are epoch ms. */
export interface RunSummary {
  readonly runId: string
  readonly pipelineId: string
  readonly status: RunRecord['status']
  readonly trigger: RunRecord['trigger']
  readonly logicalDate: string
  readonly createdAt: number
  readonly startedAt: number | null
  readonly finishedAt?: number
  readonly taskCounts?: RunRecord['taskCounts']
  readonly rerunOf?: string
  readonly scheduleId?: string
  readonly message?: string
  /** An unfinished run whose owner's lease ran out (its process died; `serve` adopts it). */
  readonly leaseExpired?: boolean
  /** A QUEUED run nobody owns yet: a run request waiting for a process with the code. */
  readonly requested?: boolean
}

const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)([^/\s:@]+)(:[^/\s@]*)?@/gi
const SECRET_PAIRS =
  /\b(password|passwd|pwd|secret|token|pat|api[_-]?key|access[_-]?key|secret[_-]?key|authorization)(["']?\s*[:=]\s*["']?)([^\s"',;&]+)/gi
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g

/**
 * Scrubs credentials from free text (error messages, stacks, log lines): URL user-info
 * (`postgres://u:p@h` → `postgres://***@h`), `password=…`-style pairs and bearer tokens.
 */
export function redactText(text: string): string {
  return text
    .replace(URL_CREDENTIALS, '$1***@')
    .replace(SECRET_PAIRS, '$1$2***')
    .replace(BEARER, '$1 ***')
}

/** `value` with every string scrubbed by {@link redactText} (params, meta). */
export function redactJson<T extends JsonValue | undefined>(value: T): T {
  if (typeof value === 'string') return redactText(value) as T
  if (Array.isArray(value)) return value.map((v) => redactJson(v)) as T
  if (value !== null && typeof value === 'object') {
    const out: Record<string, JsonValue> = {}
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY.test(k) ? '***' : redactJson(v)
    }
    return out as T
  }
  return value
}

const SECRET_KEY = /pass(word)?|secret|token|credential|api[_-]?key/i

/**
 * A declared params schema for the trigger form: a param whose name says it is a secret
 * (password, token, secret, …) loses its `default` (the form must not show it) and is marked
 * `secret: true`; other defaults and descriptions are scrubbed like free text.
 */
export function paramsView(schema: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, spec] of Object.entries(schema)) {
    const { default: def, ...others } = spec as Record<string, JsonValue>
    const rest = redactJson(others as JsonValue) as Record<string, JsonValue>
    out[name] = SECRET_KEY.test(name)
      ? {
          ...rest,
          secret: true,
          ...(def !== undefined ? { hasDefault: true } : {}),
        }
      : {
          ...rest,
          ...(def !== undefined ? { default: redactJson(def) } : {}),
        }
  }
  return out
}

/** The API's view of a run. */
export function runSummary(run: RunRecord, now = Date.now()): RunSummary {
  const unfinished = run.status === 'QUEUED' || run.status === 'RUNNING'
  return {
    runId: run.id,
    pipelineId: run.pipelineId,
    status: run.status,
    trigger: run.trigger,
    logicalDate: run.logicalDate,
    createdAt: run.createdAt,
    startedAt: run.startedAt ?? null,
    ...(run.endedAt !== undefined ? { finishedAt: run.endedAt } : {}),
    ...(run.taskCounts !== undefined ? { taskCounts: run.taskCounts } : {}),
    ...(run.rerunOf !== undefined ? { rerunOf: run.rerunOf } : {}),
    ...(run.scheduleId !== undefined ? { scheduleId: run.scheduleId } : {}),
    ...(run.message !== undefined ? { message: redactText(run.message) } : {}),
    ...(unfinished && run.owner !== undefined && (run.leaseExpiresAt ?? 0) <= now
      ? { leaseExpired: true }
      : {}),
    ...(run.status === 'QUEUED' && run.owner === undefined ? { requested: true } : {}),
  }
}

/** A run with what the run page needs besides the summary. */
export function runDetail(run: RunRecord): Record<string, unknown> {
  return {
    ...runSummary(run),
    params: redactJson(run.params),
    definitionHash: run.definitionHash,
    ...(run.dataIntervalStart !== undefined ? { dataIntervalStart: run.dataIntervalStart } : {}),
    ...(run.dataIntervalEnd !== undefined ? { dataIntervalEnd: run.dataIntervalEnd } : {}),
    ...(run.message !== undefined && run.status === 'FAILED'
      ? { error: { message: redactText(run.message) } }
      : {}),
    ...(run.cancelRequestedAt !== undefined ? { cancelRequestedAt: run.cancelRequestedAt } : {}),
    ...(run.cancelReason !== undefined ? { cancelReason: redactText(run.cancelReason) } : {}),
  }
}

/** Task states as parallel arrays (one small answer for 10,000 tasks). */
export function taskColumns(tasks: readonly TaskRecord[]): Record<string, unknown> {
  const n = tasks.length
  const ids = new Array<string>(n)
  const states = new Array<string>(n)
  const attempts = new Array<number>(n)
  const startedAt = new Array<number | null>(n)
  const finishedAt = new Array<number | null>(n)
  const reasons: (string | null)[] = new Array<string | null>(n)
  let anyReason = false
  for (let i = 0; i < n; i++) {
    const t = tasks[i]!
    ids[i] = t.taskId
    states[i] = t.state
    attempts[i] = t.attempt
    startedAt[i] = t.startedAt ?? null
    finishedAt[i] = t.endedAt ?? null
    reasons[i] = t.reason !== undefined ? redactText(t.reason) : null
    if (t.reason !== undefined) anyReason = true
  }
  return { ids, states, attempts, startedAt, finishedAt, ...(anyReason ? { reasons } : {}) }
}

function errorView(e: ErrorRecord): Record<string, unknown> {
  return {
    message: redactText(e.message),
    ...(e.name !== undefined ? { name: e.name } : {}),
    ...(e.code !== undefined ? { code: e.code } : {}),
    ...(e.stack !== undefined ? { stack: redactText(e.stack) } : {}),
  }
}

/** An attempt with its log as lines. */
export function attemptView(a: AttemptRecord): Record<string, unknown> {
  return {
    attempt: a.attempt,
    status: a.state,
    startedAt: a.startedAt,
    ...(a.endedAt !== undefined ? { finishedAt: a.endedAt } : {}),
    ...(a.worker !== undefined ? { worker: a.worker } : {}),
    ...(a.error !== undefined ? { error: errorView(a.error) } : {}),
    log:
      a.log === undefined || a.log === '' ? [] : redactText(a.log).replace(/\n$/, '').split('\n'),
    ...(a.meta !== undefined ? { meta: redactJson(a.meta) } : {}),
  }
}

/** A schedule as the pipelines page shows it. */
export function scheduleView(s: ScheduleRecord): Record<string, unknown> {
  const spec = s.spec as Record<string, unknown>
  const pick = (k: string) =>
    typeof spec[k] === 'string' || typeof spec[k] === 'number' ? { [k]: spec[k] } : {}
  return {
    id: s.id,
    pipelineId: s.pipelineId,
    ...pick('cron'),
    ...pick('every'),
    ...pick('timezone'),
    paused: s.paused,
    ...(s.nextDueAt !== undefined && !s.paused ? { nextRunAt: s.nextDueAt } : {}),
    ...(s.lastRunId !== undefined ? { lastRunId: s.lastRunId } : {}),
  }
}
