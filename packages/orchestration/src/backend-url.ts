/**
 * `createBackendFromUrl`: one URL picks and configures a durable backend, for the CLI
 * (`--backend-url`), the UI and scripts. The backend packages are optional: each is loaded with a
 * dynamic `import()` of a computed specifier (unstorage's `importLib` idea), so
 * `@df/orchestration` never depends on them and only the one in use must be installed.
 *
 * - `sqlite:///relative/file.db`, `sqlite:////absolute/file.db` (SQLAlchemy's spelling, which
 *   the original `dremio-cli --backend-url` used), `sqlite::memory:`;
 * - `postgres://…` / `postgresql://…`, `?schema=name` picks the schema;
 * - `mysql://…` / `mariadb://…`, the path is the database.
 */
import { dirname, isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Backend } from './backend.js'
import { OrchestrationError } from './errors.js'
import { callerFile, resolvePackage } from './internal/package-lookup.js'

/** Which backend package a URL needs. */
export type BackendKind = 'sqlite' | 'postgres' | 'mysql'

/** A parsed backend URL: the package, its factory and the options to call it with. */
export interface BackendUrlTarget {
  readonly kind: BackendKind
  /** `@df/backend-<kind>`. */
  readonly packageName: string
  /** The factory the package exports (`createSqliteBackend`, …). */
  readonly factoryName: string
  /** Options for the factory (they may hold a password: never print them). */
  readonly options: Readonly<Record<string, unknown>>
  /** The URL with its password replaced by `***`, for messages and logs. */
  readonly redacted: string
}

/** How a backend package is imported (see `BackendUrlOptions.importer` for the default). */
export type BackendImporter = (specifier: string) => Promise<Record<string, unknown>>

/** Options of {@link createBackendFromUrl}. */
export interface BackendUrlOptions {
  /** Merged into the factory's options (e.g. `{ poolSize: 4 }`, `{ busyTimeoutMs: 10_000 }`). */
  readonly options?: Readonly<Record<string, unknown>>
  /**
   * Imports the backend package. The default tries this package, the calling module's location,
   * the working directory's project and the workspace around them; pass `(s) => import(s)` from
   * your own module to decide yourself.
   */
  readonly importer?: BackendImporter
  /** Base directory of relative SQLite paths and of the package lookup. @default process.cwd() */
  readonly cwd?: string
}

const KINDS: Readonly<Record<string, BackendKind>> = {
  sqlite: 'sqlite',
  postgres: 'postgres',
  postgresql: 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
}

const FACTORIES: Readonly<Record<BackendKind, string>> = {
  sqlite: 'createSqliteBackend',
  postgres: 'createPostgresBackend',
  mysql: 'createMysqlBackend',
}

/**
 * `url` with its password (`user:***@`) and password-like query values (`password=***`) masked;
 * safe for messages and logs. It masks too much rather than too little: everything up to the
 * last `@` counts as the user info, so a password containing `@`, `:` or `/` never shows.
 */
export function redactBackendUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)(.*)@/is, (_m, prefix: string, userinfo: string) => {
      const colon = userinfo.indexOf(':')
      return colon < 0 ? `${prefix}${userinfo}@` : `${prefix}${userinfo.slice(0, colon)}:***@`
    })
    .replace(/([?&](?:password|passwd|pass|pwd|secret|token|sslpassword|sslkey)=)[^&#]*/gi, '$1***')
}

function invalid(message: string): OrchestrationError {
  return new OrchestrationError('DF_OPTION_INVALID', `[@df/orchestration] ${message}`)
}

/**
 * Parses a backend URL without loading anything.
 * @throws OrchestrationError `DF_OPTION_INVALID` for an empty, unparsable or unknown URL (the
 * message shows the URL only with its password redacted).
 */
export function parseBackendUrl(url: string, cwd: string = process.cwd()): BackendUrlTarget {
  if (typeof url !== 'string' || url.trim() === '') throw invalid('The backend URL is empty.')
  const redacted = redactBackendUrl(url)
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase()
  const kind = scheme === undefined ? undefined : KINDS[scheme]
  if (kind === undefined) {
    throw invalid(
      `Unknown backend URL ${scheme === undefined ? `'${redacted}'` : `scheme '${scheme}:'`}: use sqlite:///file.db, sqlite::memory:, postgresql://… or mysql://….`,
    )
  }
  const target = (options: Record<string, unknown>): BackendUrlTarget => ({
    kind,
    packageName: `@df/backend-${kind}`,
    factoryName: FACTORIES[kind],
    options,
    redacted,
  })
  if (kind === 'sqlite') {
    if (/^sqlite::memory:$/i.test(url)) return target({ path: ':memory:' })
    const rest = url.slice('sqlite:'.length)
    if (!rest.startsWith('///') || rest.length === 3) {
      throw invalid(
        `A SQLite URL is sqlite:///relative/file.db, sqlite:////absolute/file.db or sqlite::memory:, got '${redacted}'.`,
      )
    }
    const path = decodeURIComponent(rest.slice(3).split(/[?#]/)[0]!)
    if (path === ':memory:') return target({ path })
    return target({ path: isAbsolute(path) ? path : resolve(cwd, path) })
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw invalid(`The ${scheme}:// URL cannot be parsed: '${redacted}'.`)
  }
  if (parsed.hostname === '') throw invalid(`The ${scheme}:// URL has no host: '${redacted}'.`)
  if (kind === 'postgres') {
    // The URL goes to pg untouched unless it names a schema, which pg would not understand.
    const schema = parsed.searchParams.get('schema')
    if (schema === null) return target({ connectionString: url })
    parsed.searchParams.delete('schema')
    return target({ connectionString: parsed.href, ...(schema !== '' ? { schema } : {}) })
  }
  return target({ uri: url })
}

/** Node's "not found" codes, for the package itself (not one of its own dependencies). */
function isMissing(error: unknown, specifier: string): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    String((error as Error).message).includes(specifier)
  )
}

/**
 * Imports from this package's location (hoisted installs), then from the calling module's and
 * the `cwd` project's (strict pnpm layouts, where only the application sees its own
 * dependencies), then from the workspace around them (a script run from a monorepo's root).
 */
function importerFrom(cwd: string, caller: string | undefined): BackendImporter {
  return async (specifier) => {
    try {
      return (await import(specifier)) as Record<string, unknown>
    } catch (error) {
      if (!isMissing(error, specifier)) throw error
      const resolved = resolvePackage(specifier, caller ? [dirname(caller), cwd] : [cwd])
      if (resolved === undefined) throw error
      return (await import(pathToFileURL(resolved).href)) as Record<string, unknown>
    }
  }
}

/**
 * Creates (without `init()`) the backend a URL names, loading its package on demand.
 *
 * @example
 * const backend = await createBackendFromUrl('postgresql://df:secret@db:5432/df?schema=etl')
 * await backend.init()
 * @throws OrchestrationError `DF_OPTION_INVALID` for a bad URL, `DF_DEPENDENCY_MISSING` when the
 * backend package is not installed ("Cannot import @df/backend-postgres. Install it with: pnpm add
 * @df/backend-postgres"), or whatever the backend's factory throws for bad options.
 */
export async function createBackendFromUrl(
  url: string,
  options: BackendUrlOptions = {},
): Promise<Backend> {
  // Before the first await: the caller's frame is still on the stack.
  const caller = options.importer ? undefined : callerFile(createBackendFromUrl)
  const target = parseBackendUrl(url, options.cwd)
  const name = target.packageName
  let mod: Record<string, unknown>
  try {
    mod = await (options.importer ?? importerFrom(options.cwd ?? process.cwd(), caller))(name)
  } catch (cause) {
    throw new OrchestrationError(
      'DF_DEPENDENCY_MISSING',
      isMissing(cause, name)
        ? `[@df/orchestration] Cannot import ${name}. Install it with: pnpm add ${name}`
        : `[@df/orchestration] Cannot import ${name}: loading it failed (${cause instanceof Error ? cause.message : String(cause)}). Reinstall it with: pnpm add ${name}`,
      { cause },
    )
  }
  const factory = mod[target.factoryName]
  if (typeof factory !== 'function') {
    throw new OrchestrationError(
      'DF_DEPENDENCY_MISSING',
      `[@df/orchestration] The installed ${name} does not export ${target.factoryName}(); install a version matching @df/orchestration.`,
    )
  }
  return (factory as (o: Record<string, unknown>) => Backend)({
    ...target.options,
    ...options.options,
  })
}
