/**
 * Text formatting shared by the commands: durations, local times, aligned tables, CSV, and the
 * `--param k=v` parser.
 */
import type { JsonObject, JsonValue } from '@df/orchestration'
import { CliError } from './cli-error.js'

/** `850ms`, `12.3s`, `4m 05s`, `2h 03m`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '-'
  if (ms < 1000) return `${Math.round(ms)}ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`
  const s = Math.floor(ms / 1000)
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}

/** Local wall-clock time `YYYY-MM-DD HH:MM:SS`, or `-`. */
export function formatTime(epochMs: number | undefined): string {
  if (epochMs === undefined) return '-'
  const d = new Date(epochMs)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
}

/** Columns padded to their widest cell, a header row and a rule under it. */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  // A loop, not Math.max(...rows): spreading 200,000 rows into arguments overflows the stack.
  const widths = headers.map((h) => h.length)
  for (const row of rows) {
    for (let i = 0; i < widths.length; i++) {
      const len = (row[i] ?? '').length
      if (len > (widths[i] as number)) widths[i] = len
    }
  }
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()
  const lines = [line(headers), line(widths.map((w) => '-'.repeat(w)))]
  for (const row of rows) lines.push(line(row))
  return lines.join('\n')
}

/** A value as one table cell: strings as is, `null` as `NULL`, objects as JSON, one line. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL'
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return text.replace(/[\r\n]+/g, ' ')
}

/** RFC 4180 CSV: header line then rows, quoted when needed. */
export function renderCsv(
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
): string {
  const q = (v: unknown): string => {
    if (v === null || v === undefined) return ''
    const s = typeof v === 'string' ? v : JSON.stringify(v)
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
  }
  return [columns.map(q).join(','), ...rows.map((r) => columns.map((c) => q(r[c])).join(','))]
    .join('\n')
    .concat('\n')
}

/**
 * `--param k=v` values into params. A value that reads as JSON (`5`, `true`, `null`, `[1,2]`,
 * `{"a":1}`, `"quoted"`) is parsed; anything else is a string (`2024-05-01`, `eu`).
 * @throws CliError `DF_CLI_USAGE` for an entry without `=` or with an empty key.
 */
export function parseParams(entries: readonly string[]): JsonObject {
  const out: Record<string, JsonValue> = {}
  for (const entry of entries) {
    const at = entry.indexOf('=')
    if (at <= 0) throw new CliError('DF_CLI_USAGE', `--param expects key=value, got '${entry}'.`)
    const key = entry.slice(0, at)
    const raw = entry.slice(at + 1)
    out[key] = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null|[[{"].*)$/s.test(raw)
      ? tryJson(raw)
      : raw
  }
  return out
}

function tryJson(raw: string): JsonValue {
  try {
    return JSON.parse(raw) as JsonValue
  } catch {
    return raw
  }
}

/** The last `n` lines of `text`, prefixed for display. */
export function tail(text: string | undefined, n: number, indent = '    '): string[] {
  if (!text || n <= 0) return []
  const lines = text.trimEnd().split('\n')
  const kept = lines.slice(-n)
  return [
    ...(lines.length > n ? [`${indent}… (${lines.length - n} earlier lines)`] : []),
    ...kept.map((l) => indent + l),
  ]
}

/**
 * A run's status as shown in lists: a SUCCESS whose handled failures Airflow's leaf rule forgave
 * says so (`SUCCESS (1 task failed)`), from the run's `taskCounts`.
 */
export function runStatusLabel(run: {
  readonly status: string
  readonly taskCounts?: Readonly<Partial<Record<string, number>>>
}): string {
  const failed = (run.taskCounts?.FAILED ?? 0) + (run.taskCounts?.UPSTREAM_FAILED ?? 0)
  if (run.status !== 'SUCCESS' || failed === 0) return run.status
  return `SUCCESS (${failed === 1 ? '1 task' : `${failed} tasks`} failed)`
}

/** `cron '0 2 * * *' (Europe/Paris)` or `every 1h30m`. */
export function describeSchedule(s: {
  readonly cron?: string | undefined
  readonly everyMs?: number | undefined
  readonly timezone?: string | undefined
}): string {
  if (s.cron !== undefined) return `cron '${s.cron}' (${s.timezone})`
  let ms = s.everyMs ?? 0
  const parts: string[] = []
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms >= size) {
      parts.push(`${Math.floor(ms / size)}${unit}`)
      ms %= size
    }
  }
  if (ms > 0 || parts.length === 0) parts.push(`${ms}ms`)
  return `every ${parts.join('')}`
}
