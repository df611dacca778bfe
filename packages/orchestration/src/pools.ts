/**
 * Named pools: a fixed number of slots shared by every pipeline in this process (Airflow's
 * pools). A task with `pool: 'dremio'` takes one slot while an attempt runs; tasks waiting for
 * a slot stay QUEUED and do not hold a worker of their run.
 */
import { OrchestrationError } from './errors.js'

/** A pool of slots. */
export interface Pool {
  readonly name: string
  /** Total slots. */
  readonly slots: number
  /** Slots in use now. */
  readonly used: number
  /** Attempts waiting for a slot. */
  readonly waiting: number
}

class PoolImpl implements Pool {
  readonly name: string
  slots: number
  used = 0
  readonly waiters: Array<() => void> = []

  constructor(name: string, slots: number) {
    this.name = name
    this.slots = slots
  }

  get waiting(): number {
    return this.waiters.length
  }

  tryAcquire(): boolean {
    if (this.used >= this.slots) return false
    this.used++
    return true
  }

  /** Calls `onSlot` (holding a slot) when one frees; returns a function that stops waiting. */
  wait(onSlot: () => void): () => void {
    this.waiters.push(onSlot)
    return () => {
      const i = this.waiters.indexOf(onSlot)
      if (i >= 0) this.waiters.splice(i, 1)
    }
  }

  release(): void {
    this.used--
    this.grant()
  }

  grant(): void {
    while (this.used < this.slots && this.waiters.length > 0) {
      this.used++
      this.waiters.shift()!()
    }
  }
}

const pools = new Map<string, PoolImpl>()

/**
 * Defines (or resizes) a pool. Call it before running a pipeline whose tasks use it.
 *
 * @example
 * definePool('dremio', 4) // at most 4 Dremio queries at once, across all pipelines
 * @throws OrchestrationError `DF_OPTION_INVALID` for a bad name or slot count.
 */
export function definePool(name: string, slots: number): Pool {
  if (typeof name !== 'string' || name === '') {
    throw new OrchestrationError('DF_OPTION_INVALID', '[@df/orchestration] A pool needs a name.')
  }
  if (!Number.isInteger(slots) || slots < 1) {
    throw new OrchestrationError(
      'DF_OPTION_INVALID',
      `[@df/orchestration] Pool '${name}': slots must be a whole number >= 1, got ${String(slots)}.`,
    )
  }
  const existing = pools.get(name)
  if (existing) {
    existing.slots = slots
    existing.grant()
    return existing
  }
  const pool = new PoolImpl(name, slots)
  pools.set(name, pool)
  return pool
}

/** The pool named `name`, if defined. */
export function getPool(name: string): Pool | undefined {
  return pools.get(name)
}

/** @internal The engine's view of a pool. */
export function internalPool(name: string): PoolImpl | undefined {
  return pools.get(name)
}
