/**
 * `--backend-url`: which store runs are recorded in.
 * - `sqlite:///relative/path.db`, `sqlite:////absolute/path.db` (SQLAlchemy's spelling, as in the
 *   original), or a bare path; the default is `@df/backend-sqlite`'s `DEFAULT_SQLITE_PATH`, the
 *   file a script's `createSqliteBackend()` writes, so `pipeline list` shows its runs;
 * - `postgres://…` / `postgresql://…` (`?schema=name` picks the schema, default `dremioframe`);
 * - `mysql://…` / `mariadb://…` (the path is the database).
 * Backend packages are loaded with a dynamic `import()`, so only the one used must be installed.
 */
import { isAbsolute, resolve } from 'node:path'
import type { Backend } from '@df/orchestration'
import { CliError } from './cli-error.js'

/** A parsed backend URL. */
export type BackendTarget =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly connectionString: string; readonly schema?: string }
  | { readonly kind: 'mysql'; readonly uri: string }

/** The SQLite file used when no `--backend-url` is given (same as `DEFAULT_SQLITE_PATH`). */
export const DEFAULT_BACKEND_URL = 'sqlite:///dremioframe.db'

/** Parses a backend URL. @throws CliError `DF_CLI_BACKEND_URL_INVALID` (never echoing a password). */
export function parseBackendUrl(url: string, cwd: string = process.cwd()): BackendTarget {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase()
  if (scheme === undefined || !url.includes('://')) {
    if (url.trim() === '') throw invalid('--backend-url is empty.')
    return { kind: 'sqlite', path: resolve(cwd, url) }
  }
  if (scheme === 'sqlite') {
    const rest = url.slice('sqlite://'.length)
    if (!rest.startsWith('/') || rest === '/') {
      throw invalid('A SQLite URL is sqlite:///relative/file.db or sqlite:////absolute/file.db.')
    }
    const path = rest.slice(1)
    if (path === ':memory:') return { kind: 'sqlite', path }
    return { kind: 'sqlite', path: isAbsolute(path) ? path : resolve(cwd, path) }
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      throw invalid('The postgres:// URL cannot be parsed.')
    }
    const schema = parsed.searchParams.get('schema') ?? undefined
    parsed.searchParams.delete('schema')
    return { kind: 'postgres', connectionString: parsed.toString(), ...(schema ? { schema } : {}) }
  }
  if (scheme === 'mysql' || scheme === 'mariadb') {
    try {
      new URL(url)
    } catch {
      throw invalid('The mysql:// URL cannot be parsed.')
    }
    return { kind: 'mysql', uri: url }
  }
  throw invalid(
    `Unknown backend URL scheme '${scheme}:' (use sqlite:///file.db, postgresql://… or mysql://…).`,
  )
}

/** The URL with its password replaced by `***`, for messages and `--verbose`. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@')
}

/** How a backend package is imported; replaced in tests to simulate a missing package. */
export type ModuleImporter = (specifier: string) => Promise<Record<string, unknown>>

const defaultImporter: ModuleImporter = (specifier) => import(specifier)

/**
 * Creates (but does not `init`) the backend for `url`.
 * @throws CliError `DF_DEPENDENCY_MISSING` when the backend package cannot be imported.
 */
export async function createBackendFromUrl(
  url: string,
  importer: ModuleImporter = defaultImporter,
): Promise<Backend> {
  const target = parseBackendUrl(url)
  switch (target.kind) {
    case 'sqlite': {
      const mod = await importBackend('@df/backend-sqlite', importer)
      return factory(mod, 'createSqliteBackend')({ path: target.path })
    }
    case 'postgres': {
      const mod = await importBackend('@df/backend-postgres', importer)
      return factory(
        mod,
        'createPostgresBackend',
      )({
        connectionString: target.connectionString,
        ...(target.schema ? { schema: target.schema } : {}),
      })
    }
    case 'mysql': {
      const mod = await importBackend('@df/backend-mysql', importer)
      return factory(mod, 'createMysqlBackend')({ uri: target.uri })
    }
  }
}

async function importBackend(
  name: string,
  importer: ModuleImporter,
): Promise<Record<string, unknown>> {
  try {
    return await importer(name)
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException)?.code
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new CliError(
        'DF_DEPENDENCY_MISSING',
        `Cannot import ${name}. Install it with: pnpm add ${name}`,
        { cause },
      )
    }
    throw new CliError('DF_DEPENDENCY_MISSING', `Cannot import ${name}: ${String(cause)}`, {
      cause,
    })
  }
}

function factory(mod: Record<string, unknown>, name: string): (options: object) => Backend {
  const fn = mod[name]
  if (typeof fn !== 'function') {
    throw new CliError('DF_DEPENDENCY_MISSING', `The installed backend package has no ${name}().`)
  }
  return fn as (options: object) => Backend
}

function invalid(message: string): CliError {
  return new CliError('DF_CLI_BACKEND_URL_INVALID', message)
}
