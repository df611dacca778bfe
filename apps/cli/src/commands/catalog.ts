/**
 * `catalog ls [path]` (top-level containers, or the children of a space/folder/source) and
 * `catalog mkdir <path>` (creates the space or folder and every missing parent; idempotent).
 * Paths use Dremio's dotted form with quotes where needed: `Analytics.staging`,
 * `"my space".sub`.
 */

import type { CatalogItem } from '@df/client'
import { DremioError } from '@df/client'
import type { Command } from 'commander'
import { CliError } from '../cli-error.js'
import { renderTable } from '../format.js'
import type { Action } from '../program.js'

/** Registers `catalog ls` and `catalog mkdir`. */
export function registerCatalogCommands(program: Command, action: Action): void {
  const catalog = program.command('catalog').description('browse and create spaces and folders')
  catalog
    .command('ls [path]')
    .description('list the top-level containers, or the children of a path')
    .option('--json', 'print the entries as JSON')
    .action(
      action(async (ctx, path: string | undefined, flags: { json?: boolean }) => {
        const client = ctx.client()
        let items: CatalogItem[]
        try {
          items = await client.catalog.list(path)
        } catch (error) {
          if (DremioError.is(error) && error.code === 'DF_DREMIO_NOT_FOUND') {
            throw new CliError('DF_CLI_NOT_FOUND', `No catalog entry at ${path}.`, { cause: error })
          }
          throw error
        }
        if (flags.json) {
          ctx.io.stdout.write(`${JSON.stringify(items, null, 2)}\n`)
          return 0
        }
        if (items.length === 0) {
          ctx.io.stdout.write(`${path ?? 'The catalog'} is empty.\n`)
          return 0
        }
        const rows = items.map((i) => [
          i.path
            .map((s) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? s : `"${s.replaceAll('"', '""')}"`))
            .join('.'),
          kind(i),
          i.id,
        ])
        ctx.io.stdout.write(`${renderTable(['PATH', 'TYPE', 'ID'], rows)}\n`)
        return 0
      }),
    )
  catalog
    .command('mkdir <path>')
    .description('create a space or folder, and every missing parent (idempotent)')
    .action(
      action(async (ctx, path: string) => {
        const entity = await ctx.client().catalog.ensureFolder(path)
        ctx.io.stdout.write(`${path} (${entity.entityType}, id ${entity.id})\n`)
        return 0
      }),
    )
}

function kind(item: CatalogItem): string {
  if (item.type === 'CONTAINER') return item.containerType ?? 'CONTAINER'
  if (item.type === 'DATASET') return item.datasetType === 'VIRTUAL' ? 'VIEW' : 'TABLE'
  return item.type
}
