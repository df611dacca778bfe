/**
 * The Catalog REST API (reference §9): list the root, get by id or by path, create spaces,
 * folders, views and NAS sources, update views with optimistic `tag` checks, delete. Entity JSON
 * follows §9.2 (`entityType` discriminator, CatalogItem children, null fields omitted).
 */
import type { Catalog, CatalogEntry } from './catalog.js'
import { collaboration, promote, search, sourceEntity, sourcePathOfId } from './catalog-extras.js'
import { entityJson, item } from './catalog-json.js'
import type { DremioField } from './encode.js'
import {
  HttpError,
  methodNotAllowed,
  readJson,
  routeNotFound,
  sendEmpty,
  sendJson,
} from './http.js'
import type { RouteRequest } from './router.js'
import type { Sources } from './sources.js'
import { SqlError } from './sql-translate.js'

/** What the catalog API needs from the emulator beyond the registry. */
export interface CatalogCore {
  catalog: Catalog
  /** Filesystem sources: their unpromoted files and folders, and promotion. */
  sources: Sources
  /** Column descriptions of a table or view. */
  describe(entry: CatalogEntry): Promise<DremioField[]>
  /** Creates or replaces a view (Dremio SQL, resolved against `context`). */
  defineView(
    path: string[],
    sql: string,
    context: string[] | undefined,
    replace: boolean,
  ): Promise<void>
  /** Drops the DuckDB objects of removed tables and views. */
  dropObjects(entries: readonly CatalogEntry[]): Promise<void>
}

export class CatalogApi {
  private readonly core: CatalogCore

  constructor(core: CatalogCore) {
    this.core = core
  }

  async handle(route: RouteRequest): Promise<void> {
    const { method, segments, res } = route
    const [, second, ...more] = segments
    if (second === undefined) {
      if (method === 'GET') {
        route.req.resume()
        const data = this.core.catalog.children([]).map((e) => item(e))
        return sendJson(res, 200, { data })
      }
      if (method === 'POST') return sendJson(res, 200, await this.create(route))
      throw methodNotAllowed()
    }
    if ((second === 'by-ids' || second === 'by-paths') && more.length === 0) {
      if (method !== 'POST') throw methodNotAllowed()
      return sendJson(res, 200, await this.batch(route, second))
    }
    if (second === 'search' && more.length === 0) {
      route.req.resume()
      if (method !== 'GET') throw methodNotAllowed()
      return sendJson(res, 200, search(this.core.catalog, route.params.get('query')))
    }
    if (second === 'by-path') {
      route.req.resume()
      if (method !== 'GET') throw methodNotAllowed()
      const entry = this.core.catalog.get(more)
      if (entry === undefined) {
        const unpromoted = sourceEntity(this.core.sources, more)
        if (unpromoted !== undefined) return sendJson(res, 200, unpromoted)
        throw new HttpError(404, `Could not find entity with path [[${more.join(', ')}]]`)
      }
      return sendJson(res, 200, await this.entity(entry, route.params))
    }
    if (
      more.length === 2 &&
      more[0] === 'collaboration' &&
      (more[1] === 'tag' || more[1] === 'wiki')
    ) {
      if (method !== 'GET' && method !== 'POST') throw methodNotAllowed()
      const body = method === 'POST' ? await readJson(route.req) : route.req.resume()
      return sendJson(res, 200, collaboration(this.core.catalog, second, more[1], method, body))
    }
    const entry = this.core.catalog.getById(second)
    if (more.length === 1 && more[0] === 'refresh' && method === 'POST') {
      route.req.resume()
      if (entry === undefined) throw idNotFound(second)
      return sendEmpty(res, 204)
    }
    if (more.length > 0) throw routeNotFound()
    if (method === 'GET') {
      route.req.resume()
      if (entry === undefined) {
        const path = sourcePathOfId(this.core.sources, second)
        const unpromoted =
          path && this.core.catalog.get(path) === undefined
            ? sourceEntity(this.core.sources, path)
            : undefined
        if (unpromoted !== undefined) return sendJson(res, 200, unpromoted)
        throw idNotFound(second)
      }
      return sendJson(res, 200, await this.entity(entry, route.params))
    }
    if (method === 'POST') {
      const promoted = promote(
        this.core.catalog,
        this.core.sources,
        second,
        await readJson(route.req),
      )
      return sendJson(res, 200, await this.entity(promoted))
    }
    if (method === 'PUT') return sendJson(res, 200, await this.update(second, entry, route))
    if (method === 'DELETE') {
      route.req.resume()
      if (entry === undefined)
        throw new HttpError(404, `Could not find entity with id [${second}].`)
      const tag = route.params.get('tag')
      if (tag !== null && tag !== entry.tag) {
        throw new HttpError(409, `Cannot delete, expected tag ${tag} but found tag ${entry.tag}`)
      }
      if (entry.kind === 'table') throw new HttpError(400, 'A physical dataset can not be deleted.')
      // A promoted file or folder: only the promotion goes, the data stays (reference §9.4).
      const removed = this.core.catalog.remove(entry)
      await this.core.dropObjects(removed)
      return sendEmpty(res, 204)
    }
    throw methodNotAllowed()
  }

  private entity(entry: CatalogEntry, params?: URLSearchParams): Promise<Record<string, unknown>> {
    return entityJson(this.core.catalog, (e) => this.core.describe(e), entry, params)
  }

  /** `POST /catalog/by-ids` and `/by-paths`: up to 50 lookups, misses reported in `errors`. */
  private async batch(route: RouteRequest, kind: 'by-ids' | 'by-paths'): Promise<unknown> {
    const maxChildren = Number(route.params.get('maxChildren'))
    if (!Number.isInteger(maxChildren) || maxChildren < 1 || maxChildren > 20) {
      throw new HttpError(400, 'maxChildren must be between 1 and 20.')
    }
    const body = await readJson(route.req)
    if (!Array.isArray(body) || body.length > 50)
      throw new HttpError(400, 'Expected an array of at most 50 entries.')
    const data: unknown[] = []
    const errors: { errorMessage: string }[] = []
    for (const key of body) {
      const entry =
        kind === 'by-ids'
          ? typeof key === 'string'
            ? this.core.catalog.getById(key)
            : undefined
          : this.core.catalog.get(stringPath(key))
      if (entry === undefined) {
        errors.push({
          errorMessage: `'${Array.isArray(key) ? key.join('.') : String(key)}' was not found`,
        })
        continue
      }
      const entity = await this.entity(entry)
      if (Array.isArray(entity.children)) entity.children = entity.children.slice(0, maxChildren)
      data.push(entity)
    }
    return errors.length > 0 ? { data, errors } : { data }
  }

  private async create(route: RouteRequest): Promise<unknown> {
    const body = (await readJson(route.req)) as Record<string, unknown> | undefined
    if (body === undefined || body === null || typeof body !== 'object')
      throw new HttpError(400, 'Invalid value.')
    const catalog = this.core.catalog
    const exists = (message: string): HttpError =>
      // Dremio Cloud answers duplicates with 400 and this text (reference §9.5).
      route.cloud
        ? new HttpError(400, 'An object already exists with that name')
        : new HttpError(409, message)
    switch (body.entityType) {
      case 'space': {
        if (body.id !== undefined) throw new HttpError(400, 'Space id is immutable.')
        const name = body.name
        if (typeof name !== 'string' || name === '')
          throw new HttpError(400, 'Space name is required.')
        if (/[."@]/.test(name))
          throw new HttpError(400, `Space name [${name}] cannot contain ".", '"' or "@".`)
        if (catalog.get([name]) !== undefined)
          throw exists(`A space with the name [${name}] already exists.`)
        return this.entity(catalog.create('space', [name]))
      }
      case 'folder': {
        const path = stringPath(body.path)
        if (path.length < 2) throw new HttpError(400, 'Folder path should be fully qualified.')
        const parent = catalog.get(path.slice(0, -1))
        if (parent === undefined)
          throw new HttpError(400, `Could not find entity with path [[${path.join(', ')}]].`)
        if (parent.kind !== 'space' && parent.kind !== 'folder') {
          throw new HttpError(
            400,
            `Can not create a folder inside a [${parent.kind.toUpperCase()}].`,
          )
        }
        if (catalog.get(path) !== undefined) {
          const name = path[path.length - 1]
          throw exists(
            `The current location already contains a folder named "${name}". Please use a unique name for the new folder.`,
          )
        }
        return this.entity(catalog.create('folder', path))
      }
      case 'dataset':
        return this.createView(body, exists)
      case 'source':
        // DuckDB's file sandbox is fixed at start, so sources come from the options only.
        throw new HttpError(
          400,
          '[@df/emulator] sources are configured with the `sources` option, not the API',
        )
      default:
        throw new HttpError(400, `Unsupported entity type [${String(body.entityType)}].`)
    }
  }

  private async createView(
    body: Record<string, unknown>,
    exists: (m: string) => HttpError,
  ): Promise<unknown> {
    if (body.id !== undefined) throw new HttpError(400, 'Dataset id is immutable.')
    if (body.type !== 'VIRTUAL_DATASET') {
      throw new HttpError(
        400,
        'Only VIRTUAL_DATASET entities can be created through the catalog API.',
      )
    }
    const path = stringPath(body.path)
    if (typeof body.sql !== 'string' || body.sql.trim() === '')
      throw new HttpError(400, 'Dataset sql is required.')
    if (body.format !== undefined || body.approximateStatisticsAllowed !== undefined) {
      throw new HttpError(400, 'format and approximateStatisticsAllowed must not be set on a view.')
    }
    const catalog = this.core.catalog
    const root = catalog.get(path.slice(0, 1))
    if (root === undefined) {
      throw new HttpError(
        400,
        `Could not find the space, home space or versioned source with name [${path[0]}].`,
      )
    }
    if (root.kind !== 'space') {
      throw new HttpError(
        400,
        'Virtual datasets can only be saved into spaces, home space or versioned sources.',
      )
    }
    if (path.length > 2 && catalog.get(path.slice(0, -1)) === undefined) {
      throw new HttpError(
        400,
        `Could not find entity with path [[${path.slice(0, -1).join(', ')}]].`,
      )
    }
    if (catalog.get(path) !== undefined) {
      throw exists(`A table or view with given name [${path.join('.')}] already exists.`)
    }
    await this.runView(path, body.sql, body.sqlContext, false)
    return this.entity(catalog.get(path) as CatalogEntry)
  }

  private async update(
    id: string,
    entry: CatalogEntry | undefined,
    route: RouteRequest,
  ): Promise<unknown> {
    const body = (await readJson(route.req)) as Record<string, unknown> | undefined
    if (body === undefined || body === null || typeof body !== 'object')
      throw new HttpError(400, 'Invalid value.')
    // Dremio maps these IllegalArgumentExceptions to 404 in the catalog resource.
    if (body.id === undefined) throw new HttpError(404, 'Entity id is required.')
    if (body.id !== id) throw new HttpError(404, 'Ids must match.')
    if (entry === undefined) throw idNotFound(id)
    if (body.tag !== undefined && body.tag !== entry.tag) {
      throw new HttpError(
        409,
        `tried to update version ${String(body.tag)}, found previous version ${entry.tag}`,
        {
          withMoreInfo: true,
        },
      )
    }
    if (
      body.path !== undefined &&
      stringPath(body.path).join('\u0000') !== entry.path.join('\u0000')
    ) {
      throw new HttpError(
        400,
        '[@df/emulator] renaming or moving catalog entities is not supported by the emulator',
      )
    }
    if (entry.kind === 'view') {
      const sql = typeof body.sql === 'string' ? body.sql : (entry.sql as string)
      await this.runView(entry.path, sql, body.sqlContext ?? entry.sqlContext, true)
    } else {
      this.core.catalog.touch(entry)
    }
    return this.entity(entry, new URLSearchParams({ maxChildren: '0' }))
  }

  private async runView(
    path: string[],
    sql: string,
    sqlContext: unknown,
    replace: boolean,
  ): Promise<void> {
    const context =
      sqlContext === undefined || sqlContext === null
        ? undefined
        : stringPath(sqlContext, 'sqlContext')
    try {
      await this.core.defineView(path, sql, context, replace)
    } catch (error) {
      if (error instanceof SqlError || error instanceof Error)
        throw new HttpError(400, error.message)
      throw error
    }
  }
}

function stringPath(value: unknown, field = 'path'): string[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((s) => typeof s === 'string' && s !== '')
  ) {
    throw new HttpError(400, `Invalid value found at: ${field}`)
  }
  return value as string[]
}

function idNotFound(id: string): HttpError {
  return new HttpError(404, `Could not find entity with id [${id}]`)
}
