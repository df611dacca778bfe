/**
 * `DremioClient`: the entry point. Construction validates options and does no network I/O;
 * credentials live in private fields and never appear in `toString()`, `inspect` or errors.
 */
import { type RecordBatch, Table } from 'apache-arrow'
import { ArrowTableBuilder } from './arrow.js'
import { Catalog } from './catalog.js'
import { DremioConfigError, DremioError } from './errors.js'
import { type ExecuteResult, parseExecuteResult } from './execute-result.js'
import type { CallScope } from './flight/connection.js'
import { FlightResults, type ResultTransport } from './flight/results.js'
import { batchRows } from './flight/rows.js'
import { cancelQuietly, runCancellable, submitCancellable } from './internal/cancel-on-abort.js'
import { Transport } from './internal/transport.js'
import { Job } from './job.js'
import type { LoadData } from './loading/load-data.js'
import type { LoadOptions, LoadResult } from './loading/load-options.js'
import { createTable, insertRows } from './loading/load-table.js'
import {
  type DremioClientOptions,
  optionsFromEnv,
  type ResolvedConfig,
  resolveOptions,
} from './options.js'
import { type SqlText, sqlText } from './sql-template.js'
import type { ReadOptions, Row, SubmitOptions, WaitOptions } from './types.js'

/**
 * Options of `client.query()` and friends: submit, wait and read options together, and the
 * transport (`'rest'`, `'flight'`, or `'auto'`: Flight when reachable; default the client's).
 */
export type QueryOptions = SubmitOptions &
  WaitOptions &
  ReadOptions & {
    transport?: ResultTransport
    /**
     * When `signal` aborts, also cancel the Dremio job (`POST /job/{id}/cancel`; over Flight the
     * call is cancelled and Dremio cancels the job). `false` leaves the job running.
     * @default true
     */
    cancelOnAbort?: boolean
  }

/**
 * A Dremio REST client for Software (`/api/v3`) and Cloud (`/v0/projects/{id}`).
 * @example
 * const client = new DremioClient({ url: 'http://localhost:9047', pat: process.env.DREMIO_PAT })
 * const rows = await client.query('SELECT 1 AS one')
 */
export class DremioClient {
  /** Catalog API: spaces, folders, views. */
  readonly catalog: Catalog
  readonly #transport: Transport
  readonly #flight: FlightResults

  /** @throws DremioConfigError for missing or inconsistent options. */
  constructor(options: DremioClientOptions) {
    const config = resolveOptions(options)
    this.#flight = new FlightResults(config, options)
    this.#transport = new Transport(config, options)
    this.catalog = new Catalog(this.#transport)
  }

  /**
   * A client from `DREMIO_URL`, `DREMIO_PAT`, `DREMIO_USERNAME`, `DREMIO_PASSWORD`,
   * `DREMIO_PROJECT_ID`, `DREMIO_CLOUD_REGION`; `overrides` (TLS, retry, logger…) win.
   * @throws DremioConfigError for an inconsistent combination.
   */
  static fromEnv(
    env: Record<string, string | undefined> = process.env,
    overrides: Omit<DremioClientOptions, 'url' | 'pat' | 'username' | 'password' | 'cloud'> = {},
  ): DremioClient {
    return new DremioClient({ ...optionsFromEnv(env), ...overrides })
  }

  /** Validated configuration (no secrets). */
  get config(): ResolvedConfig {
    return this.#transport.config
  }

  /**
   * Submits SQL exactly as given (`POST /sql`). Retried only when the server provably did not
   * accept it (connection refused, 429, 503), so a statement never runs twice.
   */
  async submit(sql: SqlText, options: SubmitOptions & { signal?: AbortSignal } = {}): Promise<Job> {
    return this.#submit(sql, options, options.signal, undefined)
  }

  async #submit(
    sql: SqlText,
    options: SubmitOptions,
    signal: AbortSignal | undefined,
    stopRetries: AbortSignal | undefined,
  ): Promise<Job> {
    const text = sqlText(sql)
    if (typeof text !== 'string' || text.trim() === '') {
      throw new DremioError('DF_DREMIO_INVALID_SQL_INPUT', 'SQL text is empty.')
    }
    const res = await this.#transport.request<{ id?: unknown }>({
      method: 'POST',
      path: '/sql',
      body: {
        sql: text,
        ...(options.context ? { context: [...options.context] } : {}),
        ...(options.references ? { references: options.references } : {}),
      },
      retry: 'unaccepted',
      signal,
      stopRetries,
    })
    if (typeof res?.id !== 'string') {
      throw new DremioError('DF_DREMIO_PROTOCOL', 'POST /sql answered without a job id.')
    }
    return new Job(this.#transport, res.id, text)
  }

  /** A handle on an existing job id (no request is made). */
  job(id: string, sql = ''): Job {
    return new Job(this.#transport, id, sql)
  }

  /** `grpc://host:port` or `grpc+tls://host:port` of the Arrow Flight endpoint used. */
  get flightUrl(): string {
    return this.#flight.target.url
  }

  /**
   * Runs a query and returns every row (objects keyed by column, Dremio's JSON encoding; over
   * Flight the same values are read from the Arrow batches). `T` only types the rows.
   * @example await client.query('SELECT * FROM lake.orders', { transport: 'flight' })
   */
  async query<T = Row>(sql: SqlText, options: QueryOptions = {}): Promise<T[]> {
    return this.#flight.run(
      options.transport,
      async () => {
        const rows: T[] = []
        for await (const batch of this.#flightBatches(sql, options)) {
          for (const row of batchRows(batch)) rows.push(row as T)
        }
        return rows
      },
      () =>
        this.#withJob(sql, options, async (job) => {
          await job.wait(options)
          return job.toArray<T>(options)
        }),
    )
  }

  /**
   * Runs a query and returns an Arrow table: over REST typed from the result schema, over
   * Flight exactly as Dremio sends it (no JSON in between).
   */
  async queryArrow(sql: SqlText, options: QueryOptions = {}): Promise<Table> {
    return this.#flight.run(
      options.transport,
      async () => {
        const batches: RecordBatch[] = []
        for await (const batch of this.#flightBatches(sql, options)) batches.push(batch)
        return new Table(batches)
      },
      () =>
        this.#withJob(sql, options, async (job) => {
          await job.wait(options)
          return job.toArrow(options)
        }),
    )
  }

  /**
   * Streams a query's results as Arrow record batches, holding one batch at a time. Over
   * Flight the batches are Dremio's; over REST one batch per results page. Stopping the
   * iteration early (or `signal`) cancels the Flight call, and Dremio cancels the job.
   * @example for await (const batch of client.queryBatches(sql, { transport: 'flight' })) …
   */
  queryBatches(sql: SqlText, options: QueryOptions = {}): AsyncGenerator<RecordBatch> {
    return this.#flight.stream(
      options.transport,
      () => this.#flightBatches(sql, options),
      () => this.#restBatches(sql, options),
    )
  }

  #flightBatches(sql: SqlText, options: QueryOptions): AsyncGenerator<RecordBatch> {
    const text = sqlText(sql)
    if (typeof text !== 'string' || text.trim() === '') {
      throw new DremioError('DF_DREMIO_INVALID_SQL_INPUT', 'SQL text is empty.')
    }
    if (options.references !== undefined) {
      throw new DremioConfigError(
        'references are not sent over Arrow Flight: write AT BRANCH/TAG in the SQL, or use transport "rest".',
      )
    }
    const scope: CallScope = { context: options.context, signal: options.signal, sql: text }
    if (options.timeoutMs !== undefined) scope.deadline = Date.now() + options.timeoutMs
    return this.#flight.batches(text, scope)
  }

  async *#restBatches(sql: SqlText, options: QueryOptions): AsyncGenerator<RecordBatch> {
    const signal = options.signal
    const job =
      signal !== undefined && (options.cancelOnAbort ?? true)
        ? await submitCancellable(
            (s) => this.#submit(sql, options, s.signal, s.stopRetries),
            signal,
            this.#transport.logger,
          )
        : await this.submit(sql, options)
    let finished = false
    try {
      await job.wait(options)
      for await (const page of job.pages(options)) {
        const builder = new ArrowTableBuilder(page.schema)
        builder.append(page.rows)
        yield* builder.finish().batches
      }
      finished = true
    } finally {
      // Stopped early by an abort: stop the job too, as the Flight path does.
      if (!finished && options.signal?.aborted && (options.cancelOnAbort ?? true)) {
        await cancelQuietly(job, this.#transport.logger)
      }
    }
  }

  /**
   * Runs DDL/DML and parses its result row: `dml` (`Records`), `ddl` (`ok`/`summary`),
   * `optimize`/`vacuum` counters, or `rows` for anything else.
   */
  async execute(sql: SqlText, options: QueryOptions = {}): Promise<ExecuteResult> {
    return this.#withJob(sql, options, async (job) => {
      await job.wait(options)
      const rows: Row[] = []
      let schema: Parameters<typeof parseExecuteResult>[0] = []
      for await (const page of job.pages(options)) {
        schema = page.schema
        for (const r of page.rows) rows.push(r)
      }
      return parseExecuteResult(schema, rows)
    })
  }

  /** Submits `sql` and runs `use` on the job; an abort cancels the job (see `cancelOnAbort`). */
  #withJob<T>(sql: SqlText, options: QueryOptions, use: (job: Job) => Promise<T>): Promise<T> {
    return runCancellable(
      (s) => this.#submit(sql, options, s.signal, s.stopRetries),
      use,
      options.signal,
      options.cancelOnAbort ?? true,
      this.#transport.logger,
    )
  }

  /**
   * Creates `table` with columns mapped from the data's Arrow types (precision kept), then loads
   * `data` (an Arrow `Table`, row objects, or an async iterable of either) by `method`:
   * `'values'` (batched typed INSERTs), `'staging'` (Parquet through `options.stager`, one
   * `COPY INTO`), or `'auto'`. A failed load drops the new table again.
   * @throws DremioLoadError (`reason` says why; `rowIndex`/`column` for bad data).
   * @example await client.create('lake.sales.orders', rows, { method: 'values' })
   */
  create(
    table: string | readonly string[],
    data: LoadData,
    options?: LoadOptions,
  ): Promise<LoadResult> {
    return createTable(this, table, data, options)
  }

  /**
   * Appends `data` to an existing table by `method` (see {@link DremioClient.create}); row
   * objects take the table's column types. Resolves with the rows Dremio reports written.
   * @throws DremioLoadError (`reason` says why; `rowIndex`/`column` for bad data).
   * @example await client.insert(['lake', 'sales', 'orders'], arrowTable, { method: 'staging', stager })
   */
  insert(
    table: string | readonly string[],
    data: LoadData,
    options?: LoadOptions,
  ): Promise<LoadResult> {
    return insertRows(this, table, data, options)
  }

  /** Closes pooled connections; the client must not be used afterwards. */
  async close(): Promise<void> {
    this.#flight.close()
    await this.#transport.close()
  }

  /** Safe description: mode and API base, never credentials. */
  toString(): string {
    const c = this.#transport.config
    return `DremioClient(${c.mode}, ${c.apiBase}, auth=${c.authKind})`
  }

  /** `JSON.stringify` shows the same safe description. */
  toJSON(): { mode: string; apiBase: string; authKind: string } {
    const c = this.#transport.config
    return { mode: c.mode, apiBase: c.apiBase, authKind: c.authKind }
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString()
  }
}
