/**
 * The tab's one live stream: a single `EventSource('/api/events')` shared by every view. Views
 * subscribe to `run`, `task`, `log` (and `reset`: events were missed, refetch) and apply them
 * incrementally. On a dropped connection the browser reconnects by itself and sends
 * `Last-Event-ID`, so the server resumes where the stream stopped. The run page asks to watch
 * its run (`?runs=`: the server then also streams that run's log lines); changing what is
 * watched replaces the stream, resuming from the last event id seen.
 */
import { ref } from 'vue'
import type { LogEvent, RunEvent, TaskEvent } from './types.js'

interface EventMap {
  run: RunEvent
  task: TaskEvent
  log: LogEvent
  reset: { reason?: string }
}
type EventName = keyof EventMap
type Handler<K extends EventName> = (event: EventMap[K]) => void

/** `'open'` while the stream is up, `'connecting'` while (re)connecting, `'closed'` when stopped. */
export const liveState = ref<'open' | 'connecting' | 'closed'>('closed')

const handlers: { [K in EventName]: Set<Handler<K>> } = {
  run: new Set(),
  task: new Set(),
  log: new Set(),
  reset: new Set(),
}
let source: EventSource | undefined
/** Whether the app wants the stream (true between login and logout). */
let wanted = false
let lastEventId = ''
let watched: string[] = []
let retryTimer: ReturnType<typeof setTimeout> | undefined
/** Asked before re-opening a stream the browser gave up on: false when the session ended. */
let stillLoggedIn: () => Promise<boolean> = async () => true

/**
 * Log lines seen on the stream, per run (the newest runs, bounded): a running attempt's log is
 * stored only when the attempt ends, so a task panel opened mid-attempt shows these.
 */
const logs = new Map<string, Map<string, string[]>>()
const LOG_RUNS = 20
const LOG_LINES = 2000

function remember(e: LogEvent): void {
  let byTask = logs.get(e.runId)
  if (byTask === undefined) {
    byTask = new Map()
    logs.set(e.runId, byTask)
    if (logs.size > LOG_RUNS) logs.delete(logs.keys().next().value as string)
  }
  const key = `${e.taskId}\u0000${e.attempt}`
  const lines = byTask.get(key) ?? []
  lines.push(e.line)
  if (lines.length > LOG_LINES) lines.splice(0, lines.length - LOG_LINES)
  byTask.set(key, lines)
}

/** The log lines of one attempt seen live so far (empty when none were). */
export function liveLog(runId: string, taskId: string, attempt: number): string[] {
  return [...(logs.get(runId)?.get(`${taskId}\u0000${attempt}`) ?? [])]
}

function dispatch<K extends EventName>(name: K, raw: MessageEvent<string>): void {
  if (raw.lastEventId !== '') lastEventId = raw.lastEventId
  let data: EventMap[K]
  try {
    data = JSON.parse(raw.data) as EventMap[K]
  } catch {
    return
  }
  if (name === 'log') remember(data as LogEvent)
  for (const h of handlers[name]) {
    try {
      h(data)
    } catch (e) {
      console.error(`[@df/ui] ${name} event handler failed`, e)
    }
  }
}

function open(): void {
  const q = new URLSearchParams()
  if (watched.length > 0) q.set('runs', watched.join(','))
  if (lastEventId !== '') q.set('lastEventId', lastEventId)
  const qs = q.toString()
  liveState.value = 'connecting'
  const es = new EventSource(qs === '' ? '/api/events' : `/api/events?${qs}`)
  source = es
  es.addEventListener('open', () => {
    if (source === es) liveState.value = 'open'
  })
  es.addEventListener('error', () => {
    if (source !== es) return
    // CONNECTING: the browser retries by itself (with Last-Event-ID). CLOSED: it gave up
    // (e.g. the server answered 401 or restarted badly): retry a little later ourselves.
    if (es.readyState !== EventSource.CLOSED) {
      liveState.value = 'connecting'
      return
    }
    liveState.value = 'closed'
    source = undefined
    if (wanted && retryTimer === undefined) {
      retryTimer = setTimeout(() => {
        retryTimer = undefined
        void stillLoggedIn().then((ok) => {
          if (ok && wanted && source === undefined) open()
        })
      }, 3000)
    }
  })
  for (const name of ['run', 'task', 'log', 'reset'] as const) {
    es.addEventListener(name, (e) => {
      if (source === es) dispatch(name, e as MessageEvent<string>)
    })
  }
}

/** Sets the check run before re-opening a closed stream (a 401 there ends the session). */
export function setSessionCheck(check: () => Promise<boolean>): void {
  stillLoggedIn = check
}

/** Starts the stream (idempotent); called once logged in. */
export function connectEvents(): void {
  wanted = true
  if (source === undefined) open()
}

/** Closes the stream (on logout). */
export function stopEvents(): void {
  wanted = false
  source?.close()
  source = undefined
  lastEventId = ''
  liveState.value = 'closed'
}

/**
 * Watches these runs (their task events and log lines); `[]` for none. Re-opens the stream when
 * the set changes, resuming after the last event seen.
 */
export function watchRuns(runIds: string[]): void {
  const next = [...new Set(runIds)].sort()
  if (next.join(',') === watched.join(',')) return
  watched = next
  if (!wanted) return
  source?.close()
  source = undefined
  open()
}

/** Subscribes to one event type; returns the unsubscribe function (call it on unmount). */
export function onEvent<K extends EventName>(name: K, handler: Handler<K>): () => void {
  handlers[name].add(handler)
  return () => handlers[name].delete(handler)
}
