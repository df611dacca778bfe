/**
 * Group commit for `updateTasks`, the engine's hot path: batches that arrive within one turn of
 * the event loop (several workers finishing, several runs in one process) are written in one
 * IMMEDIATE transaction, one commit instead of one each. Every batch still gets its own results
 * and is applied in arrival order; a driver failure rolls back (and rejects) the whole group, so
 * no batch is ever half-applied. A batch's promise settles only after its commit.
 */
import type { TaskRecord, TaskUpdate, UpdateResult } from '@df/orchestration'
import type { Connection } from './connection.js'
import { retryBusy } from './retry.js'

interface Pending {
  readonly updates: readonly TaskUpdate[]
  readonly resolve: (results: UpdateResult<TaskRecord>[]) => void
  readonly reject: (error: unknown) => void
}

export interface TaskWriteQueue {
  /** Queues a batch for the next group commit. */
  enqueue(updates: readonly TaskUpdate[]): Promise<UpdateResult<TaskRecord>[]>
  /** Writes what is queued now, synchronously (before `close()`). Errors reject the batches. */
  drain(): void
}

export function createTaskWriteQueue(
  connection: () => Connection | undefined,
  options: {
    readonly lockRetryMs: number
    readonly stop: () => void
    readonly translate: (error: unknown) => unknown
  },
): TaskWriteQueue {
  let pending: Pending[] = []
  let scheduled = false

  const settle = (group: Pending[], results: UpdateResult<TaskRecord>[][]): void => {
    for (let i = 0; i < group.length; i++) group[i]!.resolve(results[i]!)
  }
  const fail = (group: Pending[], error: unknown): void => {
    const translated = options.translate(error)
    for (const p of group) p.reject(translated)
  }

  const flush = (): void => {
    scheduled = false
    const group = pending
    pending = []
    if (group.length === 0) return
    const c = connection()
    const write = () => {
      if (!c) throw new Error('not open')
      return c.writes.updateTaskGroups(group.map((p) => p.updates))
    }
    retryBusy(write, options.lockRetryMs, options.stop).then(
      (results) => settle(group, results),
      (error: unknown) => fail(group, error),
    )
  }

  return {
    enqueue(updates) {
      return new Promise((resolve, reject) => {
        pending.push({ updates, resolve, reject })
        if (!scheduled) {
          scheduled = true
          // After the current macrotask and its microtasks: everything issued "at once" joins.
          setImmediate(flush)
        }
      })
    },
    drain() {
      const group = pending
      pending = []
      if (group.length === 0) return
      const c = connection()
      try {
        if (!c) throw new Error('not open')
        settle(group, c.writes.updateTaskGroups(group.map((p) => p.updates)))
      } catch (error) {
        fail(group, error)
      }
    },
  }
}
