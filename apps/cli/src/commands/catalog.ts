/**
 * `catalog ls [path]` (top-level containers, or the children of a space/folder/source) and
 * `catalog mkdir <path>` (creates the space or folder and every missing parent; idempotent).
 * Paths use Dremio's dotted form with quotes where needed: `Analytics.staging`,
 * `"my space".sub`. Registration only: the bodies are in `catalog-run.ts`.
 */
import type { Command } from 'commander'
import type { Action } from '../program.js'

/** Registers `catalog ls` and `catalog mkdir`. */
export function registerCatalogCommands(program: Command, action: Action): void {
  const catalog = program.command('catalog').description('browse and create spaces and folders')
  catalog
    .command('ls [path]')
    .description('list the top-level containers, or the children of a path')
    .option('--json', 'print the entries as JSON')
    .action(
      action(async (ctx, path: string | undefined, flags: { json?: boolean }) =>
        (await import('./catalog-run.js')).listCatalog(ctx, path, flags),
      ),
    )
  catalog
    .command('mkdir <path>')
    .description('create a space or folder, and every missing parent (idempotent)')
    .action(
      action(async (ctx, path: string) => (await import('./catalog-run.js')).makeFolder(ctx, path)),
    )
}
