/**
 * Opening a PostgreSQL backend from a URL (`createBackendFromUrl`, `dremio-cli --backend-url`):
 * `postgres://user:password@host:5432/db?schema=etl` (or `postgresql://`). The URL goes to `pg`
 * untouched unless it names a schema, which `pg` would not understand.
 */
import type { FromUrlOptions } from '@df/orchestration'
import { parseServerUrl } from '@df/orchestration/backend-kit'
import { createPostgresBackend, type PostgresBackend } from './postgres-backend.js'
import type { PostgresBackendOptions } from './postgres-backend-options.js'

/** The URL schemes this package opens. */
export const URL_SCHEMES: readonly string[] = Object.freeze(['postgres', 'postgresql'])

/**
 * The factory options a URL stands for (they hold the password: never print them).
 * @throws OrchestrationError `DF_OPTION_INVALID` for a URL that is not `postgres(ql)://host/…`.
 */
export function parsePostgresUrl(url: string): PostgresBackendOptions {
  const parsed = parseServerUrl(url, URL_SCHEMES, '@df/backend-postgres')
  const schema = parsed.searchParams.get('schema')
  if (schema === null) return { connectionString: url }
  parsed.searchParams.delete('schema')
  return { connectionString: parsed.href, ...(schema !== '' ? { schema } : {}) }
}

/**
 * Creates (without `init()`) the backend a `postgres://` URL names, `options.options` merged
 * into the factory's options (e.g. `{ poolSize: 4 }`).
 *
 * @example
 * const backend = fromUrl('postgresql://df:secret@db:5432/df?schema=etl')
 */
export function fromUrl(url: string, options: FromUrlOptions = {}): PostgresBackend {
  return createPostgresBackend({ ...parsePostgresUrl(url), ...options.options })
}
