/**
 * The Flight side of a `DremioClient`: one lazily opened, reused connection, and the choice of
 * transport for a query. `'auto'` uses Flight when its endpoint accepts a connection and falls
 * back to REST otherwise (also when GetFlightInfo finds nobody listening or the server does not
 * implement Flight, which Dremio answers before running anything, so a statement never runs twice).
 */
import type { RecordBatch } from 'apache-arrow'
import { DremioConfigError } from '../errors.js'
import type { DremioClientOptions, ResolvedConfig } from '../options.js'
import { type CallScope, FlightConnection } from './connection.js'
import { type FlightTarget, resolveFlightTarget } from './endpoint.js'
import { flightBatches } from './query.js'

/** How results travel: REST JSON pages, Arrow Flight, or Flight when reachable. */
export type ResultTransport = 'rest' | 'flight' | 'auto'

/** How long `'auto'` trusts a failed Flight connection attempt before trying again. */
const RETRY_FLIGHT_MS = 30_000
/** How long `'auto'` waits for the Flight channel to connect. */
const CONNECT_MS = 3_000

export class FlightResults {
  readonly target: FlightTarget
  readonly #options: DremioClientOptions
  readonly #config: ResolvedConfig
  readonly defaultTransport: ResultTransport
  #conn: FlightConnection | undefined
  #unreachableUntil = 0
  #reachable = false

  /** @throws DremioConfigError for a malformed `flightUrl` or `transport`. */
  constructor(config: ResolvedConfig, options: DremioClientOptions) {
    this.#config = config
    this.#options = options
    this.target = resolveFlightTarget(config, options.flightUrl)
    this.defaultTransport = checkTransport(options.transport ?? 'rest')
  }

  /** The transport a query takes: `'flight'` or `'rest'` (resolving `'auto'`). */
  async choose(transport: ResultTransport | undefined): Promise<'flight' | 'rest'> {
    const wanted = checkTransport(transport ?? this.defaultTransport)
    if (wanted !== 'auto') return wanted
    if (this.#reachable) return 'flight'
    if (Date.now() < this.#unreachableUntil) return 'rest'
    try {
      await this.connection().ready(Math.min(CONNECT_MS, this.#config.timeoutMs))
      this.#reachable = true
      return 'flight'
    } catch {
      this.#markUnreachable()
      return 'rest'
    }
  }

  /** Whether an `'auto'` query that failed this way may run over REST instead. */
  fallsBack(error: unknown): boolean {
    const e = error as { grpcCode?: number; call?: string }
    // UNAVAILABLE (14) or UNIMPLEMENTED (12) before any ticket was issued.
    const fallback = e.call === 'GetFlightInfo' && (e.grpcCode === 14 || e.grpcCode === 12)
    if (fallback) this.#markUnreachable()
    return fallback
  }

  /**
   * Runs `flight` when `transport` resolves to Flight, else `rest`; an `'auto'` query whose
   * Flight call found no Flight service before any ticket was issued runs over REST instead.
   */
  async run<T>(
    transport: ResultTransport | undefined,
    flight: () => Promise<T>,
    rest: () => Promise<T>,
  ): Promise<T> {
    if ((await this.choose(transport)) === 'rest') return rest()
    try {
      return await flight()
    } catch (error) {
      if ((transport ?? this.defaultTransport) === 'auto' && this.fallsBack(error)) return rest()
      throw error
    }
  }

  /** {@link FlightResults.run} for streams: the fallback applies before the first item only. */
  async *stream<T>(
    transport: ResultTransport | undefined,
    flight: () => AsyncGenerator<T>,
    rest: () => AsyncGenerator<T>,
  ): AsyncGenerator<T> {
    if ((await this.choose(transport)) === 'rest') {
      yield* rest()
      return
    }
    let started = false
    try {
      for await (const item of flight()) {
        started = true
        yield item
      }
    } catch (error) {
      if (!started && (transport ?? this.defaultTransport) === 'auto' && this.fallsBack(error)) {
        yield* rest()
        return
      }
      throw error
    }
  }

  /** Streams the record batches of `sql`; an empty result yields one empty batch with its schema. */
  batches(sql: string, scope: CallScope): AsyncGenerator<RecordBatch> {
    return flightBatches(this.connection(), sql, scope)
  }

  /** The connection, opened on first use. */
  connection(): FlightConnection {
    this.#conn ??= new FlightConnection(this.target, this.#options, this.#config.timeoutMs)
    return this.#conn
  }

  close(): void {
    this.#conn?.close()
    this.#conn = undefined
  }

  #markUnreachable(): void {
    this.#reachable = false
    this.#unreachableUntil = Date.now() + RETRY_FLIGHT_MS
  }
}

function checkTransport(t: unknown): ResultTransport {
  if (t === 'rest' || t === 'flight' || t === 'auto') return t
  throw new DremioConfigError(
    `transport must be "rest", "flight" or "auto", got ${JSON.stringify(t)}.`,
  )
}
