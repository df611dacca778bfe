/**
 * What every command gets: the output streams, the environment, and helpers that open the
 * Dremio client and the backend from the global flags, report `--verbose` lines (never a secret)
 * and close what they opened.
 */
import type { Backend } from '@df/orchestration'
import { createBackendFromUrl, DEFAULT_BACKEND_URL, redactUrl } from './backend-url.js'
import { type ConnectionFlags, resolveConnection, TrackingDremioClient } from './dremio-config.js'

/** Streams and environment of one CLI invocation (the process's, or a test's). */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number }
  readonly stderr: NodeJS.WritableStream
  readonly env: Record<string, string | undefined>
}

/** Flags every command accepts. */
export interface GlobalFlags extends ConnectionFlags {
  readonly verbose?: boolean
}

/** Per-invocation helpers. */
export class CliContext {
  readonly io: CliIo
  readonly flags: GlobalFlags
  readonly #closers: (() => Promise<unknown>)[] = []
  #client: TrackingDremioClient | undefined

  constructor(io: CliIo, flags: GlobalFlags) {
    this.io = io
    this.flags = flags
  }

  /** Writes a `--verbose` line to stderr. Callers pass only secret-free text. */
  verbose(message: string): void {
    if (this.flags.verbose) this.io.stderr.write(`[dremio-cli] ${message}\n`)
  }

  /**
   * The Dremio client (built on the first call, no network I/O yet; the same one afterwards).
   * @throws CliError / DremioConfigError
   */
  client(): TrackingDremioClient {
    if (this.#client) return this.#client
    const { options, describe } = resolveConnection(this.flags, this.io.env)
    this.verbose(`Dremio: ${describe}`)
    const client = new TrackingDremioClient({
      ...options,
      ...(this.flags.verbose
        ? {
            logger: {
              debug: (m: string) => this.verbose(m),
              warn: (m: string) => this.verbose(`warning: ${m}`),
            },
          }
        : {}),
    })
    this.#closers.push(() => client.close())
    this.#client = client
    return client
  }

  /** Creates and initialises the backend of `url` (default: the SQLite default file). */
  async backend(url: string | undefined): Promise<Backend> {
    const chosen = url ?? this.io.env.DF_BACKEND_URL ?? DEFAULT_BACKEND_URL
    this.verbose(`backend: ${redactUrl(chosen)}`)
    const backend = await createBackendFromUrl(chosen)
    this.#closers.push(() => backend.close())
    await backend.init()
    return backend
  }

  /** The `--backend-url` flag to repeat in hints, or '' for the default. */
  backendFlag(url: string | undefined): string {
    return url === undefined ? '' : ` --backend-url '${redactUrl(url)}'`
  }

  /** Runs `undo` when the command ends (before the client and backend are closed). */
  onClose(undo: () => void): void {
    this.#closers.push(async () => undo())
  }

  /** Closes everything opened, newest first; errors while closing are ignored. */
  async close(): Promise<void> {
    for (const close of this.#closers.splice(0).reverse()) await close().catch(() => undefined)
  }
}
