/**
 * The CLI's own error: bad input the user can fix (a missing file, a module without pipelines, a
 * backend URL it cannot read, a backend package that is not installed). Same protocol as the
 * other `@df` errors: a `DF_*` code, a `cause`, a brand-checked `is()`, a message that starts
 * with `[@df/cli]` and never holds a secret.
 */
import { brandError, isBranded } from '@df/client'

/** Every code a {@link CliError} can carry. */
export type CliErrorCode =
  /** A command-line argument or option is invalid (exit code 2). */
  | 'DF_CLI_USAGE'
  /** A file (pipeline module, SQL file, DQ directory, profiles file) is missing or unreadable. */
  | 'DF_CLI_FILE_NOT_FOUND'
  /** A file is there but unusable as given (a SQL file that is not UTF-8). */
  | 'DF_CLI_FILE_INVALID'
  /** A JSON/JSONL result has more rows than `--max-rows` (refused, not truncated). */
  | 'DF_CLI_RESULT_TOO_LARGE'
  /** A pipeline module failed to load or exports no pipeline. */
  | 'DF_CLI_MODULE_INVALID'
  /** The module has several pipelines and `--pipeline` was not given, or names none of them. */
  | 'DF_CLI_PIPELINE_NOT_FOUND'
  /** A `--backend-url` has an unknown scheme or cannot be parsed. */
  | 'DF_CLI_BACKEND_URL_INVALID'
  /** An optional package (a backend) is not installed; the message says how to install it. */
  | 'DF_DEPENDENCY_MISSING'
  /** The profiles file or the Dremio settings are inconsistent. */
  | 'DF_CLI_CONFIG_INVALID'
  /** A run is still RUNNING or QUEUED (live, or its process died: `pipeline recover`). */
  | 'DF_CLI_RUN_ACTIVE'
  /** A run, a task or a catalog entry does not exist. */
  | 'DF_CLI_NOT_FOUND'

/** An error the CLI reports in one line (exit code 1, or 2 for `DF_CLI_USAGE`). */
export class CliError extends Error {
  override readonly name: string = 'CliError'
  readonly code: CliErrorCode

  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message.startsWith('[@df/') ? message : `[@df/cli] ${message}`, options)
    this.code = code
  }

  /** Brand check that works across duplicate copies of this package. */
  static is(value: unknown): value is CliError {
    return isBranded(value, 'cli')
  }
}
brandError(CliError, 'cli')
