/** Run ids and logical dates. */
import { createHash, randomBytes } from 'node:crypto'
import { OrchestrationError } from '../errors.js'

let sequence = 0

/** A sortable, unique run id: time (base 36) + a counter + randomness. */
export function newRunId(now: number): string {
  sequence = (sequence + 1) % 1_679_616
  return `${Math.max(0, now).toString(36).padStart(9, '0')}${sequence.toString(36).padStart(4, '0')}-${randomBytes(5).toString('hex')}`
}

/** A run's logical date as ISO 8601 UTC. */
export function toIso(value: Date | string): string {
  const date = value instanceof Date ? value : new Date(value)
  if (Number.isNaN(date.getTime())) {
    throw new OrchestrationError(
      'DF_OPTION_INVALID',
      `[@df/orchestration] run({ logicalDate }) is not a valid date: ${String(value)}.`,
    )
  }
  return date.toISOString()
}

/**
 * The run id of a schedule's tick: the tick (base 36, sortable) and a hash of the schedule id.
 * Two schedulers firing the same tick make the same id, so the second `createRun` conflicts.
 */
export function scheduledRunId(scheduleId: string, tick: number): string {
  const hash = createHash('sha256').update(scheduleId).digest('hex').slice(0, 12)
  return `${Math.max(0, tick).toString(36).padStart(9, '0')}-s${hash}`
}
