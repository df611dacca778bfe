/**
 * The tab's one live stream: a single `EventSource('/api/events')` shared by every view. Views
 * subscribe to `run`, `task` and `log` events and apply them incrementally. On a dropped
 * connection the browser reconnects by itself and sends `Last-Event-ID`, so the server resumes
 * where the stream stopped.
 */
import { ref } from 'vue'
import type { LogEvent, RunEvent, TaskEvent } from './types.js'

interface EventMap {
  run: RunEvent
  task: TaskEvent
  log: LogEvent
}
type EventName = keyof EventMap
type Handler<K extends EventName> = (event: EventMap[K]) => void

/** `'open'` while the stream is up, `'connecting'` while (re)connecting, `'closed'` when stopped. */
export const liveState = ref<'open' | 'connecting' | 'closed'>('closed')

const handlers: { [K in EventName]: Set<Handler<K>> } = {
  run: new Set(),
  task: new Set(),
  log: new Set(),
}
let source: EventSource | undefined
/** Whether the app wants the stream (true between login and logout). */
let wanted = false

function dispatch<K extends EventName>(name: K, raw: MessageEvent<string>): void {
  let data: EventMap[K]
  try {
    data = JSON.parse(raw.data) as EventMap[K]
  } catch {
    return
  }
  for (const h of handlers[name]) {
    try {
      h(data)
    } catch (e) {
      console.error(`[@df/ui] ${name} event handler failed`, e)
    }
  }
}

/** Opens the stream (idempotent); called once logged in. */
export function startEvents(): void {
  if (source !== undefined) return
  liveState.value = 'connecting'
  const es = new EventSource('/api/events')
  source = es
  es.addEventListener('open', () => {
    liveState.value = 'open'
  })
  es.addEventListener('error', () => {
    // CONNECTING: the browser retries (with Last-Event-ID). CLOSED: it gave up (e.g. a 401).
    liveState.value = es.readyState === EventSource.CLOSED ? 'closed' : 'connecting'
    if (es.readyState === EventSource.CLOSED && source === es) {
      source = undefined
      setTimeout(() => {
        if (source === undefined && liveState.value === 'closed' && wanted) startEvents()
      }, 3000)
    }
  })
  for (const name of ['run', 'task', 'log'] as const) {
    es.addEventListener(name, (e) => dispatch(name, e as MessageEvent<string>))
  }
}

/** Starts the stream and keeps it wanted (re-opened after the browser gives up). */
export function connectEvents(): void {
  wanted = true
  startEvents()
}

/** Closes the stream (on logout). */
export function stopEvents(): void {
  wanted = false
  source?.close()
  source = undefined
  liveState.value = 'closed'
}

/** Subscribes to one event type; returns the unsubscribe function (call it on unmount). */
export function onEvent<K extends EventName>(name: K, handler: Handler<K>): () => void {
  handlers[name].add(handler)
  return () => handlers[name].delete(handler)
}
