/**
 * Opening a MySQL/MariaDB backend from a URL (`createBackendFromUrl`, `dremio-cli
 * --backend-url`): `mysql://user:password@host:3306/database` (or `mariadb://`); the path is the
 * database.
 */
import type { FromUrlOptions } from '@df/orchestration'
import { parseServerUrl } from '@df/orchestration/backend-kit'
import { createMysqlBackend, type MysqlBackend } from './mysql-backend.js'
import type { MysqlBackendOptions } from './mysql-backend-options.js'

/** The URL schemes this package opens. */
export const URL_SCHEMES: readonly string[] = Object.freeze(['mysql', 'mariadb'])

/**
 * The factory options a URL stands for (they hold the password: never print them).
 * @throws OrchestrationError `DF_OPTION_INVALID` for a URL that is not `mysql://host/…`.
 */
export function parseMysqlUrl(url: string): MysqlBackendOptions {
  parseServerUrl(url, URL_SCHEMES, '@df/backend-mysql')
  return { uri: url }
}

/**
 * Creates (without `init()`) the backend a `mysql://` URL names, `options.options` merged into
 * the factory's options (e.g. `{ poolSize: 4 }`).
 *
 * @example
 * const backend = fromUrl('mysql://df:secret@db:3306/dremioframe')
 */
export function fromUrl(url: string, options: FromUrlOptions = {}): MysqlBackend {
  return createMysqlBackend({ ...parseMysqlUrl(url), ...options.options })
}
