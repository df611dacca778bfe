/**
 * The bodies of `catalog ls [path]` and `catalog mkdir <path>` (see `catalog.ts`).
 */
import { type CatalogItem, DremioError } from '@df/client'
import { CliError } from '../cli-error.js'
import type { CliContext } from '../context.js'
import { renderTable } from '../format.js'

/** `catalog ls [path]`. */
export async function listCatalog(
  ctx: CliContext,
  path: string | undefined,
  flags: { json?: boolean },
): Promise<number> {
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
}

/** `catalog mkdir <path>`. */
export async function makeFolder(ctx: CliContext, path: string): Promise<number> {
  const entity = await ctx.client().catalog.ensureFolder(path)
  ctx.io.stdout.write(`${path} (${entity.entityType}, id ${entity.id})\n`)
  return 0
}

function kind(item: CatalogItem): string {
  if (item.type === 'CONTAINER') return item.containerType ?? 'CONTAINER'
  if (item.type === 'DATASET') return item.datasetType === 'VIRTUAL' ? 'VIEW' : 'TABLE'
  return item.type
}
