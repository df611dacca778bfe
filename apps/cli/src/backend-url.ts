/**
 * `--backend-url`: which store runs are recorded in. The URL forms, the redaction and the
 * on-demand loading of the backend packages are `@df/orchestration`'s `createBackendFromUrl`
 * and each backend package's `fromUrl` (one implementation for the CLI, the UI and scripts); the
 * CLI adds two things:
 * - a bare path means a SQLite file (`--backend-url runs.db`);
 * - its errors are `CliError`s, so they map to exit codes like every other CLI error.
 *
 * The default is `@df/backend-sqlite`'s `DEFAULT_SQLITE_PATH`, the file a script's
 * `createSqliteBackend()` writes, so `pipeline list` shows its runs.
 */
import { resolve } from 'node:path'
import {
  type Backend,
  createBackendFromUrl as createFromUrl,
  OrchestrationError,
  redactBackendUrl,
} from '@df/orchestration'
import { CliError } from './cli-error.js'
import { defaultImporter, type ModuleImporter } from './optional-import.js'

export type { ModuleImporter } from './optional-import.js'

/** The SQLite file used when no `--backend-url` is given (same as `DEFAULT_SQLITE_PATH`). */
export const DEFAULT_BACKEND_URL = 'sqlite:///dremioframe.db'

/** A bare path (no scheme) is a SQLite file relative to `cwd`. */
function normalize(url: string, cwd: string): string {
  if (url.trim() === '' || url.includes('://') || /^sqlite:/i.test(url)) return url
  return `sqlite:///${resolve(cwd, url)}`
}

/** The same error as a `CliError` (exit codes), with the orchestration prefix dropped. */
function toCliError(error: unknown): unknown {
  if (!OrchestrationError.is(error)) return error
  const message = error.message.replace(/^\[@df\/(orchestration|backend-[a-z]+)\] /, '')
  if (error.code === 'DF_OPTION_INVALID') {
    return new CliError('DF_CLI_BACKEND_URL_INVALID', message, { cause: error })
  }
  if (error.code === 'DF_DEPENDENCY_MISSING') {
    return new CliError('DF_DEPENDENCY_MISSING', message, { cause: error })
  }
  return error
}

/** The URL with its password replaced by `***`, for messages and `--verbose`. */
export function redactUrl(url: string): string {
  return redactBackendUrl(url)
}

/**
 * Creates (but does not `init`) the backend for `url`.
 * @throws CliError `DF_CLI_BACKEND_URL_INVALID` for a bad URL, `DF_DEPENDENCY_MISSING` when the
 * backend package cannot be imported.
 */
export async function createBackendFromUrl(
  url: string,
  importer: ModuleImporter = defaultImporter,
): Promise<Backend> {
  try {
    return await createFromUrl(normalize(url, process.cwd()), { importer })
  } catch (error) {
    throw toCliError(error)
  }
}
