/** Display helpers: times, durations, state colours. */

/** Airflow-like colours, one per task/run state. */
export const STATE_COLORS: Record<string, string> = {
  PENDING: '#d5dae0',
  QUEUED: '#9aa3ad',
  RUNNING: '#2f7de1',
  SUCCESS: '#2e9e44',
  FAILED: '#d93025',
  SKIPPED: '#e08ff2',
  UPSTREAM_FAILED: '#f29d1b',
  UP_FOR_RETRY: '#f2c21b',
  UP_FOR_RESCHEDULE: '#5cc7d3',
  CANCELLED: '#7a5c45',
  REMOVED: '#bdbdbd',
}

/** The colour of a state (grey for one this SPA does not know). */
export function stateColor(state: string | undefined): string {
  return (state !== undefined && STATE_COLORS[state]) || '#bdbdbd'
}

/** Task states in display order. */
export const TASK_STATES = Object.keys(STATE_COLORS)
/** Run states in display order. */
export const RUN_STATES = ['QUEUED', 'RUNNING', 'SUCCESS', 'FAILED', 'CANCELLED']

/** Epoch ms from a number, a numeric string or an ISO string; undefined for none. */
export function toMs(t: string | number | null | undefined): number | undefined {
  if (t === null || t === undefined || t === '') return undefined
  if (typeof t === 'number') return t
  const n = Number(t)
  if (Number.isFinite(n)) return n
  const d = Date.parse(t)
  return Number.isNaN(d) ? undefined : d
}

const pad = (n: number) => String(n).padStart(2, '0')

/** `YYYY-MM-DD HH:MM:SS` in the browser's time zone; `–` for none. */
export function formatTime(t: string | number | null | undefined): string {
  const ms = toMs(t)
  if (ms === undefined) return '–'
  const d = new Date(ms)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

/** `1.2 s`, `3 m 04 s`, `2 h 05 m`; `–` for none. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '–'
  if (ms < 1000) return `${Math.round(ms)} ms`
  const s = ms / 1000
  if (s < 60) return `${s.toFixed(1)} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} m ${pad(Math.floor(s % 60))} s`
  return `${Math.floor(m / 60)} h ${pad(m % 60)} m`
}

/** Duration between two times, up to now when `end` is missing. */
export function span(
  start: string | number | null | undefined,
  end: string | number | null | undefined,
): string {
  const a = toMs(start)
  if (a === undefined) return '–'
  return formatDuration((toMs(end) ?? Date.now()) - a)
}

/** An interval in the schedule syntax: 3_600_000 → `1h`, 90_000 → `1m30s`, 1500 → `1500ms`. */
export function interval(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0 || ms % 1000 !== 0) return `${ms}ms`
  let s = ms / 1000
  let out = ''
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (s >= size) {
      out += `${Math.floor(s / size)}${unit}`
      s %= size
    }
  }
  return out
}

/** `in 5 m`, `3 h ago`. */
export function relative(t: string | number | null | undefined): string {
  const ms = toMs(t)
  if (ms === undefined) return ''
  const d = ms - Date.now()
  const text = formatDuration(Math.abs(d))
  return d >= 0 ? `in ${text}` : `${text} ago`
}
