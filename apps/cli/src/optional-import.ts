/**
 * The CLI's optional peers: `@df/backend-postgres`, `@df/backend-mysql`, `@df/emulator` and `@df/ui` are
 * `peerDependenciesMeta.optional`, so `pnpm add @df/cli` installs neither the database drivers
 * nor DuckDB. They are loaded with a dynamic `import()` when a command needs one, and a missing
 * one is a `CliError` `DF_DEPENDENCY_MISSING` that says how to install it.
 */
import { CliError } from './cli-error.js'

/** The packages the CLI loads on demand (backends through `createBackendFromUrl`). */
export type OptionalPeer = '@df/backend-postgres' | '@df/backend-mysql' | '@df/emulator' | '@df/ui'

/** How an optional package is imported; a test passes one that resolves from elsewhere. */
export type ModuleImporter = (specifier: string) => Promise<Record<string, unknown>>

/** Imports from the CLI's own location, where its peers are linked when they are installed. */
export const defaultImporter: ModuleImporter = (specifier) => import(specifier)

/** Node's "not found" codes for the package itself (not for one of its own dependencies). */
export function isModuleMissing(error: unknown, specifier: string): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    String((error as Error).message).includes(specifier)
  )
}

/**
 * Imports optional peer `name`.
 * @example
 * const { createEmulator } = await importOptional<typeof import('@df/emulator')>('@df/emulator')
 * @throws CliError `DF_DEPENDENCY_MISSING`: "Cannot import @df/emulator. Install it with: pnpm
 * add @df/emulator" when it is not installed, or "loading it failed (…)" when it is but does not load.
 */
export async function importOptional<T>(
  name: OptionalPeer,
  importer: ModuleImporter = defaultImporter,
): Promise<T> {
  try {
    return (await importer(name)) as T
  } catch (cause) {
    throw new CliError(
      'DF_DEPENDENCY_MISSING',
      isModuleMissing(cause, name)
        ? `Cannot import ${name}. Install it with: pnpm add ${name}`
        : `Cannot import ${name}: loading it failed (${cause instanceof Error ? cause.message : String(cause)}). Reinstall it with: pnpm add ${name}`,
      { cause },
    )
  }
}
