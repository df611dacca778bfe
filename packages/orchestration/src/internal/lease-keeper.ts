/**
 * Keeps this engine's leases on the runs it drives: one clock timer per engine instance (not
 * per run), renewing every `leaseMs / 3` with one `renewLeases` call. A run left out of the
 * answer was claimed by another engine (our lease had expired): we stop driving it. A run the
 * answer marks with a cancel request (`RunControl.requestCancel`, from any process) is cancelled.
 */
import type { Backend, LeaseRenewalResult } from '../backend.js'
import type { Clock, TimerHandle } from '../clock.js'
import { OrchestrationError } from '../errors.js'

/** Something driving (or waiting to drive) a run under this engine's lease. */
export interface LeaseHolder {
  readonly runId: string
  readonly stopped: boolean
  readonly finalizing: boolean
  /** Called when the lease was lost to another engine. */
  lose(error: unknown): void
  /** Called when a cancel request for the run was stored (by any process). */
  cancel(reason: string): void
}

export class LeaseKeeper {
  readonly #drivers = new Map<string, LeaseHolder>()
  readonly #backend: Backend
  readonly #clock: Clock
  readonly #owner: string
  readonly #leaseMs: number
  #timer: TimerHandle | undefined

  constructor(backend: Backend, clock: Clock, owner: string, leaseMs: number) {
    this.#backend = backend
    this.#clock = clock
    this.#owner = owner
    this.#leaseMs = leaseMs
  }

  add(driver: LeaseHolder): void {
    this.#drivers.set(driver.runId, driver)
    if (this.#timer === undefined) this.#arm()
  }

  delete(driver: LeaseHolder): void {
    if (this.#drivers.get(driver.runId) === driver) this.#drivers.delete(driver.runId)
    if (this.#drivers.size === 0 && this.#timer !== undefined) {
      this.#clock.clearTimeout(this.#timer)
      this.#timer = undefined
    }
  }

  #arm(): void {
    this.#timer = this.#clock.setTimeout(
      () => {
        this.#timer = undefined
        void this.#renew().finally(() => {
          if (this.#drivers.size > 0 && this.#timer === undefined) this.#arm()
        })
      },
      Math.max(1, Math.floor(this.#leaseMs / 3)),
    )
  }

  async #renew(): Promise<void> {
    const runIds = [...this.#drivers.keys()]
    if (runIds.length === 0) return
    let answer: LeaseRenewalResult
    try {
      answer = await this.#backend.renewLeases({
        owner: this.#owner,
        runIds,
        leaseExpiresAt: this.#clock.now() + this.#leaseMs,
      })
    } catch {
      return // the store is unreachable: try again next tick; the lease may still be valid
    }
    for (const request of answer.cancelRequested ?? []) {
      const driver = this.#drivers.get(request.runId)
      if (driver && !driver.stopped && !driver.finalizing) driver.cancel(request.reason)
    }
    const kept = new Set(answer.renewed)
    for (const id of runIds) {
      const driver = this.#drivers.get(id)
      if (!driver || kept.has(id) || driver.finalizing || driver.stopped) continue
      driver.lose(
        new OrchestrationError(
          'DF_LEASE_EXPIRED',
          `[@df/orchestration] Run '${id}': this engine (${this.#owner}) lost its lease; another engine took the run over, so this one stopped driving it.`,
        ),
      )
    }
  }
}
