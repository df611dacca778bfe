/**
 * Options of `createMysqlBackend`, and their validation.
 *
 * Configuration follows the original `dremioframe` MySQLBackend: a `config` object, else the
 * `DREMIOFRAME_MYSQL_USER/PASSWORD/HOST/PORT/DB` variables (host `localhost`, port 3306); we add
 * a `mysql://` URI and an injected pool (Kysely style), which the backend never ends.
 */
import { optionChecks } from '@df/orchestration/backend-kit'
import type { Pool, PoolOptions } from 'mysql2/promise'

/** Options of {@link createMysqlBackend}. */
export interface MysqlBackendOptions {
  /** A `mysql://user:password@host:port/database` URI. */
  readonly uri?: string
  /** mysql2 pool options (`host`, `port`, `user`, `password`, `database`, `ssl`, …). */
  readonly config?: PoolOptions
  /**
   * A mysql2 promise pool to use (or a function resolving to one, called once in `init`). The
   * backend never ends an injected pool. Without `multipleStatements: true` on it, batches take
   * one round trip per statement instead of one per batch.
   */
  readonly pool?: Pool | (() => Promise<Pool>)
  /**
   * The database holding the backend's tables (it must exist). Overrides the one in `uri` or
   * `config`; with a pool and no database, the connection's current database is used.
   * @default the database of `uri`, `config` or `DREMIOFRAME_MYSQL_DB`
   */
  readonly database?: string
  /** Connections in the pool the backend creates (ignored with `pool`). @default 10 */
  readonly poolSize?: number
  /** How long to wait for a connection before failing with `DF_BACKEND_UNAVAILABLE`. @default 10000 */
  readonly connectTimeoutMs?: number
  /** How many times a transaction that hit a deadlock is retried before failing. @default 5 */
  readonly maxDeadlockRetries?: number
}

/** Options after defaults and validation. */
export interface ResolvedMysqlOptions {
  /** Pool options for a pool the backend creates (absent with an injected pool). */
  readonly poolOptions?: PoolOptions
  readonly pool?: Pool | (() => Promise<Pool>)
  readonly database?: string
  readonly maxDeadlockRetries: number
  /** `host:port` for messages: never the password or the URI. */
  readonly target: string
}

const KNOWN = new Set([
  'uri',
  'config',
  'pool',
  'database',
  'poolSize',
  'connectTimeoutMs',
  'maxDeadlockRetries',
])

const checks = optionChecks('@df/backend-mysql')
const invalid = checks.invalid

/**
 * Parses a `mysql://` URI into pool options. Done here rather than by mysql2 because a failed
 * `new URL()` carries the whole input, password included, in its `input` property.
 */
export function parseMysqlUri(uri: string): PoolOptions {
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    throw invalid('Option "uri" is not a valid mysql:// URI.')
  }
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') {
    throw invalid('Option "uri" must start with mysql:// or mariadb://.')
  }
  const database = decodeURIComponent(url.pathname.slice(1))
  return {
    host: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname || 'localhost',
    port: url.port === '' ? 3306 : Number(url.port),
    ...(url.username !== '' && { user: decodeURIComponent(url.username) }),
    ...(url.password !== '' && { password: decodeURIComponent(url.password) }),
    ...(database !== '' && { database }),
  }
}

function fromEnv(env: NodeJS.ProcessEnv): PoolOptions {
  const user = env.DREMIOFRAME_MYSQL_USER
  if (user === undefined || user === '') {
    throw invalid(
      'No database given: pass "uri", "config" or "pool", or set DREMIOFRAME_MYSQL_USER (and DREMIOFRAME_MYSQL_PASSWORD/HOST/PORT/DB).',
    )
  }
  const port = env.DREMIOFRAME_MYSQL_PORT === undefined ? 3306 : Number(env.DREMIOFRAME_MYSQL_PORT)
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw invalid('DREMIOFRAME_MYSQL_PORT must be a port number.')
  }
  return {
    user,
    host: env.DREMIOFRAME_MYSQL_HOST || 'localhost',
    port,
    ...(env.DREMIOFRAME_MYSQL_PASSWORD !== undefined && {
      password: env.DREMIOFRAME_MYSQL_PASSWORD,
    }),
    ...(env.DREMIOFRAME_MYSQL_DB !== undefined && { database: env.DREMIOFRAME_MYSQL_DB }),
  }
}

/** Applies defaults and the environment; throws `DF_OPTION_INVALID` on bad input. */
export function resolveMysqlOptions(
  options: MysqlBackendOptions,
  env: NodeJS.ProcessEnv,
): ResolvedMysqlOptions {
  checks.known(options, KNOWN)
  const sources = ['uri', 'config', 'pool'].filter(
    (k) => options[k as keyof MysqlBackendOptions] !== undefined,
  )
  if (sources.length > 1) throw invalid('Pass only one of "uri", "config" and "pool".')
  const database = options.database
  if (
    database !== undefined &&
    (typeof database !== 'string' || database === '' || database.length > 64)
  ) {
    throw invalid('Option "database" must be a non-empty string of at most 64 characters.')
  }
  const poolSize = checks.int('poolSize', options.poolSize, 10, 1)
  const connectTimeout = checks.int('connectTimeoutMs', options.connectTimeoutMs, 10_000, 1)
  const maxDeadlockRetries = checks.int('maxDeadlockRetries', options.maxDeadlockRetries, 5, 0)
  if (options.pool !== undefined) {
    return {
      pool: options.pool,
      maxDeadlockRetries,
      target: poolTarget(options.pool),
      ...(database !== undefined && { database }),
    }
  }
  if (options.uri !== undefined && typeof options.uri !== 'string') {
    throw invalid('Option "uri" must be a string.')
  }
  const base =
    options.uri !== undefined
      ? parseMysqlUri(options.uri)
      : options.config !== undefined
        ? { ...options.config }
        : fromEnv(env)
  const db = database ?? base.database
  const poolOptions: PoolOptions = {
    connectionLimit: poolSize,
    connectTimeout,
    ...base,
    ...(db !== undefined && { database: db }),
    // One round trip per batch: a transaction's statements are sent together (values are
    // escaped by mysql2; identifiers are quoted by us).
    multipleStatements: true,
    charset: 'utf8mb4',
    supportBigNumbers: true,
  }
  return {
    poolOptions,
    maxDeadlockRetries,
    target: `${base.host ?? 'localhost'}:${base.port ?? 3306}`,
    ...(db !== undefined && { database: db }),
  }
}

/** `host:port` of an injected mysql2 pool, from its connection config (never its password). */
function poolTarget(pool: Pool | (() => Promise<Pool>)): string {
  if (typeof pool === 'function') return 'the injected pool'
  const core = (pool as unknown as { pool?: { config?: { connectionConfig?: unknown } } }).pool
  const config = core?.config?.connectionConfig as { host?: unknown; port?: unknown } | undefined
  if (config === undefined) return 'the injected pool'
  return `${String(config.host ?? 'localhost')}:${String(config.port ?? 3306)}`
}
