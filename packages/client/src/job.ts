/**
 * A submitted Dremio job: status, adaptive waiting, cancel, and results as ordered rows, pages or
 * an Arrow table. Results are fetched in pages of at most 500 rows with bounded parallelism.
 */
import type { Table } from 'apache-arrow'
import { ArrowTableBuilder } from './arrow.js'
import {
  DremioError,
  DremioHttpError,
  DremioJobCancelledError,
  DremioJobFailedError,
} from './errors.js'
import { MAX_PAGE_SIZE, orderedPages } from './internal/pager.js'
import { abortedError, pollDelay, sleep } from './internal/retry.js'
import type { Transport } from './internal/transport.js'
import {
  type JobStatus,
  type ReadOptions,
  type ResultPage,
  type Row,
  TERMINAL_JOB_STATES,
  type WaitOptions,
} from './types.js'

/** A Dremio job. Create it with `client.submit(sql)`. */
export class Job {
  /** The Dremio job id. */
  readonly id: string
  /** The SQL as submitted. */
  readonly sql: string
  readonly #transport: Transport
  #final: JobStatus | undefined

  /** @internal Use `client.submit()`. */
  constructor(transport: Transport, id: string, sql: string) {
    this.#transport = transport
    this.id = id
    this.sql = sql
  }

  get #path(): string {
    return `/job/${encodeURIComponent(this.id)}`
  }

  /** Fetches the current status (`GET /job/{id}`). @throws DremioHttpError 404 for unknown ids */
  async status(options: { signal?: AbortSignal } = {}): Promise<JobStatus> {
    if (this.#final) return this.#final
    const status = await this.#transport.request<JobStatus>({
      method: 'GET',
      path: this.#path,
      retry: 'idempotent',
      signal: options.signal,
    })
    if (TERMINAL_JOB_STATES.has(status.jobState)) this.#final = status
    return status
  }

  /**
   * Polls until the job is final: the first check at once, then 1 ms growing 1.5x to 1 s.
   * Resolves with the COMPLETED status.
   * @throws DremioJobFailedError (Dremio's `errorMessage`, job id, SQL excerpt)
   * @throws DremioJobCancelledError
   * @throws DremioError `DF_DREMIO_TIMEOUT` after `timeoutMs`, `DF_DREMIO_ABORTED` on `signal`
   *   (`job.wait()` only stops waiting: call `cancel()` to stop the job; `client.query()`,
   *   `queryArrow()` and `execute()` cancel it on abort themselves)
   */
  async wait(options: WaitOptions = {}): Promise<JobStatus> {
    const deadline = options.timeoutMs !== undefined ? Date.now() + options.timeoutMs : Infinity
    for (let checks = 0; ; checks++) {
      const delay = pollDelay(checks)
      if (delay > 0) {
        const left = deadline - Date.now()
        if (left <= 0) throw this.#timeout(options.timeoutMs as number)
        await sleep(Math.min(delay, left), options.signal)
      } else if (options.signal?.aborted) {
        throw abortedError(options.signal)
      }
      const status = await this.status({ ...(options.signal ? { signal: options.signal } : {}) })
      if (TERMINAL_JOB_STATES.has(status.jobState)) return this.#settle(status)
      if (Date.now() >= deadline) throw this.#timeout(options.timeoutMs as number)
    }
  }

  #timeout(ms: number): DremioError {
    return new DremioError(
      'DF_DREMIO_TIMEOUT',
      `Job ${this.id} did not finish within ${ms} ms (it is still running; cancel() stops it).`,
    )
  }

  #settle(status: JobStatus): JobStatus {
    if (status.jobState === 'COMPLETED') return status
    if (status.jobState === 'CANCELED') {
      throw new DremioJobCancelledError(this.id, status.cancellationReason ?? '', this.sql)
    }
    const message =
      status.jobState === 'FAILED'
        ? (status.errorMessage ?? '')
        : `job ended in state ${status.jobState}`
    throw new DremioJobFailedError(this.id, message, this.sql)
  }

  /**
   * Asks Dremio to cancel the job. Resolves `true` when the request was accepted (204), `false`
   * when the job had already finished (Dremio answers 404 or, on old servers, 400).
   */
  async cancel(options: { signal?: AbortSignal } = {}): Promise<boolean> {
    try {
      await this.#transport.request<void>({
        method: 'POST',
        path: `${this.#path}/cancel`,
        retry: 'idempotent',
        signal: options.signal,
      })
      this.#final = undefined
      return true
    } catch (error) {
      if (error instanceof DremioHttpError && (error.status === 404 || error.status === 400)) {
        // Distinguish "finished" from "never existed": the status call throws 404 for the latter.
        await this.status(options)
        return false
      }
      throw error
    }
  }

  /** Fetches one page of results (`limit` 0-500). The job must be COMPLETED. */
  async page(offset: number, limit = MAX_PAGE_SIZE, signal?: AbortSignal): Promise<ResultPage> {
    const page = await this.#transport.request<ResultPage>({
      method: 'GET',
      path: `${this.#path}/results`,
      query: { offset, limit },
      retry: 'idempotent',
      signal,
    })
    if (!page || !Array.isArray(page.rows) || !Array.isArray(page.schema)) {
      throw new DremioError('DF_DREMIO_PROTOCOL', `Results of job ${this.id} have no rows/schema.`)
    }
    return page
  }

  /** Waits for completion, then yields every result page in order (concurrent fetches). */
  async *pages(options: ReadOptions = {}): AsyncGenerator<ResultPage> {
    const pageSize = options.pageSize ?? MAX_PAGE_SIZE
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new DremioError(
        'DF_DREMIO_INVALID_SQL_INPUT',
        `pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${pageSize}.`,
      )
    }
    const concurrency = options.concurrency ?? this.#transport.config.maxConcurrentPages
    const status = await this.wait(options.signal ? { signal: options.signal } : {})
    yield* orderedPages(
      (offset, limit) => this.page(offset, limit, options.signal),
      status.rowCount,
      pageSize,
      Math.max(1, concurrency),
    )
  }

  /** Waits for completion, then yields every row in order. */
  async *rows<T = Row>(options: ReadOptions = {}): AsyncGenerator<T> {
    for await (const page of this.pages(options)) yield* page.rows as unknown as T[]
  }

  /** Waits for completion and collects every row. */
  async toArray<T = Row>(options: ReadOptions = {}): Promise<T[]> {
    const out: T[] = []
    for await (const page of this.pages(options)) {
      for (const row of page.rows) out.push(row as unknown as T)
    }
    return out
  }

  /** Waits for completion and builds an Arrow table typed from the REST schema. */
  async toArrow(options: ReadOptions = {}): Promise<Table> {
    let builder: ArrowTableBuilder | undefined
    for await (const page of this.pages(options)) {
      builder ??= new ArrowTableBuilder(page.schema)
      builder.append(page.rows)
    }
    return (builder as ArrowTableBuilder).finish()
  }
}
