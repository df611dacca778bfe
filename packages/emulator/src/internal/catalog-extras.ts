/**
 * Catalog endpoints beyond create/read/update/delete (reference §9.1): collaboration tags and
 * wiki (`/catalog/{id}/collaboration/tag|wiki`), search (`GET /catalog/search?query=`), the
 * unpromoted files and folders of a filesystem source (text ids such as
 * `dremio:/lake/orders.csv`), and their promotion to a table (`POST /catalog/{id}` with a
 * PHYSICAL_DATASET body and a `format`).
 *
 * Behaviour follows Dremio's CollaborationResource/CollaborationHelper and
 * CatalogResource.promoteToDataset: GET of unset tags or wiki is 404 ("Entity [id] does not have
 * any tags set." / "… a wiki set."); tags only on datasets (400 otherwise); each write must carry
 * the current `version` once one exists (else 409); tag versions are opaque strings, wiki
 * versions count 0, 1, 2, …; tags and wiki do not change the entity's own `tag`.
 */
import { randomUUID } from 'node:crypto'
import type { Catalog, CatalogEntry } from './catalog.js'
import { item } from './catalog-json.js'
import { HttpError } from './http.js'
import { type Sources, sourceListing, sourcePathKind, textId, textIdPath } from './sources.js'

/** Longest tag and wiki Dremio stores. */
const MAX_TAG_LENGTH = 128
const MAX_WIKI_LENGTH = 100_000
/** Formats the emulator can read a promoted file or folder with (Dremio's `format.type`). */
const FORMATS = new Set(['Text', 'JSON', 'Parquet'])

/** `GET` or `POST /catalog/{id}/collaboration/{tag|wiki}`. */
export function collaboration(
  catalog: Catalog,
  id: string,
  what: 'tag' | 'wiki',
  method: string,
  body: unknown,
): unknown {
  const entry = catalog.getById(id)
  if (entry === undefined) throw new HttpError(404, `Could not find entity with id [${id}]`)
  if (method === 'GET') {
    const value = what === 'tag' ? entry.tags : entry.wiki
    if (value === undefined) {
      throw new HttpError(
        404,
        what === 'tag'
          ? `Entity [${id}] does not have any tags set.`
          : `Entity [${id}] does not have a wiki set.`,
      )
    }
    return value
  }
  const input = (body ?? {}) as { tags?: unknown; text?: unknown; version?: unknown }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'Invalid value.')
  }
  if (what === 'tag') {
    if (entry.kind !== 'table' && entry.kind !== 'view' && entry.kind !== 'promoted') {
      throw new HttpError(
        400,
        `Tags can only be set on datasets but found [${entry.kind.toUpperCase()}].`,
      )
    }
    const tags = input.tags
    if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string' && t.trim() !== '')) {
      throw new HttpError(400, 'Invalid value found at: tags')
    }
    const long = tags.find((t) => t.length > MAX_TAG_LENGTH)
    if (long !== undefined) {
      throw new HttpError(400, `Tag [${long}] is longer than ${MAX_TAG_LENGTH} characters.`)
    }
    checkVersion(entry.tags?.version, input.version)
    const value = { tags: [...new Set(tags as string[])], version: randomUUID() }
    catalog.annotate(entry, { tags: value })
    return value
  }
  if (typeof input.text !== 'string') throw new HttpError(400, 'Invalid value found at: text')
  if (input.text.length > MAX_WIKI_LENGTH) {
    throw new HttpError(400, `Wiki text is longer than ${MAX_WIKI_LENGTH} characters.`)
  }
  checkVersion(entry.wiki?.version, input.version)
  const value = { text: input.text, version: entry.wiki === undefined ? 0 : entry.wiki.version + 1 }
  catalog.annotate(entry, { wiki: value })
  return value
}

/** A write must name the version it read once one exists, and none before. */
function checkVersion(current: string | number | undefined, given: unknown): void {
  const absent = given === undefined || given === null
  if (current === undefined ? absent : given === current) return
  throw new HttpError(
    409,
    `tried to update version ${absent ? 'null' : String(given)}, found previous version ${current ?? 'null'}`,
  )
}

/** `GET /catalog/search?query=`: entries whose name contains the query, or with that tag. */
export function search(catalog: Catalog, query: string | null): { data: unknown[] } {
  const q = (query ?? '').trim().toLowerCase()
  if (q === '') return { data: [] }
  const data = catalog
    .all()
    .filter(
      (e) =>
        (e.path.at(-1) ?? '').toLowerCase().includes(q) ||
        (e.tags?.tags ?? []).some((t) => t.toLowerCase() === q),
    )
    .map((e) => item(e))
  return { data }
}

/** The entity of an unpromoted file or folder inside a source, or undefined. */
export function sourceEntity(
  sources: Sources,
  path: readonly string[],
): Record<string, unknown> | undefined {
  const kind = sourcePathKind(sources, path)
  if (kind === undefined) return undefined
  const id = textId(path)
  if (kind === 'file') return { entityType: 'file', id, path: [...path] }
  const children = sourceListing(sources, path).map(({ name, dir }) => {
    const child = [...path, name]
    return dir
      ? { id: textId(child), path: child, type: 'CONTAINER', containerType: 'FOLDER' }
      : { id: textId(child), path: child, type: 'FILE' }
  })
  return { entityType: 'folder', id, path: [...path], children }
}

/** The path a text id names, when it is an existing file or folder of a source. */
export function sourcePathOfId(sources: Sources, id: string): string[] | undefined {
  const path = textIdPath(id)
  return path !== undefined && sourcePathKind(sources, path) !== undefined ? path : undefined
}

/** `POST /catalog/{id}`: promotes a source file or folder; returns the new catalog entry. */
export function promote(
  catalog: Catalog,
  sources: Sources,
  id: string,
  body: unknown,
): CatalogEntry {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'Invalid value.')
  }
  const dataset = body as Record<string, unknown>
  if (dataset.id !== undefined && dataset.id !== id) throw new HttpError(400, 'Ids must match.')
  const existing = catalog.getById(id)
  if (existing !== undefined) {
    if (existing.kind === 'promoted' || existing.kind === 'table') {
      throw new HttpError(409, `Dataset [${existing.path.join('.')}] is already promoted.`)
    }
    throw new HttpError(
      400,
      `Only a file or folder of a filesystem source can be promoted, not a [${existing.kind.toUpperCase()}].`,
    )
  }
  const path = textIdPath(id)
  if (path === undefined || sourcePathKind(sources, path) === undefined) {
    throw new HttpError(404, `Could not find entity with id [${id}]`)
  }
  if (catalog.get(path) !== undefined) {
    throw new HttpError(409, `Dataset [${path.join('.')}] is already promoted.`)
  }
  if (dataset.type !== 'PHYSICAL_DATASET') {
    throw new HttpError(400, 'Promoting a file or folder needs type PHYSICAL_DATASET.')
  }
  const format = dataset.format as Record<string, unknown> | undefined
  if (typeof format !== 'object' || format === null || typeof format.type !== 'string') {
    throw new HttpError(400, 'Promoting a file or folder needs a format (e.g. {"type":"Parquet"}).')
  }
  if (!FORMATS.has(format.type)) {
    throw new HttpError(
      400,
      `[@df/emulator] format type ${format.type} is not supported by the emulator (Text, JSON, Parquet).`,
    )
  }
  return catalog.create('promoted', path, { format: { ...format } })
}
