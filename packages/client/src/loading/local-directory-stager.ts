/**
 * A stager for a NAS-style Dremio source: Parquet files are written to a local (or mounted)
 * directory that a Dremio filesystem source maps, e.g. `@df/emulator`'s `sources: { lake: dir }`.
 */
import { mkdir, rm, rmdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { DremioLoadError } from './load-error.js'
import type { Stager, StagingArea } from './stager.js'

/** Options of {@link createLocalDirectoryStager}. */
export interface LocalDirectoryStagerOptions {
  /** The directory the Dremio source reads (its root on this machine). */
  directory: string
  /** The Dremio source's name (the `lake` of `'@lake/…'`). */
  source: string
  /** Folder under the source root for staging areas. @default '_df_staging' */
  prefix?: string
}

const SAFE = /^[\w.-]+$/

/**
 * A stager writing to `directory/prefix/<loadId>/`, read by Dremio as `'@source/prefix/<loadId>'`.
 * @throws DremioLoadError `DF_LOAD_INVALID_INPUT` for a source or prefix with unsafe characters.
 * @example
 * const stager = createLocalDirectoryStager({ directory: '/mnt/lake', source: 'lake' })
 * await client.insert('lake.sales.orders', rows, { method: 'staging', stager })
 */
export function createLocalDirectoryStager(options: LocalDirectoryStagerOptions): Stager {
  const prefix = options.prefix ?? '_df_staging'
  checkName('source', options.source)
  for (const part of prefix.split('/')) checkName('prefix', part)
  const root = resolve(options.directory)
  return {
    description: `local:${root}`,
    async open(loadId: string): Promise<StagingArea> {
      checkName('loadId', loadId)
      const dir = join(root, prefix, loadId)
      await fail(() => mkdir(dir, { recursive: true }), `create ${dir}`)
      let removed = false
      return {
        location: `@${options.source}/${prefix}/${loadId}`,
        async put(name, bytes) {
          checkName('file name', name)
          await fail(() => writeFile(join(dir, name), bytes), `write ${name} to ${dir}`)
        },
        async remove() {
          if (removed) return
          await fail(() => rm(dir, { recursive: true, force: true }), `remove ${dir}`)
          removed = true
          // Leave no empty prefix folder behind either; another load may still use it.
          await rmdir(join(root, prefix)).catch(() => undefined)
        },
      }
    },
  }
}

function checkName(what: string, name: string): void {
  if (!SAFE.test(name) || name === '.' || name === '..') {
    throw new DremioLoadError(
      'DF_LOAD_INVALID_INPUT',
      `Stager ${what} ${JSON.stringify(name)} must be letters, digits, _, . or -.`,
    )
  }
}

async function fail<T>(fn: () => Promise<T>, what: string): Promise<T> {
  try {
    return await fn()
  } catch (cause) {
    throw new DremioLoadError('DF_LOAD_STAGING_FAILED', `Cannot ${what}.`, { cause })
  }
}
