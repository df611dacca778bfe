/**
 * `BatchManager`: many Dremio catalog operations at once, with bounded concurrency, one result
 * per item (value or typed error), and a shared back-off when Dremio rate-limits (429).
 * Unlike the original, it calls the real catalog API, sends paths as arrays, and never lets one
 * failure (or a thrown exception) abort the batch.
 */
import type { CatalogEntity, DremioClient } from '@df/client'
import { DremioHttpError, parsePath } from '@df/client'
import type { BatchItemResult, BatchProgress } from './batch-result.js'
import { type PoolSettings, realSleep, runPool } from './internal/run-pool.js'

/** How a batch waits out a rate-limit pause; injectable so tests can use a fake clock. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

/** Options of `new BatchManager(client, options)`. */
export interface BatchManagerOptions {
  /** Operations in flight at once. @default 8 */
  maxConcurrency?: number
  /** Times one item is retried after a 429 that outlived the client's own retries. @default 5 */
  rateLimitRetries?: number
  /** First pause after a 429 without `Retry-After`; doubles on each consecutive 429. @default 1000 */
  minPauseMs?: number
  /** Longest pause, also capping `Retry-After`. @default 60000 */
  maxPauseMs?: number
  /** Called after each finished item. */
  onProgress?: (progress: BatchProgress) => void
  /** Called when the whole batch pauses for a 429 (for logs). */
  onRateLimited?: (pauseMs: number) => void
  /** Stops starting new items; the ones not started fail with `DF_DREMIO_ABORTED`. */
  signal?: AbortSignal
  /** How to wait (tests pass a fake clock). @default setTimeout */
  sleep?: Sleep
}

/** A view to create: `path` as an array or a dotted string with Dremio quoting. */
export interface ViewSpec {
  path: string | readonly string[]
  /** The view's SQL, sent as is. */
  sql: string
  /** Default schema for unqualified names in `sql`. */
  context?: readonly string[]
  /** Replace the SQL of an existing view at `path` instead of failing. @default false */
  replace?: boolean
}

/**
 * Runs catalog operations in parallel.
 * @example
 * const batch = new BatchManager(client, { maxConcurrency: 16 })
 * const results = await batch.createFolders(['sales.raw', ['sales', 'my "quoted" folder']])
 * for (const r of results) if (!r.ok) console.error(r.input, r.error.code, r.error.message)
 */
export class BatchManager {
  readonly #client: DremioClient
  readonly #settings: PoolSettings

  constructor(client: DremioClient, options: BatchManagerOptions = {}) {
    const maxConcurrency = options.maxConcurrency ?? 8
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) {
      throw new RangeError(
        `[@df/batch] maxConcurrency must be a positive integer, got ${maxConcurrency}`,
      )
    }
    this.#client = client
    this.#settings = {
      maxConcurrency,
      rateLimitRetries: options.rateLimitRetries ?? 5,
      minPauseMs: options.minPauseMs ?? 1000,
      maxPauseMs: options.maxPauseMs ?? 60_000,
      sleep: options.sleep ?? realSleep,
      signal: options.signal,
      onProgress: options.onProgress,
      onRateLimited: options.onRateLimited,
    }
  }

  /**
   * Makes sure each folder exists, creating missing parents (and the space on Software).
   * Idempotent: an existing folder is a success. Paths are arrays or dotted strings
   * (`'sales."raw data".2024'`), parsed with Dremio's quoting rules.
   */
  createFolders(
    paths: readonly (string | readonly string[])[],
  ): Promise<BatchItemResult<string | readonly string[], CatalogEntity>[]> {
    return runPool(paths, (path) => this.#createFolder(parsePath(path)), this.#settings)
  }

  /**
   * One POST in the common case (parent exists). Checking each parent first (ensureFolder) costs
   * a GET per level, and a GET of a container returns its children: with 1,000 folders in one
   * space, that turned a linear batch quadratic.
   */
  async #createFolder(path: string[]): Promise<CatalogEntity> {
    const catalog = this.#client.catalog
    if (path.length < 2) return catalog.ensureFolder(path)
    try {
      return await catalog.createFolder(path)
    } catch (error) {
      if (!(error instanceof DremioHttpError)) throw error
      const text = error.errorMessage ?? error.message
      if (error.status === 409 || (error.status === 400 && /already exists/i.test(text))) {
        return catalog.getByPathOrThrow(path)
      }
      if ((error.status === 400 || error.status === 404) && /could not find/i.test(text)) {
        await catalog.ensureFolder(path.slice(0, -1))
        return catalog.ensureFolder(path)
      }
      throw error
    }
  }

  /**
   * Deletes catalog entities by id (spaces and folders recursively). The value is `true` when
   * the entity was deleted, `false` when it did not exist.
   */
  deleteItems(ids: readonly string[]): Promise<BatchItemResult<string, boolean>[]> {
    return runPool(ids, (id) => this.#client.catalog.delete(id), this.#settings)
  }

  /** Creates views (or replaces their SQL with `replace: true`). */
  createViews(specs: readonly ViewSpec[]): Promise<BatchItemResult<ViewSpec, CatalogEntity>[]> {
    const catalog = this.#client.catalog
    return runPool(
      specs,
      async (spec) => {
        const path = parsePath(spec.path)
        const options = spec.context ? { context: spec.context } : {}
        if (spec.replace) {
          const existing = await catalog.getByPath(path)
          if (existing?.tag !== undefined) {
            return catalog.updateView(existing.id, { sql: spec.sql, tag: existing.tag, ...options })
          }
        }
        return catalog.createView(path, spec.sql, options)
      },
      this.#settings,
    )
  }
}
