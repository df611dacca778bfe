/**
 * Options of `createPostgresBackend`, and their validation.
 *
 * Configuration follows the original `dremioframe` PostgresBackend: an explicit connection
 * string, else `DREMIOFRAME_PG_DSN`, else `DATABASE_URL`. An injected pool (Kysely style) is
 * used as is and never ended by the backend.
 */
import { optionChecks } from '@df/orchestration/backend-kit'
import type { Pool } from 'pg'

/** Options of {@link createPostgresBackend}. */
export interface PostgresBackendOptions {
  /**
   * A `postgres://user:password@host:port/database` URL. Ignored when `pool` is given.
   * @default process.env.DREMIOFRAME_PG_DSN ?? process.env.DATABASE_URL
   */
  readonly connectionString?: string
  /**
   * A `pg` pool to use instead of creating one (or a function resolving to one, called once in
   * `init`). The backend never ends an injected pool: its owner does.
   */
  readonly pool?: Pool | (() => Promise<Pool>)
  /**
   * The schema holding the backend's tables; created by `init()` when missing. Quoted everywhere,
   * so any name works.
   * @default 'dremioframe'
   */
  readonly schema?: string
  /** Connections in the pool the backend creates (ignored with `pool`). @default 10 */
  readonly poolSize?: number
  /** How long to wait for a connection before failing with `DF_BACKEND_UNAVAILABLE`. @default 10000 */
  readonly connectTimeoutMs?: number
  /** How many times a batch that hit a deadlock is retried before failing. @default 5 */
  readonly maxDeadlockRetries?: number
  /**
   * PostgreSQL's `synchronous_commit` for the pool the backend creates. `'on'` waits for the WAL
   * flush on every commit (one fsync per engine tick). `'off'` does not: an engine crash still
   * loses nothing, but a crash of the database server (or its machine) may lose the last few
   * hundred milliseconds of commits, never corrupting anything; that is SQLite WAL's
   * `synchronous=NORMAL` guarantee. Ignored with `pool` (set it on your pool).
   * @default 'on'
   */
  readonly synchronousCommit?: 'on' | 'off'
}

/** Options after defaults and validation. */
export interface ResolvedPostgresOptions {
  readonly connectionString?: string
  readonly pool?: Pool | (() => Promise<Pool>)
  readonly schema: string
  readonly poolSize: number
  readonly connectTimeoutMs: number
  readonly maxDeadlockRetries: number
  readonly synchronousCommit: 'on' | 'off'
  /** `host:port` for messages: never the password or the full URL. */
  readonly target: string
}

const KNOWN = new Set([
  'connectionString',
  'pool',
  'schema',
  'poolSize',
  'connectTimeoutMs',
  'maxDeadlockRetries',
  'synchronousCommit',
])

const checks = optionChecks('@df/backend-postgres')
const invalid = checks.invalid

/**
 * `host:port` of a connection URL, for error messages. Parsed here (not by `pg`) because a
 * failed `new URL()` carries the whole input, password included, in its `input` property.
 */
export function describeTarget(connectionString: string): string {
  let url: URL
  try {
    url = new URL(connectionString)
  } catch {
    throw invalid('The connection string is not a valid postgres:// URL.')
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw invalid('The connection string must start with postgres:// or postgresql://.')
  }
  const host = url.searchParams.get('host') ?? (url.hostname || 'localhost')
  const port = url.searchParams.get('port') ?? (url.port || '5432')
  return `${host}:${port}`
}

/** Applies defaults and the environment; throws `DF_OPTION_INVALID` on bad input. */
export function resolvePostgresOptions(
  options: PostgresBackendOptions,
  env: NodeJS.ProcessEnv,
): ResolvedPostgresOptions {
  checks.known(options, KNOWN)
  const schema = options.schema ?? 'dremioframe'
  if (typeof schema !== 'string' || schema === '' || schema.length > 63) {
    throw invalid('Option "schema" must be a non-empty string of at most 63 characters.')
  }
  const synchronousCommit = checks.oneOf(
    'synchronousCommit',
    options.synchronousCommit,
    ['on', 'off'] as const,
    'on',
  )
  const common = {
    schema,
    synchronousCommit,
    poolSize: checks.int('poolSize', options.poolSize, 10, 1),
    connectTimeoutMs: checks.int('connectTimeoutMs', options.connectTimeoutMs, 10_000, 1),
    maxDeadlockRetries: checks.int('maxDeadlockRetries', options.maxDeadlockRetries, 5, 0),
  }
  if (options.pool !== undefined) {
    if (options.connectionString !== undefined) {
      throw invalid('Pass either "connectionString" or "pool", not both.')
    }
    const pool = options.pool
    return { ...common, pool, target: poolTarget(pool) }
  }
  const connectionString = options.connectionString ?? env.DREMIOFRAME_PG_DSN ?? env.DATABASE_URL
  if (connectionString === undefined || connectionString === '') {
    throw invalid(
      'No database given: pass "connectionString" or "pool", or set DREMIOFRAME_PG_DSN or DATABASE_URL.',
    )
  }
  if (typeof connectionString !== 'string') {
    throw invalid('Option "connectionString" must be a string.')
  }
  return { ...common, connectionString, target: describeTarget(connectionString) }
}

/** `host:port` of an injected pool, from its options (never its password). */
function poolTarget(pool: Pool | (() => Promise<Pool>)): string {
  if (typeof pool === 'function') return 'the injected pool'
  const o = pool.options ?? {}
  if (o.host === undefined && typeof o.connectionString === 'string') {
    try {
      return describeTarget(o.connectionString)
    } catch {
      return 'the injected pool'
    }
  }
  return `${o.host ?? 'localhost'}:${o.port ?? 5432}`
}
