/**
 * NAS-style sources: a name mapped to a local directory, addressed in SQL as `'@name/path'`
 * (COPY INTO, LIST_FILES) or as a dotted path to a file (`lake.folder."f.parquet"`). Every path is
 * resolved inside its source directory; `..` cannot climb out of it.
 */
import { readdirSync, statSync } from 'node:fs'
import { extname, join, relative, resolve, sep } from 'node:path'
import type { Catalog } from './catalog.js'
import { quoteString } from './sql-tokens.js'
import { SqlError } from './sql-translate.js'

/** One file found under a source location. */
export interface SourceFile {
  source: string
  /** Path relative to the source root, with `/` separators. */
  path: string
  absolute: string
  size: number
  modifiedMs: number
}

export class Sources {
  private readonly catalog: Catalog

  constructor(catalog: Catalog) {
    this.catalog = catalog
  }

  /** Resolves `'@source/some/path'` to the source name and an absolute location. */
  locate(location: string): { source: string; root: string; absolute: string } {
    const match = /^@([^/]+)(?:\/(.*))?$/.exec(location)
    if (match === null) {
      throw new SqlError(`Invalid location '${location}': expected '@<source>/<path>'`)
    }
    const source = match[1] as string
    const entry = this.catalog.get([source])
    if (entry?.kind !== 'source' || entry.dir === undefined) {
      throw new SqlError(`Source [${source}] not found.`)
    }
    const root = resolve(entry.dir)
    const absolute = resolve(root, match[2] ?? '')
    if (absolute !== root && !absolute.startsWith(root + sep)) {
      throw new SqlError(`Location '${location}' is outside source [${source}].`)
    }
    return { source: entry.path[0] as string, root, absolute }
  }

  /** Files under a location, recursively (a file location lists itself), sorted by path. */
  list(location: string): SourceFile[] {
    const { source, root, absolute } = this.locate(location)
    const out: SourceFile[] = []
    const visit = (file: string): void => {
      let st: ReturnType<typeof statSync>
      try {
        st = statSync(file)
      } catch {
        return
      }
      if (st.isDirectory()) {
        for (const name of readdirSync(file).sort()) visit(join(file, name))
      } else if (st.isFile()) {
        const path = relative(root, file).split(sep).join('/')
        out.push({ source, path, absolute: file, size: st.size, modifiedMs: st.mtimeMs })
      }
    }
    visit(absolute)
    if (out.length === 0 && !safeExists(absolute)) {
      throw new SqlError(`Location '${location}' does not exist.`)
    }
    return out
  }

  /**
   * SQL for `TABLE(LIST_FILES('@source/path'))`: columns `source`, `path` (relative to the source
   * root), `size`, `last_modified_time`, plus `file`, a STRUCT of the same four fields (the
   * Dremio docs show both access styles).
   */
  listFilesSql(location: string): string {
    const files = this.list(location)
    const cols = '(source, path, size, last_modified_time)'
    const rows = files.map(
      (f) =>
        `(${quoteString(f.source)}, ${quoteString(f.path)}, ${f.size}::BIGINT, ` +
        `make_timestamp(${Math.round(f.modifiedMs * 1000)}::BIGINT))`,
    )
    const values =
      rows.length > 0
        ? `SELECT * FROM (VALUES ${rows.join(', ')}) AS v${cols}`
        : 'SELECT NULL::VARCHAR AS source, NULL::VARCHAR AS path, NULL::BIGINT AS size, ' +
          'NULL::TIMESTAMP AS last_modified_time WHERE false'
    return (
      `(SELECT source, path, size, last_modified_time, {'source': source, 'path': path, ` +
      `'size': size, 'last_modified_time': last_modified_time} AS file FROM (${values}) AS lf)`
    )
  }

  /** DuckDB reader expression for a list of files in one format. */
  readerSql(files: readonly string[], format: string): string {
    const list = `[${files.map(quoteString).join(', ')}]`
    switch (format) {
      case 'parquet':
        return `read_parquet(${list})`
      case 'csv':
        return `read_csv(${list}, header = true, auto_detect = true)`
      case 'json':
        return `read_json_auto(${list})`
      default:
        throw new SqlError(
          `[@df/emulator] FILE_FORMAT '${format}' is not supported by the emulator`,
        )
    }
  }

  /** Format of a file from its extension (COPY INTO without FILE_FORMAT). */
  formatOf(file: string): string {
    const ext = extname(file.replace(/\.(gz|bz2)$/, ''))
      .slice(1)
      .toLowerCase()
    return ext === 'jsonl' || ext === 'ndjson' ? 'json' : ext
  }

  /**
   * A dotted path into a source (`lake.dir."file.parquet"`) as a DuckDB table expression, the way
   * Dremio queries files of a filesystem source; undefined when it is not a file or directory.
   */
  fileTable(path: readonly string[]): string | undefined {
    const entry = this.catalog.get(path.slice(0, 1))
    if (entry?.kind !== 'source' || path.length < 2) return undefined
    let location: ReturnType<Sources['locate']>
    try {
      location = this.locate(`@${path[0]}/${path.slice(1).join('/')}`)
    } catch {
      return undefined
    }
    const files = this.list(`@${location.source}/${relative(location.root, location.absolute)}`)
    const first = files[0]
    if (first === undefined) return undefined
    const format = this.formatOf(first.absolute)
    if (!['parquet', 'csv', 'json'].includes(format)) return undefined
    const same = files.filter((f) => this.formatOf(f.absolute) === format).map((f) => f.absolute)
    return this.readerSql(same, format)
  }
}

/** The text id Dremio gives an unpromoted file or folder of a filesystem source. */
export function textId(path: readonly string[]): string {
  return `dremio:/${path.join('/')}`
}

/** The path behind a text id, or undefined when `id` is not one. */
export function textIdPath(id: string): string[] | undefined {
  if (!id.startsWith('dremio:/')) return undefined
  const path = id.slice('dremio:/'.length).split('/')
  return path.length >= 2 && path.every((s) => s !== '') ? path : undefined
}

/** Whether a path below a source is a file or a directory on disk (undefined: neither). */
export function sourcePathKind(
  sources: Sources,
  path: readonly string[],
): 'file' | 'dir' | undefined {
  if (path.length < 2) return undefined
  let absolute: string
  try {
    absolute = sources.locate(`@${path[0]}/${path.slice(1).join('/')}`).absolute
  } catch {
    return undefined
  }
  try {
    const st = statSync(absolute)
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined
  } catch {
    return undefined
  }
}

/** Names directly inside a source directory, sorted, with whether each is a directory. */
export function sourceListing(
  sources: Sources,
  path: readonly string[],
): { name: string; dir: boolean }[] {
  const { absolute } = sources.locate(`@${path[0]}/${path.slice(1).join('/')}`)
  return readdirSync(absolute, { withFileTypes: true })
    .filter((d) => d.isDirectory() || d.isFile())
    .map((d) => ({ name: d.name, dir: d.isDirectory() }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

function safeExists(file: string): boolean {
  try {
    statSync(file)
    return true
  } catch {
    return false
  }
}
