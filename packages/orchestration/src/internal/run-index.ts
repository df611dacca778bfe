/**
 * Runs ordered by (createdAt, id), for the memory backend's newest-first paging and its
 * retention deletes, without sorting all history on every call.
 */
import type { Page } from '../backend.js'
import { OrchestrationError } from '../errors.js'

interface Slot<T> {
  readonly id: string
  readonly createdAt: number
  readonly value: T
}

/** Opaque cursors: base64url of the last key. */
export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url')
}

/** Decodes {@link encodeCursor}. */
export function decodeCursor(cursor: string): string {
  return Buffer.from(cursor, 'base64url').toString('utf8')
}

function before(a: number, aId: string, b: number, bId: string): boolean {
  return a < b || (a === b && aId < bId)
}

/** An ordered index of runs. */
export class RunIndex<T> {
  #slots: Slot<T>[] = []
  readonly #byId = new Map<string, Slot<T>>()

  get(id: string): T | undefined {
    return this.#byId.get(id)?.value
  }

  insert(id: string, createdAt: number, value: T): void {
    const slot: Slot<T> = { id, createdAt, value }
    this.#byId.set(id, slot)
    const slots = this.#slots
    const last = slots[slots.length - 1]
    if (last === undefined || before(last.createdAt, last.id, createdAt, id)) {
      slots.push(slot)
      return
    }
    slots.splice(this.#lowerBound(createdAt, id), 0, slot)
  }

  /** The first index whose key is >= (createdAt, id). */
  #lowerBound(createdAt: number, id: string): number {
    let lo = 0
    let hi = this.#slots.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      const s = this.#slots[mid]!
      if (before(s.createdAt, s.id, createdAt, id)) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** Newest first, `limit` matches after the cursor. */
  page(limit: number, cursor: string | undefined, match: (value: T) => boolean): Page<T> {
    let i = this.#slots.length - 1
    if (cursor !== undefined) {
      const key = decodeCursor(cursor)
      const cut = key.indexOf('\n')
      const createdAt = Number(key.slice(0, cut))
      if (cut < 0 || !Number.isFinite(createdAt)) {
        throw new OrchestrationError(
          'DF_OPTION_INVALID',
          '[@df/orchestration] Invalid listRuns cursor.',
        )
      }
      i = this.#lowerBound(createdAt, key.slice(cut + 1)) - 1
    }
    const items: T[] = []
    let last: Slot<T> | undefined
    for (; i >= 0; i--) {
      const slot = this.#slots[i]!
      if (!match(slot.value)) continue
      if (items.length === limit) {
        return { items, nextCursor: encodeCursor(`${last!.createdAt}\n${last!.id}`) }
      }
      items.push(slot.value)
      last = slot
    }
    return { items }
  }

  /** Removes entries created before `time` that match; returns them. */
  deleteBefore(time: number, match: (value: T) => boolean): T[] {
    const removed: T[] = []
    const kept: Slot<T>[] = []
    for (const slot of this.#slots) {
      if (slot.createdAt < time && match(slot.value)) {
        removed.push(slot.value)
        this.#byId.delete(slot.id)
      } else kept.push(slot)
    }
    this.#slots = kept
    return removed
  }
}
