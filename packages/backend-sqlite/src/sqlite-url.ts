/**
 * Opening a SQLite backend from a URL (`createBackendFromUrl`, `dremio-cli --backend-url`), in
 * SQLAlchemy's spelling, which the original `dremio-cli --backend-url` used:
 * `sqlite:///relative/file.db` (relative to `cwd`), `sqlite:////absolute/file.db`,
 * `sqlite::memory:` (or `sqlite:///:memory:`).
 */
import { isAbsolute, resolve } from 'node:path'
import { type FromUrlOptions, OrchestrationError, redactBackendUrl } from '@df/orchestration'
import { createSqliteBackend, type SqliteBackend } from './sqlite-backend.js'
import type { SqliteBackendOptions } from './sqlite-backend-options.js'

/** The URL schemes this package opens. */
export const URL_SCHEMES: readonly string[] = Object.freeze(['sqlite'])

/**
 * The factory options a `sqlite:` URL stands for; a relative path is resolved against `cwd`.
 * @throws OrchestrationError `DF_OPTION_INVALID` for any other form.
 */
export function parseSqliteUrl(url: string, cwd: string = process.cwd()): SqliteBackendOptions {
  if (/^sqlite::memory:$/i.test(url)) return { path: ':memory:' }
  const rest = /^sqlite:/i.test(url) ? url.slice('sqlite:'.length) : ''
  if (!rest.startsWith('///') || rest.length === 3) {
    throw new OrchestrationError(
      'DF_OPTION_INVALID',
      `[@df/backend-sqlite] A SQLite URL is sqlite:///relative/file.db, sqlite:////absolute/file.db or sqlite::memory:, got '${redactBackendUrl(url)}'.`,
    )
  }
  const path = decodeURIComponent(rest.slice(3).split(/[?#]/)[0]!)
  if (path === ':memory:') return { path }
  return { path: isAbsolute(path) ? path : resolve(cwd, path) }
}

/**
 * Creates (without `init()`) the backend a `sqlite:` URL names, `options.options` merged into
 * the factory's options (e.g. `{ busyTimeoutMs: 10_000 }`).
 *
 * @example
 * const backend = fromUrl('sqlite:///.df/runs.db')
 */
export function fromUrl(url: string, options: FromUrlOptions = {}): SqliteBackend {
  return createSqliteBackend({ ...parseSqliteUrl(url, options.cwd), ...options.options })
}
