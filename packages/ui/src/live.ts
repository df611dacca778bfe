/**
 * Live updates: ONE poller per server reads what changed in the backend (active runs, the
 * newest runs, the tasks of active runs, and the logs of runs a tab watches) and fans the
 * changes out to every open SSE stream; runs of in-process pipelines are pushed at once. Events
 * carry monotonic ids (`<boot>-<seq>`); a reconnect with `Last-Event-ID` replays what it missed
 * from a ring buffer, or gets `event: reset` (refetch) when that is no longer possible.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Backend, PipelineEvent, RunHistory, RunRecord } from '@df/orchestration'
import { FINISHED_RUN_STATES } from '@df/orchestration'
import { UiError } from './errors.js'
import { pushedData, taskData } from './live-events.js'
import { redactText, runSummary } from './views.js'

interface Buffered {
  readonly seq: number
  readonly runId: string | undefined
  /** `run` events go to every stream; task and log events honour `?runs=`. */
  readonly always: boolean
  readonly text: string
}

interface Client {
  readonly res: ServerResponse
  readonly runs: ReadonlySet<string> | undefined
  readonly sessionId: string | undefined
  readonly user: string
}

/** Open streams allowed per user and in all (each holds a socket). */
const MAX_STREAMS_PER_USER = 50
const MAX_STREAMS = 2000

/** Options of the hub. */
export interface LiveOptions {
  readonly backend: Backend & RunHistory
  /** @default 150 */
  readonly pollMs?: number
  /** Events kept for `Last-Event-ID` replay. @default 10_000 */
  readonly bufferSize?: number
  /** Keep-alive comment interval. @default 15_000 */
  readonly pingMs?: number
  readonly log: (message: string, error?: unknown) => void
}

type ActiveState = 'QUEUED' | 'RUNNING'
/** Tasks are polled for at most this many active runs per pass (watched runs first). */
const MAX_TASK_RUNS = 50

/** The SSE fan-out and the poller behind it. */
export class LiveHub {
  readonly #o: Required<Omit<LiveOptions, 'log'>> & Pick<LiveOptions, 'log'>
  readonly #boot = Date.now().toString(36)
  readonly #clients = new Set<Client>()
  readonly #buffer: Buffered[] = []
  #seq = 0
  /** Events up to this seq were not recorded (the poller was idle): older ids get a reset. */
  #gapAt = 0
  readonly #runKeys = new Map<string, string>()
  readonly #taskKeys = new Map<string, Map<string, string>>()
  readonly #logCounts = new Map<string, number>()
  readonly #pushedRuns = new Set<string>()
  /** Active runs seen by the last poll: id → createdAt. */
  #active = new Map<string, { createdAt: number; status: ActiveState }>()
  #primed = false
  #primedAt = 0
  #timer: NodeJS.Timeout | undefined
  #ping: NodeJS.Timeout | undefined
  #polling: Promise<void> | undefined
  #closed = false
  #idleSince = 0
  #loggedAt = 0

  constructor(options: LiveOptions) {
    this.#o = { pollMs: 150, bufferSize: 10_000, pingMs: 15_000, ...options }
  }

  /** Open streams. */
  get clients(): number {
    return this.#clients.size
  }

  /** Serves `GET /api/events` (SSE). */
  attach(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    principal: { readonly username: string; readonly sessionId?: string | undefined },
  ): void {
    const mine = [...this.#clients].filter((c) => c.user === principal.username).length
    if (mine >= MAX_STREAMS_PER_USER || this.#clients.size >= MAX_STREAMS) {
      throw new UiError(
        'DF_UI_RATE_LIMITED',
        `Too many open event streams (${mine} for ${principal.username}); close some tabs.`,
        { headers: { 'Retry-After': '5' } },
      )
    }
    const sessionId = principal.sessionId
    const filter = url.searchParams.get('runs')
    const runs =
      filter === null || filter === ''
        ? undefined
        : new Set(
            filter
              .split(',')
              .map((s) => s.trim())
              .filter((s) => s !== '')
              .slice(0, 100),
          )
    res.statusCode = 200
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8')
    res.setHeader('Cache-Control', 'no-store')
    res.setHeader('Connection', 'keep-alive')
    res.setHeader('X-Accel-Buffering', 'no')
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    req.socket.setTimeout(0)
    req.socket.setNoDelay(true)
    res.flushHeaders()
    const client: Client = { res, runs, sessionId, user: principal.username }
    const last = req.headers['last-event-id'] ?? url.searchParams.get('lastEventId') ?? undefined
    res.write(`retry: 1000\n\n`)
    this.#replay(client, Array.isArray(last) ? last[0] : last)
    res.write(`event: ready\ndata: ${JSON.stringify({ lastEventId: this.#id(this.#seq) })}\n\n`)
    this.#clients.add(client)
    const drop = () => this.#clients.delete(client)
    req.on('close', drop)
    res.on('error', drop)
    this.#ensureRunning()
  }

  /** Closes the streams of a session (logout). */
  closeSession(sessionId: string): void {
    for (const c of this.#clients) {
      if (c.sessionId === sessionId) {
        this.#clients.delete(c)
        c.res.end()
      }
    }
  }

  /** Polls soon (after an action of this server changed the backend). */
  poke(): void {
    if (this.#clients.size === 0 || this.#closed) return
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => this.#tick(), 0)
  }

  /** An event of an in-process pipeline: sent at once. */
  push(e: PipelineEvent): void {
    if (this.#closed) return
    this.#pushedRuns.add(e.runId)
    if (this.#pushedRuns.size > 10_000) this.#pushedRuns.clear()
    // Task keys only matter to a running poller (they stop it re-sending pushed changes).
    if (e.type === 'task' && this.#primed) {
      let keys = this.#taskKeys.get(e.runId)
      if (keys === undefined) {
        keys = new Map()
        this.#taskKeys.set(e.runId, keys)
      }
      keys.set(e.taskId, `${e.state}|${e.attempt}`)
    }
    this.#emit(e.type, e.runId, e.type === 'run', pushedData(e))
  }

  /** Ends every stream and stops polling. */
  async close(): Promise<void> {
    this.#closed = true
    clearTimeout(this.#timer)
    clearInterval(this.#ping)
    for (const c of this.#clients) c.res.end()
    this.#clients.clear()
    await this.#polling
  }

  #id(seq: number): string {
    return `${this.#boot}-${seq}`
  }

  #replay(client: Client, last: string | undefined): void {
    if (last === undefined || last === '') return
    const m = /^([0-9a-z]+)-(\d+)$/.exec(last)
    const seq = m !== null ? Number(m[2]) : Number.NaN
    const oldest = this.#buffer[0]?.seq ?? this.#seq + 1
    if (
      m === null ||
      m[1] !== this.#boot ||
      seq > this.#seq ||
      seq < this.#gapAt ||
      seq < oldest - 1
    ) {
      client.res.write(
        `id: ${this.#id(this.#seq)}\nevent: reset\ndata: ${JSON.stringify({ reason: 'missed events: refetch' })}\n\n`,
      )
      return
    }
    for (const b of this.#buffer) if (b.seq > seq && wants(client, b)) client.res.write(b.text)
  }

  #emit(type: 'run' | 'task' | 'log', runId: string, always: boolean, data: object): void {
    this.#seq++
    const text = `id: ${this.#id(this.#seq)}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`
    const b: Buffered = { seq: this.#seq, runId, always, text }
    this.#buffer.push(b)
    if (this.#buffer.length > this.#o.bufferSize)
      this.#buffer.splice(0, this.#buffer.length - this.#o.bufferSize)
    for (const c of this.#clients) {
      if (!wants(c, b)) continue
      c.res.write(text)
      // A stream that stopped reading is dropped; it reconnects with Last-Event-ID.
      if (c.res.writableLength > 4_194_304) {
        this.#clients.delete(c)
        c.res.destroy()
      }
    }
  }

  #ensureRunning(): void {
    if (this.#closed) return
    this.#ping ??= setInterval(() => {
      for (const c of this.#clients) c.res.write(': ping\n\n')
    }, this.#o.pingMs)
    this.#ping.unref?.()
    if (this.#timer === undefined && this.#polling === undefined) this.#tick()
  }

  #tick(): void {
    this.#timer = undefined
    if (this.#closed || this.#polling !== undefined) return
    this.#polling = this.#poll()
      .catch((error: unknown) => {
        // Once a minute at most: a backend that is down would otherwise log every poll.
        if (Date.now() - this.#loggedAt < 60_000) return
        this.#loggedAt = Date.now()
        this.#o.log('[@df/ui] live poll failed (retrying every poll)', error)
      })
      .finally(() => {
        this.#polling = undefined
        if (this.#closed) return
        if (this.#clients.size === 0) {
          this.#idleSince ||= Date.now()
          // Idle: stop after 30 s; what happens meanwhile is not recorded (a resume gets a reset).
          if (Date.now() - this.#idleSince > 30_000) {
            this.#primed = false
            this.#gapAt = this.#seq + 1
            this.#taskKeys.clear()
            this.#logCounts.clear()
            clearInterval(this.#ping)
            this.#ping = undefined
            return
          }
        } else this.#idleSince = 0
        this.#timer = setTimeout(() => this.#tick(), this.#o.pollMs)
      })
  }

  async #poll(): Promise<void> {
    const b = this.#o.backend
    // RUNNING runs move; QUEUED ones rarely (a backlog of run requests can be long): fewer read.
    const [running, queued, recent] = await Promise.all([
      b.listRuns({ status: 'RUNNING', limit: 1000 }),
      b.listRuns({ status: 'QUEUED', limit: 100 }),
      b.listRuns({ limit: 50 }),
    ])
    const active = { items: [...running.items, ...queued.items] }
    const seen = new Map<string, RunRecord>()
    for (const r of [...active.items, ...recent.items]) seen.set(r.id, r)
    // Beyond a truncated page only runs newer than its oldest are known to have left it.
    const floor = (page: typeof running) =>
      page.nextCursor !== undefined ? (page.items.at(-1)?.createdAt ?? 0) : 0
    const floors = { RUNNING: floor(running), QUEUED: floor(queued) }
    const ended = [...this.#active]
      .filter(([id, was]) => !seen.has(id) && was.createdAt >= floors[was.status])
      .map(([id]) => id)
    for (const r of await Promise.all(ended.map((id) => b.getRun(id)))) {
      if (r !== undefined) seen.set(r.id, r)
    }
    const priming = !this.#primed
    if (priming) this.#primedAt = Date.now()
    const now = Date.now()
    const changed: RunRecord[] = []
    for (const r of seen.values()) {
      const key = `${r.status}|${r.version}|${r.cancelRequestedAt ?? ''}|${r.owner ?? ''}`
      if (this.#runKeys.get(r.id) === key) continue
      this.#runKeys.set(r.id, key)
      // While priming (nothing recorded yet), only runs created since are news.
      if (!priming || r.createdAt >= this.#primedAt) changed.push(r)
    }
    for (const r of changed) this.#emit('run', r.id, true, runSummary(r, now))
    this.#active = new Map(
      active.items.map((r) => [r.id, { createdAt: r.createdAt, status: r.status as ActiveState }]),
    )
    // Tasks: of active runs and runs that just ended, watched runs first.
    const watched = this.#watched()
    // QUEUED runs' tasks do not move; a run that starts is in `changed`.
    const runningIds = running.items.map((r) => r.id)
    const candidates = [...new Set([...ended, ...changed.map((r) => r.id), ...runningIds])].sort(
      (x, y) => Number(watched.has(y)) - Number(watched.has(x)),
    )
    const taskRuns = candidates.slice(0, MAX_TASK_RUNS)
    const taskLists = await Promise.all(taskRuns.map((id) => b.getTasks(id)))
    const logFetches: Promise<void>[] = []
    taskRuns.forEach((runId, i) => {
      const tasks = taskLists[i]!
      const run = seen.get(runId)
      const known = this.#taskKeys.get(runId)
      const silent = known === undefined && (run?.createdAt ?? 0) < this.#primedAt
      const keys = known ?? new Map<string, string>()
      this.#taskKeys.set(runId, keys)
      for (const t of tasks) {
        const key = `${t.state}|${t.attempt}`
        const before = keys.get(t.taskId) ?? 'PENDING|0'
        keys.set(t.taskId, key)
        if (silent || before === key) continue
        this.#emit('task', runId, false, taskData(t))
        if (watched.has(runId) && !this.#pushedRuns.has(runId) && t.attempt > 0) {
          logFetches.push(this.#logs(runId, t.taskId))
        }
      }
      if (run !== undefined && FINISHED_RUN_STATES.has(run.status)) this.#taskKeys.delete(runId)
    })
    await Promise.all(logFetches)
    this.#primed = true
    if (this.#runKeys.size > 20_000) this.#trim()
  }

  async #logs(runId: string, taskId: string): Promise<void> {
    const attempts = await this.#o.backend.listAttempts(runId, taskId)
    for (const a of attempts) {
      if (a.log === undefined || a.log === '') continue
      const key = `${runId}\u0000${taskId}\u0000${a.attempt}`
      const lines = a.log.replace(/\n$/, '').split('\n')
      const sent = this.#logCounts.get(key) ?? 0
      for (const line of lines.slice(sent)) {
        this.#emit('log', runId, false, {
          runId,
          taskId,
          attempt: a.attempt,
          line: redactText(line),
        })
      }
      this.#logCounts.set(key, lines.length)
    }
    if (this.#logCounts.size > 50_000) this.#logCounts.clear()
  }

  #watched(): Set<string> {
    const out = new Set<string>()
    for (const c of this.#clients) for (const r of c.runs ?? []) out.add(r)
    return out
  }

  #trim(): void {
    for (const id of this.#runKeys.keys()) {
      if (this.#runKeys.size <= 10_000) break
      if (!this.#active.has(id)) this.#runKeys.delete(id)
    }
  }
}

function wants(c: Client, b: Buffered): boolean {
  return b.always || c.runs === undefined || (b.runId !== undefined && c.runs.has(b.runId))
}
