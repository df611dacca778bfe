/**
 * `createEmulator`: a Dremio-compatible REST server on DuckDB. It wires the DuckDB instance, the
 * catalog registry, the job store, fault injection and the HTTP router together, and gives tests
 * direct handles (`query`, `setFaults`, `expireSessions`, `jobs`).
 */
import { mkdirSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, resolve, sep } from 'node:path'
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'
import { EmulatorError } from './emulator-error.js'
import { DEFAULT_PROJECT_ID, type EmulatorOptions, type FaultOptions } from './emulator-options.js'
import { type FlightEndpoint, startFlightServer } from './flight/flight-server.js'
import { Auth } from './internal/auth.js'
import { Catalog, type CatalogEntry } from './internal/catalog.js'
import { CatalogApi } from './internal/catalog-api.js'
import { dremioType } from './internal/encode.js'
import { Faults } from './internal/faults.js'
import { Jobs } from './internal/jobs.js'
import { createRequestListener } from './internal/router.js'
import { Sources } from './internal/sources.js'
import { quoteIdent, quoteString } from './internal/sql-tokens.js'
import {
  type ExecEnv,
  executeStatement,
  executeTyped,
  planStatement,
} from './internal/statements.js'
import { defineView } from './internal/statements-ddl.js'
import type { JobLatency, JobsView } from './job-types.js'

/** A running emulator. */
export interface Emulator {
  /** Base URL, e.g. `http://127.0.0.1:9047` (no trailing slash, no `/api/v3`). */
  readonly url: string
  /** The port actually bound (useful with `port: 0`). */
  readonly port: number
  /** Cloud project id served under `/v0/projects/{projectId}`. */
  readonly projectId: string
  /** Arrow Flight URL (`grpc://127.0.0.1:port`) when `flightPort` was given. */
  readonly flightUrl: string | undefined
  /** The Flight port actually bound, when `flightPort` was given. */
  readonly flightPort: number | undefined
  /** The accepted user names and passwords, and the personal access tokens. */
  readonly credentials: { users: Readonly<Record<string, string>>; tokens: readonly string[] }
  /** Read-only view of the jobs, for tests. */
  readonly jobs: JobsView
  /**
   * Runs one Dremio SQL statement directly (same translation as POST /sql, no job, no latency)
   * and returns its rows as Dremio encodes them. For test setup.
   * @throws EmulatorError `DF_EMULATOR_SQL_FAILED` with the job's error message.
   */
  query(sql: string, options?: { context?: readonly string[] }): Promise<Record<string, unknown>[]>
  /** Counters since start: HTTP requests, logins, and requests refused with 401. */
  stats(): EmulatorStats
  /** Injects 429/5xx answers; `undefined` clears. */
  setFaults(options: FaultOptions | undefined): void
  /** Changes the job latency for jobs submitted from now on. */
  setJobLatency(latency: JobLatency): void
  /** Invalidates every `/apiv2/login` session token: clients get 401 and must log in again. */
  expireSessions(): void
  /** Cancels running jobs, stops the server and closes DuckDB. Idempotent. */
  close(): Promise<void>
}

/** Counters of {@link Emulator.stats}. */
export interface EmulatorStats {
  /** HTTP requests received (faulted ones included). */
  requests: number
  /** Successful `POST /apiv2/login` calls. */
  logins: number
  /** Requests the auth filter refused with 401 (missing, unknown or expired token). */
  unauthorized: number
}

/** Data directories of the emulators running in this process. */
const OPEN_DATA_DIRS = new Set<string>()

/**
 * Starts an emulator.
 * @example
 * const emu = await createEmulator({ port: 0 })
 * const rows = await emu.query('SELECT 1 AS one')
 * await emu.close()
 */
export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1'
  const port = options.port ?? 9047
  for (const p of [port, options.flightPort ?? 0]) {
    if (!Number.isInteger(p) || p < 0 || p > 65535) {
      throw new EmulatorError('DF_EMULATOR_INVALID_OPTIONS', `[@df/emulator] Invalid port ${p}`)
    }
  }
  const sessionMs = options.auth?.sessionMs
  if (sessionMs !== undefined && !(Number.isFinite(sessionMs) && sessionMs > 0)) {
    throw new EmulatorError(
      'DF_EMULATOR_INVALID_OPTIONS',
      `[@df/emulator] auth.sessionMs must be a positive number of milliseconds, got ${sessionMs}`,
    )
  }
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir)
  if (dataDir !== undefined) {
    // DuckDB locks the file against other processes only; two emulators in one process would
    // silently share tables but not the catalog.
    if (OPEN_DATA_DIRS.has(dataDir)) {
      throw new EmulatorError(
        'DF_EMULATOR_STORAGE_FAILED',
        `[@df/emulator] ${dataDir} is already used by another emulator in this process`,
      )
    }
    mkdirSync(dataDir, { recursive: true })
  }
  // No network: DuckDB must never try to download an extension.
  const instance = await DuckDBInstance.create(
    dataDir === undefined ? ':memory:' : join(dataDir, 'emulator.duckdb'),
    { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' },
  ).catch((error: unknown) => {
    // Typically a second emulator (or process) holding the same data directory.
    throw new EmulatorError(
      'DF_EMULATOR_STORAGE_FAILED',
      `[@df/emulator] Cannot open the database in ${dataDir}`,
      {
        cause: error,
      },
    )
  })
  if (dataDir !== undefined) OPEN_DATA_DIRS.add(dataDir)
  const catalog = new Catalog(dataDir)
  const sources = new Sources(catalog)
  for (const [name, dir] of Object.entries(options.sources ?? {}))
    catalog.addSource(name, resolve(dir))
  await sandbox(instance, Object.values(options.sources ?? {}))
  const auth = new Auth(options.auth)
  const faults = new Faults()
  const connect = (): Promise<DuckDBConnection> => instance.connect()
  const run = async (
    conn: DuckDBConnection,
    sql: string,
    context: readonly string[] | undefined,
  ) => {
    const env: ExecEnv = { catalog, sources, conn, context }
    return executeStatement(env, sql)
  }
  const jobs = new Jobs(connect, run, options.jobLatency ?? 0)
  const withConn = async <T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> => {
    const conn = await connect()
    try {
      return await fn(conn)
    } finally {
      conn.closeSync()
    }
  }
  const catalogApi = new CatalogApi({
    catalog,
    sources,
    describe: (entry: CatalogEntry) =>
      withConn(async (conn) => {
        const from =
          entry.kind === 'promoted'
            ? (sources.fileTable(entry.path) ?? '(SELECT NULL AS missing WHERE false)')
            : quoteIdent(entry.duckName as string)
        const result = await conn.run(`SELECT * FROM ${from} LIMIT 0`)
        const names = result.deduplicatedColumnNames()
        return result
          .columnTypes()
          .map((type, i) => ({ name: names[i] as string, type: dremioType(type) }))
      }),
    defineView: (path, sql, context, replace) =>
      withConn(async (conn) => {
        await defineView({ catalog, sources, conn, context }, path, sql, replace)
      }),
    dropObjects: (entries) =>
      withConn(async (conn) => {
        for (const e of entries) {
          if (e.kind === 'view')
            await conn.run(`DROP VIEW IF EXISTS ${quoteIdent(e.duckName as string)}`)
          if (e.kind === 'table')
            await conn.run(`DROP TABLE IF EXISTS ${quoteIdent(e.duckName as string)}`)
        }
      }),
  })
  const projectId = options.cloud?.projectId ?? DEFAULT_PROJECT_ID
  const counters = { requests: 0, unauthorized: 0 }
  const server = createServer(
    createRequestListener({ auth, faults, jobs, catalogApi, projectId, counters }),
  )
  // Clients page results with many parallel keep-alive requests; do not make them wait on Nagle.
  server.on('connection', (socket) => socket.setNoDelay(true))
  await listen(server, port, host).catch((error: unknown) => {
    instance.closeSync()
    if (dataDir !== undefined) OPEN_DATA_DIRS.delete(dataDir)
    throw new EmulatorError(
      'DF_EMULATOR_LISTEN_FAILED',
      `[@df/emulator] Cannot listen on ${host}:${port}`,
      {
        cause: error,
      },
    )
  })
  const bound = (server.address() as AddressInfo).port
  let flight: FlightEndpoint | undefined
  if (options.flightPort !== undefined) {
    flight = await startFlightServer(
      {
        auth,
        jobs,
        projectId,
        plan: (sql, context) =>
          withConn((conn) => planStatement({ catalog, sources, conn, context }, sql)),
        execute: (conn, sql, context) => executeTyped({ catalog, sources, conn, context }, sql),
      },
      { host, port: options.flightPort, tls: options.flightTls },
    ).catch((error: unknown) => {
      server.close()
      instance.closeSync()
      if (dataDir !== undefined) OPEN_DATA_DIRS.delete(dataDir)
      throw new EmulatorError(
        'DF_EMULATOR_LISTEN_FAILED',
        `[@df/emulator] Cannot serve Flight on ${host}:${options.flightPort}`,
        { cause: error },
      )
    })
  }
  let closing: Promise<void> | undefined
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    port: bound,
    projectId,
    flightUrl: flight?.url,
    flightPort: flight?.port,
    credentials: { users: auth.users, tokens: auth.tokens },
    jobs,
    async query(sql, queryOptions) {
      try {
        const result = await withConn((conn) => run(conn, sql, queryOptions?.context))
        return result.allRows()
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        throw new EmulatorError('DF_EMULATOR_SQL_FAILED', `[@df/emulator] ${message}`, {
          cause: error,
        })
      }
    },
    stats: () => ({ ...counters, logins: auth.logins }),
    setFaults: (faultOptions) => faults.set(faultOptions),
    setJobLatency: (latency) => jobs.setLatency(latency),
    expireSessions: () => auth.expireSessions(),
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()))
        server.closeAllConnections()
        const flightClosed = flight?.close()
        await jobs.drain()
        await flightClosed
        await closed
        instance.closeSync()
        if (dataDir !== undefined) OPEN_DATA_DIRS.delete(dataDir)
      })()
      return closing
    },
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

/**
 * Confines DuckDB's file access to the source directories: SQL from clients can read sources
 * (COPY INTO, LIST_FILES, file queries) but never other files (`read_csv('/etc/passwd')`), and
 * cannot write files or attach databases.
 */
async function sandbox(instance: DuckDBInstance, dirs: readonly string[]): Promise<void> {
  const conn = await instance.connect()
  try {
    if (dirs.length > 0) {
      const list = dirs.map((d) => quoteString(resolve(d) + sep))
      await conn.run(`SET allowed_directories = [${list.join(', ')}]`)
    }
    await conn.run('SET enable_external_access = false')
  } finally {
    conn.closeSync()
  }
}
