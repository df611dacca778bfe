/**
 * One attempt inside the in-process executor: its lazily created AbortSignal
 * (`LazyAttemptControl`), its timeout timer, and "settle once" bookkeeping.
 */
import { LazyAttemptControl } from '../attempt-control.js'
import type { TimerHandle } from '../clock.js'

export class AttemptSlot extends LazyAttemptControl {
  timer: TimerHandle | undefined
  settled = false
}
