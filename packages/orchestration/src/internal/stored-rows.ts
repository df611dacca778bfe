/**
 * The task rows of a run as the store last returned them: the rows the run started from, each
 * replaced by the row its next applied update returned. A finished run's result comes from here,
 * so `run()` does not read back rows the store has just returned (10,000 rows: ~20 ms on
 * PostgreSQL).
 */
import type { RunRecord, TaskRecord } from '../backend.js'
import type { RunResult } from '../pipeline-options.js'
import type { Graph } from './graph.js'

export class StoredRows {
  /** By graph index. */
  readonly #rows: (TaskRecord | undefined)[]
  /** Rows of tasks the graph no longer has (kept as they were). */
  readonly #others: TaskRecord[] = []

  constructor(graph: Graph, records: readonly TaskRecord[]) {
    this.#rows = new Array(graph.tasks.length)
    for (const r of records) {
      const i = graph.index.get(r.taskId)
      if (i === undefined) this.#others.push(r)
      else this.#rows[i] = r
    }
  }

  /** Task `index`'s update was applied and the store returned `row`. */
  set(index: number, row: TaskRecord): void {
    this.#rows[index] = row
  }

  /** `run` with every task's row (graph order, as createRun stored them); undefined if one is unseen. */
  result(run: RunRecord): RunResult | undefined {
    const tasks: Record<string, TaskRecord> = {}
    for (let i = 0; i < this.#rows.length; i++) {
      const r = this.#rows[i]
      if (r === undefined) return undefined
      tasks[r.taskId] = r
    }
    for (const r of this.#others) tasks[r.taskId] = r
    return { ...run, tasks }
  }
}
