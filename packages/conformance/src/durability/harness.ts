/**
 * The harness of the durability suites (crash recovery, contention) and the parent-side helpers
 * that start their child processes. A child opens the same store as the parent from a backend URL
 * through the backend's module (`fromUrl`), so one fixture serves every backend, a third-party
 * one included.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { join } from 'node:path'
import type { Backend } from '@df/orchestration'

/** How a backend package plugs its store into the durability suites. */
export interface DurabilityHarness {
  /** Shown in test names: `SQLite file`, `PostgreSQL schema`, `MariaDB database`. */
  readonly label: string
  /** True when the service is missing outside CI (`requireService` returned undefined). */
  readonly skip?: boolean
  /**
   * The backend package's directory. Children run there, so the backend package (which
   * `createBackendFromUrl` imports by name) and, from source, `tsx` resolve from it.
   */
  readonly packageDir: string
  /**
   * The module children open the store with: a package name or an absolute path / file URL of a
   * module exporting `fromUrl(url, { options })` (`BackendUrlModule`). Without it, children use
   * `createBackendFromUrl` with the bundled schemes (resolved from `packageDir`).
   */
  readonly backendModule?: string
  /** Creates a fresh, empty namespace (file, schema, database) and returns its backend URL. */
  newStore(name: string): Promise<string>
  /**
   * Opens (without `init()`) a backend of the parent on a URL from `newStore`, `options` merged
   * into the factory's (e.g. `{ poolSize: 3 }`; a backend without pools ignores it).
   */
  open(url: string, options?: Readonly<Record<string, unknown>>): Promise<Backend>
  /** Factory options every child merges into the URL's (e.g. `{ poolSize: 4 }`). */
  readonly childOptions?: Readonly<Record<string, unknown>>
  /**
   * Holds the row lock of run `runId` in the store at `url` from another connection until the
   * returned function is called (`describeStoredShapes`' abort check; skipped without it).
   */
  lockRunRow?(url: string, runId: string): Promise<() => Promise<void>>
  /** Drops what `newStore` made. Runs once after the suite. */
  cleanup?(): Promise<void>
}

/** Env vars a child reads its store from (env, not argv: the URL may hold a password). */
export const STORE_URL_ENV = 'DF_DURABILITY_BACKEND_URL'
export const STORE_OPTIONS_ENV = 'DF_DURABILITY_BACKEND_OPTIONS'
export const STORE_MODULE_ENV = 'DF_DURABILITY_BACKEND_MODULE'

/** True in the TypeScript source (the workspace); false in the published, built `dist/`. */
const FROM_SOURCE = import.meta.url.endsWith('.ts')

/**
 * Forks one of `./fixtures/*` on the harness's store, with IPC for its reports: the `.ts` file
 * through tsx from source, the built `.js` file with plain `node` from `dist/`.
 */
export function forkFixture(
  harness: DurabilityHarness,
  url: string,
  fixture: 'crash-pipeline' | 'contention-worker' | 'schedule-worker',
  args: string[],
): ChildProcess {
  const file = join(import.meta.dirname, 'fixtures', `${fixture}${FROM_SOURCE ? '.ts' : '.js'}`)
  return fork(file, args, {
    execArgv: FROM_SOURCE ? ['--conditions=@df/source', '--import', 'tsx'] : [],
    cwd: harness.packageDir,
    env: {
      ...process.env,
      [STORE_URL_ENV]: url,
      [STORE_OPTIONS_ENV]: JSON.stringify(harness.childOptions ?? {}),
      ...(harness.backendModule !== undefined ? { [STORE_MODULE_ENV]: harness.backendModule } : {}),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
}

/** Resolves with the exit code once `child` has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)))
}
