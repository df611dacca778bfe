/**
 * Fault injection for reliability tests: a share of requests answered with 429 or 5xx before they
 * reach auth or any handler, so an injected failure never has a side effect (a faulted POST /sql
 * creates no job, which makes retrying it safe).
 */
import type { FaultOptions } from '../emulator-options.js'

export interface InjectedFault {
  status: number
  body: string
  headers: Record<string, string>
}

export class Faults {
  private options: FaultOptions | undefined
  private remaining = Number.POSITIVE_INFINITY
  private next = 0

  set(options: FaultOptions | undefined): void {
    if (options !== undefined) {
      if (!(options.rate >= 0 && options.rate <= 1)) {
        throw new RangeError('[@df/emulator] setFaults: rate must be between 0 and 1')
      }
      if (
        options.retryAfter !== undefined &&
        !['seconds', 'http-date'].includes(options.retryAfter)
      ) {
        throw new RangeError(
          '[@df/emulator] setFaults: retryAfter must be "seconds" or "http-date"',
        )
      }
      for (const status of options.statuses ?? []) {
        if (!Number.isInteger(status) || status < 400 || status > 599) {
          throw new RangeError(`[@df/emulator] setFaults: ${status} is not an HTTP error status`)
        }
      }
    }
    this.options = options
    this.remaining = options?.times ?? Number.POSITIVE_INFINITY
    this.next = 0
  }

  /** The fault to answer this request with, if one is due. */
  pick(pathname: string): InjectedFault | undefined {
    const options = this.options
    if (options === undefined || this.remaining <= 0) return undefined
    if (options.paths !== undefined && !options.paths.test(pathname)) return undefined
    if (options.rate < 1 && Math.random() >= options.rate) return undefined
    this.remaining--
    const statuses = options.statuses?.length ? options.statuses : [503]
    // Cycle through the statuses so every listed one is seen in a short test.
    const status = statuses[this.next++ % statuses.length] as number
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (options.retryAfterSeconds !== undefined) {
      headers['retry-after'] =
        options.retryAfter === 'http-date'
          ? new Date(Date.now() + options.retryAfterSeconds * 1000).toUTCString()
          : String(options.retryAfterSeconds)
    }
    const message =
      status === 429 ? 'Too many requests' : `Injected failure (HTTP ${status}) by @df/emulator`
    return { status, body: JSON.stringify({ errorMessage: message, moreInfo: '' }), headers }
  }
}
