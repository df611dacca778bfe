/**
 * `createBackendFromUrl`: one URL picks and configures a durable backend, for the CLI
 * (`--backend-url`), the UI, workers and scripts. Each backend package owns its URL forms: it
 * exports `URL_SCHEMES` and `fromUrl(url, options)`. This module only maps a URL's scheme to the
 * package (or module) that opens it, and loads that on demand with a dynamic `import()`
 * (unstorage's `importLib` idea), so `@df/orchestration` never depends on a backend package and
 * only the one in use must be installed.
 *
 * The bundled schemes: `sqlite:` (`@df/backend-sqlite`), `postgres:`/`postgresql:`
 * (`@df/backend-postgres`), `mysql:`/`mariadb:` (`@df/backend-mysql`). A third-party backend
 * registers its own (`registerBackendScheme('json', '@acme/df-backend-json')`), or a caller
 * passes `schemes`.
 */
import { dirname } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Backend } from './backend.js'
import { OrchestrationError } from './errors.js'
import { callerFile, resolvePackage } from './internal/package-lookup.js'

/** Options a backend package's `fromUrl` receives. */
export interface FromUrlOptions {
  /** Merged into the factory's options (e.g. `{ poolSize: 4 }`). */
  readonly options?: Readonly<Record<string, unknown>>
  /** Base directory of relative paths in the URL (SQLite files). @default process.cwd() */
  readonly cwd?: string
}

/**
 * What a backend package exports to be opened by URL (house style: the package's own
 * `<tech>-url.ts`). `fromUrl` creates the backend without `init()` and throws `DF_OPTION_INVALID`
 * for a URL it cannot read, never echoing a password (see {@link redactBackendUrl}).
 */
export interface BackendUrlModule {
  /** The schemes it opens, lowercase, without the colon: `['postgres', 'postgresql']`. */
  readonly URL_SCHEMES: readonly string[]
  fromUrl(url: string, options?: FromUrlOptions): Backend
}

/** How a backend package is imported (the default tries this package, then the working directory). */
export type BackendImporter = (specifier: string) => Promise<Record<string, unknown>>

/** A scheme's opener: a module specifier to import on demand, or the module itself. */
export type BackendSchemeTarget = string | BackendUrlModule

/** Options of {@link createBackendFromUrl}. */
export interface BackendUrlOptions extends FromUrlOptions {
  /**
   * Imports the backend package. The default tries this package, the calling module's location,
   * the working directory's project and the workspace around them; pass `(s) => import(s)` from
   * your own module to decide yourself.
   */
  readonly importer?: BackendImporter
  /** Schemes to use on top of the registered ones (they win), e.g. the CLI's table. */
  readonly schemes?: Readonly<Record<string, BackendSchemeTarget>>
}

/** The bundled backends' schemes and the packages that open them. */
export const BUNDLED_BACKEND_SCHEMES: Readonly<Record<string, string>> = Object.freeze({
  sqlite: '@df/backend-sqlite',
  postgres: '@df/backend-postgres',
  postgresql: '@df/backend-postgres',
  mysql: '@df/backend-mysql',
  mariadb: '@df/backend-mysql',
})

const registered = new Map<string, BackendSchemeTarget>(Object.entries(BUNDLED_BACKEND_SCHEMES))

function invalid(message: string): OrchestrationError {
  return new OrchestrationError('DF_OPTION_INVALID', `[@df/orchestration] ${message}`)
}

function checkScheme(scheme: string): string {
  if (typeof scheme !== 'string' || !/^[a-z][a-z0-9+.-]*$/i.test(scheme)) {
    throw invalid(
      `A backend URL scheme is letters, digits, '+', '.' or '-', got ${JSON.stringify(scheme)}.`,
    )
  }
  return scheme.toLowerCase()
}

/**
 * Registers (or replaces) the opener of a URL scheme for this process: a module specifier (a
 * package name or a file URL) whose module exports `fromUrl`, or such a module object.
 *
 * @example
 * registerBackendScheme('json', '@acme/df-backend-json')
 * const backend = await createBackendFromUrl('json:///var/lib/runs.json')
 */
export function registerBackendScheme(scheme: string, target: BackendSchemeTarget): void {
  if (typeof target !== 'string' && typeof (target as BackendUrlModule)?.fromUrl !== 'function') {
    throw invalid(
      'registerBackendScheme(scheme, target) needs a module specifier or a module with fromUrl().',
    )
  }
  registered.set(checkScheme(scheme), target)
}

/** The registered schemes and their openers (bundled ones included). */
export function backendSchemes(): Record<string, BackendSchemeTarget> {
  return Object.fromEntries(registered)
}

/**
 * The scheme of a backend URL, lowercase.
 * @throws OrchestrationError `DF_OPTION_INVALID` for an empty URL or one without a scheme.
 */
export function backendUrlScheme(url: string): string {
  if (typeof url !== 'string' || url.trim() === '') throw invalid('The backend URL is empty.')
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase()
  if (scheme === undefined) {
    throw invalid(
      `The backend URL '${redactBackendUrl(url)}' has no scheme: use sqlite:///file.db, postgresql://… or mysql://….`,
    )
  }
  return scheme
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
 * Loads the module that opens `url`'s scheme: imports its package on demand (or takes the
 * registered module) and checks it exports `fromUrl`.
 * @throws OrchestrationError `DF_OPTION_INVALID` for an unknown scheme, `DF_DEPENDENCY_MISSING`
 * when the package is not installed ("Cannot import @df/backend-postgres. Install it with: pnpm
 * add @df/backend-postgres") or exports no `fromUrl`.
 */
export async function loadBackendModule(
  url: string,
  options: BackendUrlOptions = {},
): Promise<BackendUrlModule> {
  return load(url, options, options.importer ? undefined : callerFile(loadBackendModule))
}

async function load(
  url: string,
  options: BackendUrlOptions,
  caller: string | undefined,
): Promise<BackendUrlModule> {
  const scheme = backendUrlScheme(url)
  const target = options.schemes?.[scheme] ?? registered.get(scheme)
  if (target === undefined) {
    const extra = [
      ...new Set([...registered.keys(), ...Object.keys(options.schemes ?? {})]),
    ].filter((k) => !(k in BUNDLED_BACKEND_SCHEMES))
    throw invalid(
      `Unknown backend URL scheme '${scheme}:': use sqlite:///file.db, sqlite::memory:, postgresql://… or mysql://….${extra.length > 0 ? ` Also registered: ${extra.map((k) => `${k}:`).join(', ')}.` : ''}`,
    )
  }
  if (typeof target !== 'string') return target
  let mod: Record<string, unknown>
  try {
    mod = await (options.importer ?? importerFrom(options.cwd ?? process.cwd(), caller))(target)
  } catch (cause) {
    throw new OrchestrationError(
      'DF_DEPENDENCY_MISSING',
      isMissing(cause, target)
        ? `[@df/orchestration] Cannot import ${target}. Install it with: pnpm add ${target}`
        : `[@df/orchestration] Cannot import ${target}: loading it failed (${cause instanceof Error ? cause.message : String(cause)}). Reinstall it with: pnpm add ${target}`,
      { cause },
    )
  }
  if (typeof mod.fromUrl !== 'function') {
    throw new OrchestrationError(
      'DF_DEPENDENCY_MISSING',
      `[@df/orchestration] The installed ${target} does not export fromUrl(); install a version matching @df/orchestration.`,
    )
  }
  return mod as unknown as BackendUrlModule
}

/**
 * Creates (without `init()`) the backend a URL names, loading its package on demand.
 *
 * @example
 * const backend = await createBackendFromUrl('postgresql://df:secret@db:5432/df?schema=etl')
 * await backend.init()
 * @throws OrchestrationError `DF_OPTION_INVALID` for a bad URL, `DF_DEPENDENCY_MISSING` when the
 * backend package is not installed, or whatever the backend's factory throws for bad options.
 */
export async function createBackendFromUrl(
  url: string,
  options: BackendUrlOptions = {},
): Promise<Backend> {
  // Before the first await: the caller's frame is still on the stack.
  const caller = options.importer ? undefined : callerFile(createBackendFromUrl)
  const mod = await load(url, options, caller)
  return mod.fromUrl(url, {
    ...(options.options !== undefined ? { options: options.options } : {}),
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
  })
}
