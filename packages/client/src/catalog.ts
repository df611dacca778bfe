/**
 * Dremio catalog API (reference §9): get by id or path, list children, create spaces, folders and
 * views, update views with optimistic concurrency on `tag`, delete, an idempotent
 * `ensureFolder`, collaboration tags and wiki (optimistic concurrency on `version`), search, and
 * promotion of source files and folders. Not-found is `undefined` (or `false`); `…OrThrow`
 * variants throw.
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

/** Collaboration tags of a dataset; `version` is what a later `setTags` must send back. */
export interface CatalogTags {
  tags: string[]
  version: string
}

/** The wiki (Markdown) of an entity; `version` is what a later `setWiki` must send back. */
export interface CatalogWiki {
  text: string
  version: number
}

/**
 * How Dremio reads a promoted file or folder: `type` is `'Parquet'`, `'Text'` (CSV, with e.g.
 * `fieldDelimiter`, `extractHeader`), `'JSON'`, `'Excel'`, `'Iceberg'`, `'Delta'`…; other keys
 * are passed through as Dremio documents them.
 */
export interface DatasetFormat {
  type: string
  [option: string]: unknown
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

  /**
   * Tags of a dataset (`GET /catalog/{id}/collaboration/tag`), or `undefined` when it has none
   * (or the id is unknown: Dremio answers 404 for both).
   */
  async getTags(id: string): Promise<CatalogTags | undefined> {
    return this.#collaboration<CatalogTags>(id, 'tag')
  }

  /**
   * Replaces a dataset's tags. Once it has tags, pass the `version` you read: if someone changed
   * them since (or `version` is missing), Dremio answers 409 and this throws
   * `DF_DREMIO_CONFLICT`. Only datasets take tags (else `DF_DREMIO_BAD_REQUEST`).
   */
  async setTags(
    id: string,
    tags: readonly string[],
    options: { version?: string } = {},
  ): Promise<CatalogTags> {
    return this.#collaborate<CatalogTags>(id, 'tag', {
      tags: [...tags],
      ...(options.version !== undefined ? { version: options.version } : {}),
    })
  }

  /** The wiki of an entity (`GET /catalog/{id}/collaboration/wiki`), or `undefined` when unset. */
  async getWiki(id: string): Promise<CatalogWiki | undefined> {
    return this.#collaboration<CatalogWiki>(id, 'wiki')
  }

  /**
   * Replaces the wiki of a space, source, folder or dataset. Once one exists, pass the `version`
   * you read (a stale or missing one throws `DF_DREMIO_CONFLICT`).
   */
  async setWiki(
    id: string,
    text: string,
    options: { version?: number } = {},
  ): Promise<CatalogWiki> {
    return this.#collaborate<CatalogWiki>(id, 'wiki', {
      text,
      ...(options.version !== undefined ? { version: options.version } : {}),
    })
  }

  /** Catalog search (`GET /catalog/search?query=`): matching datasets and containers. */
  async search(query: string): Promise<CatalogItem[]> {
    const res = await this.#t.request<{ data?: CatalogItem[] }>({
      method: 'GET',
      path: '/catalog/search',
      query: { query },
      retry: 'idempotent',
    })
    return res?.data ?? []
  }

  /**
   * Promotes a file or folder of a filesystem or object-store source to a table
   * (`POST /catalog/{id}` with a PHYSICAL_DATASET body and `format`). `target` is its path
   * (`['lake', 'orders.csv']`) or its id (unpromoted files have text ids such as
   * `dremio:/lake/orders.csv`). Resolves with the new dataset.
   * @throws DremioHttpError `DF_DREMIO_NOT_FOUND` (no such file), `DF_DREMIO_CONFLICT` (already
   *   promoted), `DF_DREMIO_BAD_REQUEST` (not a file or folder, bad format)
   */
  async promote(target: string | readonly string[], format: DatasetFormat): Promise<CatalogEntity> {
    if (typeof format?.type !== 'string' || format.type === '') {
      throw new DremioError('DF_DREMIO_INVALID_SQL_INPUT', 'promote() needs a format with a type.')
    }
    const entity =
      typeof target === 'string'
        ? await this.getOrThrow(target)
        : await this.getByPathOrThrow(target)
    return this.#t.request<CatalogEntity>({
      method: 'POST',
      path: `/catalog/${encodeURIComponent(entity.id)}`,
      body: {
        entityType: 'dataset',
        id: entity.id,
        path: entity.path,
        type: 'PHYSICAL_DATASET',
        format: { ...format },
      },
      retry: 'unaccepted',
    })
  }

  async #collaboration<T>(id: string, what: 'tag' | 'wiki'): Promise<T | undefined> {
    return this.#t
      .request<T>({
        method: 'GET',
        path: `/catalog/${encodeURIComponent(id)}/collaboration/${what}`,
        retry: 'idempotent',
      })
      .catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)))
  }

  async #collaborate<T>(id: string, what: 'tag' | 'wiki', body: unknown): Promise<T> {
    // A lost answer retried would be a stale version: retried only when provably not accepted.
    return this.#t.request<T>({
      method: 'POST',
      path: `/catalog/${encodeURIComponent(id)}/collaboration/${what}`,
      body,
      retry: 'unaccepted',
    })
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
