/**
 * Dremio catalog API (reference §9): get by id or path, list children, create spaces, folders and
 * views, update views with optimistic concurrency on `tag`, delete, and an idempotent
 * `ensureFolder`. Not-found is `undefined` (or `false`); `…OrThrow` variants throw.
 */
import { DremioError, DremioHttpError } from './errors.js'
import type { Transport } from './internal/transport.js'
import { parsePath } from './sql.js'
import type { DremioField } from './types.js'

/** A child entry (`CatalogItem`) as listed under a container. */
export interface CatalogItem {
  id: string
  path: string[]
  tag?: string
  type: 'DATASET' | 'CONTAINER' | 'FILE'
  containerType?: 'SPACE' | 'SOURCE' | 'FOLDER' | 'HOME' | 'FUNCTION'
  datasetType?: 'VIRTUAL' | 'PROMOTED' | 'DIRECT'
  createdAt?: string
}

/** A catalog entity; `entityType` discriminates (`space`, `folder`, `dataset`, `source`, …). */
export interface CatalogEntity {
  entityType: string
  id: string
  tag?: string
  /** Spaces, sources and homes have `name`; everything else has `path`. */
  name?: string
  path?: string[]
  /** Datasets: `VIRTUAL_DATASET` (view) or `PHYSICAL_DATASET` (table). */
  type?: string
  sql?: string
  sqlContext?: string[]
  fields?: DremioField[]
  children?: CatalogItem[]
  nextPageToken?: string
  createdAt?: string
  [key: string]: unknown
}

/** Percent-encodes path segments for `/catalog/by-path/…`, one URL segment each. */
export function encodeCatalogPath(path: readonly string[] | string): string {
  const segments = parsePath(path)
  for (const s of segments) {
    // URL normalization would turn these into traversal; Dremio has no such names.
    if (s === '.' || s === '..') {
      throw new DremioError('DF_DREMIO_INVALID_SQL_INPUT', `Path segment "${s}" is not allowed.`)
    }
  }
  return segments.map(encodeURIComponent).join('/')
}

function isNotFound(error: unknown): boolean {
  return error instanceof DremioHttpError && error.status === 404
}

// Software answers a duplicate with 409; Cloud with 400 "An object already exists with that name".
function isAlreadyExists(error: unknown): boolean {
  return (
    error instanceof DremioHttpError &&
    (error.status === 409 || (error.status === 400 && /already exists/i.test(error.message)))
  )
}

/** The catalog API of one client (`client.catalog`). */
export class Catalog {
  readonly #t: Transport

  /** @internal Use `client.catalog`. */
  constructor(transport: Transport) {
    this.#t = transport
  }

  /** Entity by id, or `undefined` when it does not exist. */
  async get(id: string): Promise<CatalogEntity | undefined> {
    return this.getOrThrow(id).catch((e: unknown) =>
      isNotFound(e) ? undefined : Promise.reject(e),
    )
  }

  /** Entity by id. @throws DremioHttpError `DF_DREMIO_NOT_FOUND` */
  async getOrThrow(id: string, query?: { pageToken?: string }): Promise<CatalogEntity> {
    return this.#t.request<CatalogEntity>({
      method: 'GET',
      path: `/catalog/${encodeURIComponent(id)}`,
      ...(query ? { query } : {}),
      retry: 'idempotent',
    })
  }

  /** Entity by path (`['space', 'folder', 'view']` or `'space.folder.view'`), or `undefined`. */
  async getByPath(path: readonly string[] | string): Promise<CatalogEntity | undefined> {
    return this.getByPathOrThrow(path).catch((e: unknown) =>
      isNotFound(e) ? undefined : Promise.reject(e),
    )
  }

  /** Entity by path. @throws DremioHttpError `DF_DREMIO_NOT_FOUND` */
  async getByPathOrThrow(path: readonly string[] | string): Promise<CatalogEntity> {
    return this.#t.request<CatalogEntity>({
      method: 'GET',
      path: `/catalog/by-path/${encodeCatalogPath(path)}`,
      retry: 'idempotent',
    })
  }

  /**
   * Children of a container (all pages), or the top-level containers when `path` is omitted.
   * @throws DremioHttpError `DF_DREMIO_NOT_FOUND` when the container does not exist
   */
  async list(path?: readonly string[] | string): Promise<CatalogItem[]> {
    if (path === undefined) {
      const res = await this.#t.request<{ data: CatalogItem[] }>({
        method: 'GET',
        path: '/catalog',
        retry: 'idempotent',
      })
      return res.data
    }
    let entity = await this.getByPathOrThrow(path)
    const out = [...(entity.children ?? [])]
    while (entity.nextPageToken) {
      entity = await this.getOrThrow(entity.id, { pageToken: entity.nextPageToken })
      out.push(...(entity.children ?? []))
    }
    return out
  }

  /** Creates a space. @throws DremioHttpError `DF_DREMIO_CONFLICT` when it exists */
  async createSpace(name: string): Promise<CatalogEntity> {
    parsePath([name])
    return this.#create({ entityType: 'space', name })
  }

  /** Creates a folder; its parent must exist. @throws DremioHttpError 409 when it exists */
  async createFolder(path: readonly string[] | string): Promise<CatalogEntity> {
    return this.#create({ entityType: 'folder', path: parsePath(path) })
  }

  /** Creates a view at `path` with `sql` (sent as is) and an optional `context`. */
  async createView(
    path: readonly string[] | string,
    sql: string,
    options: { context?: readonly string[] } = {},
  ): Promise<CatalogEntity> {
    return this.#create({
      entityType: 'dataset',
      type: 'VIRTUAL_DATASET',
      path: parsePath(path),
      sql,
      ...(options.context ? { sqlContext: [...options.context] } : {}),
    })
  }

  /**
   * Replaces a view's SQL. `tag` is the version you read; if someone changed the view since,
   * Dremio answers 409 and this throws `DF_DREMIO_CONFLICT`.
   */
  async updateView(
    id: string,
    update: { sql: string; tag: string; context?: readonly string[] },
  ): Promise<CatalogEntity> {
    const current = await this.getOrThrow(id)
    if (current.entityType !== 'dataset' || current.type !== 'VIRTUAL_DATASET') {
      throw new DremioError('DF_DREMIO_INVALID_SQL_INPUT', `Catalog entity ${id} is not a view.`)
    }
    const sqlContext = update.context ? [...update.context] : current.sqlContext
    return this.#t.request<CatalogEntity>({
      method: 'PUT',
      path: `/catalog/${encodeURIComponent(id)}`,
      body: {
        entityType: 'dataset',
        type: 'VIRTUAL_DATASET',
        id,
        path: current.path,
        tag: update.tag,
        sql: update.sql,
        ...(sqlContext ? { sqlContext } : {}),
      },
      retry: 'idempotent',
    })
  }

  /**
   * Deletes an entity (recursively for spaces and folders). Resolves `false` when it did not
   * exist. With `tag`, a changed entity gives `DF_DREMIO_CONFLICT`.
   */
  async delete(id: string, options: { tag?: string } = {}): Promise<boolean> {
    try {
      await this.#t.request<void>({
        method: 'DELETE',
        path: `/catalog/${encodeURIComponent(id)}`,
        ...(options.tag !== undefined ? { query: { tag: options.tag } } : {}),
        retry: 'idempotent',
      })
      return true
    } catch (error) {
      if (isNotFound(error)) return false
      throw error
    }
  }

  /**
   * Makes sure a folder exists, creating the space (Software) or top-level folder (Cloud) and
   * every missing parent. Idempotent; a concurrent creator's 409 counts as success.
   */
  async ensureFolder(path: readonly string[] | string): Promise<CatalogEntity> {
    const segments = parsePath(path)
    let entity: CatalogEntity | undefined
    for (let i = 1; i <= segments.length; i++) {
      const prefix = segments.slice(0, i)
      entity = await this.getByPath(prefix)
      if (entity) continue
      try {
        entity =
          i === 1 && this.#t.config.mode === 'software'
            ? await this.createSpace(prefix[0] as string)
            : await this.createFolder(prefix)
      } catch (error) {
        if (!isAlreadyExists(error)) throw error
        entity = await this.getByPathOrThrow(prefix)
      }
    }
    return entity as CatalogEntity
  }

  async #create(body: Record<string, unknown>): Promise<CatalogEntity> {
    // Not retried on transient errors: a lost answer would turn a success into a 409.
    return this.#t.request<CatalogEntity>({
      method: 'POST',
      path: '/catalog',
      body,
      retry: 'unaccepted',
    })
  }
}
