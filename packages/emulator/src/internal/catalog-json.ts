/**
 * Catalog entity JSON (reference §9.2): full entities with `entityType`, and the CatalogItem
 * shape used for list entries and children. Null fields are left out.
 */
import type { Catalog, CatalogEntry } from './catalog.js'
import type { DremioField } from './encode.js'

/** Full entity JSON; containers carry their children unless `maxChildren=0`/`exclude=children`. */
export async function entityJson(
  catalog: Catalog,
  describe: (entry: CatalogEntry) => Promise<DremioField[]>,
  entry: CatalogEntry,
  params?: URLSearchParams,
): Promise<Record<string, unknown>> {
  const noChildren =
    params?.get('maxChildren') === '0' || params?.getAll('exclude').includes('children')
  const children = noChildren ? undefined : catalog.children(entry.path).map((e) => item(e))
  switch (entry.kind) {
    case 'space':
      return {
        entityType: 'space',
        id: entry.id,
        name: entry.path[0],
        tag: entry.tag,
        createdAt: entry.createdAt,
        children,
      }
    case 'folder':
      return { entityType: 'folder', id: entry.id, path: entry.path, tag: entry.tag, children }
    case 'source':
      return {
        entityType: 'source',
        id: entry.id,
        tag: entry.tag,
        type: 'NAS',
        name: entry.path[0],
        createdAt: entry.createdAt,
        config: { path: entry.dir },
        state: { status: 'good', messages: [] },
        children,
      }
    default: {
      const fields = await describe(entry)
      const view = entry.kind === 'view'
      return {
        entityType: 'dataset',
        id: entry.id,
        type: view ? 'VIRTUAL_DATASET' : 'PHYSICAL_DATASET',
        path: entry.path,
        createdAt: entry.createdAt,
        tag: entry.tag,
        ...(view
          ? { sql: entry.sql, sqlContext: entry.sqlContext }
          : { format: entry.format ?? { type: 'Iceberg' } }),
        fields,
      }
    }
  }
}

/** CatalogItem JSON: the shape of list entries and children. */
export function item(entry: CatalogEntry): Record<string, unknown> {
  const base = { id: entry.id, path: entry.path, tag: entry.tag }
  switch (entry.kind) {
    case 'space':
    case 'source':
      return {
        ...base,
        type: 'CONTAINER',
        containerType: entry.kind.toUpperCase(),
        createdAt: entry.createdAt,
      }
    case 'folder':
      return { ...base, type: 'CONTAINER', containerType: 'FOLDER' }
    default:
      return {
        ...base,
        type: 'DATASET',
        datasetType: entry.kind === 'view' ? 'VIRTUAL' : 'PROMOTED',
        createdAt: entry.createdAt,
      }
  }
}
