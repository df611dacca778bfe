/**
 * A run's task states as plain arrays (not reactive: 10,000 tasks would make 10,000 proxies).
 * Index i is the graph's node i; tasks the run has but the definition lacks come after the graph
 * nodes. Views redraw when `version` (a counter they hold in a ref) moves.
 */
import type { TaskColumns, TaskEvent } from '../lib/types.js'

const FINISHED = new Set([
  'SUCCESS',
  'FAILED',
  'SKIPPED',
  'UPSTREAM_FAILED',
  'CANCELLED',
  'REMOVED',
])

/** Task states of one run, in graph order. */
export class RunModel {
  readonly ids: string[]
  readonly index: Map<string, number>
  /** The first `graphCount` tasks are nodes of the graph. */
  readonly graphCount: number
  readonly states: string[]
  readonly attempts: Int32Array
  /** Epoch ms, NaN when not started / not finished. */
  readonly startedAt: Float64Array
  readonly finishedAt: Float64Array
  /** Why a task ended without running (or was copied), when the server said. */
  readonly reasons: (string | null)[]

  constructor(graphIds: string[], columns: TaskColumns) {
    const known = new Set(graphIds)
    const extras = columns.ids.filter((id) => !known.has(id))
    this.ids = extras.length === 0 ? graphIds : [...graphIds, ...extras]
    this.graphCount = graphIds.length
    this.index = new Map()
    this.ids.forEach((id, i) => {
      this.index.set(id, i)
    })
    const n = this.ids.length
    this.states = new Array<string>(n).fill('PENDING')
    this.attempts = new Int32Array(n)
    this.startedAt = new Float64Array(n).fill(Number.NaN)
    this.finishedAt = new Float64Array(n).fill(Number.NaN)
    this.reasons = new Array<string | null>(n).fill(null)
    columns.ids.forEach((id, c) => {
      const i = this.index.get(id)
      if (i === undefined) return
      this.states[i] = columns.states[c] ?? 'PENDING'
      this.attempts[i] = columns.attempts[c] ?? 0
      this.startedAt[i] = columns.startedAt[c] ?? Number.NaN
      this.finishedAt[i] = columns.finishedAt[c] ?? Number.NaN
      this.reasons[i] = columns.reasons?.[c] ?? null
    })
  }

  /** Applies a live `task` event; returns the task's index, or -1 when nothing changed. */
  apply(event: TaskEvent): number {
    const i = this.index.get(event.taskId)
    if (i === undefined) return -1
    // A late event (read before the columns snapshot) must not move a task backwards.
    const attempt = this.attempts[i] as number
    if (event.attempt < attempt) return -1
    if (
      event.attempt === attempt &&
      FINISHED.has(this.states[i] as string) &&
      !FINISHED.has(event.state)
    ) {
      return -1
    }
    this.states[i] = event.state
    this.attempts[i] = event.attempt
    const started = toNumber(event.startedAt)
    const finished = toNumber(event.finishedAt)
    if (started !== undefined) this.startedAt[i] = started
    if (finished !== undefined) this.finishedAt[i] = finished
    else if (event.state === 'RUNNING' || event.state === 'QUEUED') this.finishedAt[i] = Number.NaN
    return i
  }

  /** How many tasks are in each state. */
  counts(): Record<string, number> {
    const out: Record<string, number> = {}
    for (const s of this.states) out[s] = (out[s] ?? 0) + 1
    return out
  }
}

function toNumber(t: number | string | null | undefined): number | undefined {
  if (t === null || t === undefined) return undefined
  if (typeof t === 'number') return t
  const n = Date.parse(t)
  return Number.isNaN(n) ? undefined : n
}
