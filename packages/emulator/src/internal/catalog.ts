/**
 * The emulator's catalog: spaces, folders, sources, tables and views, keyed by Dremio path.
 * Tables and views also live in DuckDB's main schema under one flat name each (`duckName`); this
 * registry is the only map between a Dremio path of any depth and that name. With a data
 * directory it is saved as JSON next to the DuckDB file after every change.
 */
import { randomUUID } from 'node:crypto'
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** What a catalog entry is. */
export type EntryKind = 'space' | 'folder' | 'source' | 'table' | 'view' | 'promoted'

export interface CatalogEntry {
  id: string
  kind: EntryKind
  path: string[]
  tag: string
  createdAt: string
  /** View definition as the user wrote it (Dremio SQL). */
  sql?: string
  sqlContext?: string[]
  /** Name of the table or view in DuckDB's main schema. */
  duckName?: string
  /** Local directory of a source (sources come from the options, they are never saved). */
  dir?: string
  /** A promoted source file or folder: the format it was promoted with. */
  format?: Record<string, unknown>
  /** Collaboration tags (datasets only), with their own version. */
  tags?: { tags: string[]; version: string }
  /** Collaboration wiki, with its own version (0, 1, 2, …). */
  wiki?: { text: string; version: number }
}

/** Lower-cased key: Dremio resolves paths without regard to case, and so does DuckDB. */
export function pathKey(path: readonly string[]): string {
  return JSON.stringify(path.map((s) => s.toLowerCase()))
}

const RESERVED = new Set(['__df_emulator'])

export class Catalog {
  private readonly byIdMap = new Map<string, CatalogEntry>()
  private readonly byKey = new Map<string, CatalogEntry>()
  private readonly duckNames = new Set<string>()
  private readonly file: string | undefined

  constructor(dataDir: string | undefined) {
    this.file = dataDir === undefined ? undefined : join(dataDir, 'catalog.json')
    if (this.file !== undefined) {
      let text: string | undefined
      try {
        text = readFileSync(this.file, 'utf8')
      } catch {
        text = undefined
      }
      if (text !== undefined) {
        for (const entry of JSON.parse(text) as CatalogEntry[]) this.index(entry)
      }
    }
  }

  /** Adds a source from the emulator options (not persisted). */
  addSource(name: string, dir: string): CatalogEntry {
    const existing = this.get([name])
    if (existing !== undefined) this.drop(existing)
    const entry = this.newEntry('source', [name])
    entry.dir = dir
    this.index(entry)
    return entry
  }

  get(path: readonly string[]): CatalogEntry | undefined {
    return this.byKey.get(pathKey(path))
  }

  getById(id: string): CatalogEntry | undefined {
    return this.byIdMap.get(id)
  }

  /** Every table and view, in creation order. */
  datasets(): CatalogEntry[] {
    return [...this.byIdMap.values()].filter((e) => e.kind === 'table' || e.kind === 'view')
  }

  /** Direct children of a container path (root when empty), in creation order. */
  children(path: readonly string[]): CatalogEntry[] {
    const prefix = pathKey(path).slice(0, -1)
    const out: CatalogEntry[] = []
    for (const entry of this.byIdMap.values()) {
      if (entry.path.length !== path.length + 1) continue
      const key = pathKey(entry.path)
      if (path.length === 0 || key.startsWith(`${prefix},`)) out.push(entry)
    }
    return out
  }

  /** All entries under a path (not including it). */
  descendants(path: readonly string[]): CatalogEntry[] {
    const prefix = `${pathKey(path).slice(0, -1)},`
    return [...this.byIdMap.values()].filter((e) => pathKey(e.path).startsWith(prefix))
  }

  /** Creates an entry; the caller has checked that the path is free. */
  create(
    kind: EntryKind,
    path: readonly string[],
    extra: Partial<CatalogEntry> = {},
  ): CatalogEntry {
    const entry = { ...this.newEntry(kind, path), ...extra }
    if ((kind === 'table' || kind === 'view') && entry.duckName === undefined) {
      entry.duckName = this.allocateDuckName(path)
    }
    this.index(entry)
    this.save()
    return entry
  }

  /**
   * Makes sure every container above `path` exists: a missing root becomes a space, a missing
   * level below it a folder. Lenient on purpose: Dremio would demand an existing source.
   */
  ensureParents(path: readonly string[]): void {
    for (let depth = 1; depth < path.length; depth++) {
      const prefix = path.slice(0, depth)
      if (this.get(prefix) === undefined) this.create(depth === 1 ? 'space' : 'folder', prefix)
    }
  }

  /** Gives the entry a new tag (every write changes it), optionally with new fields. */
  touch(entry: CatalogEntry, changes: Partial<CatalogEntry> = {}): CatalogEntry {
    Object.assign(entry, changes, { tag: newTag() })
    this.save()
    return entry
  }

  /** Changes fields that are not part of the entity's version (tags, wiki): no new tag. */
  annotate(entry: CatalogEntry, changes: Pick<CatalogEntry, 'tags' | 'wiki'>): CatalogEntry {
    Object.assign(entry, changes)
    this.save()
    return entry
  }

  /** Every entry, in creation order. */
  all(): CatalogEntry[] {
    return [...this.byIdMap.values()]
  }

  /** Removes an entry and everything under it; returns what was removed. */
  remove(entry: CatalogEntry): CatalogEntry[] {
    const removed = [entry, ...this.descendants(entry.path)]
    for (const e of removed) this.drop(e)
    this.save()
    return removed
  }

  /** A free DuckDB name for a new table or view at `path` (the dotted path when free). */
  allocateDuckName(path: readonly string[]): string {
    const base = path.join('.')
    let name = base
    for (
      let n = 2;
      this.duckNames.has(name.toLowerCase()) || RESERVED.has(name.toLowerCase());
      n++
    ) {
      name = `${base} #${n}`
    }
    return name
  }

  private newEntry(kind: EntryKind, path: readonly string[]): CatalogEntry {
    return {
      id: randomUUID(),
      kind,
      path: [...path],
      tag: newTag(),
      createdAt: new Date().toISOString(),
    }
  }

  private index(entry: CatalogEntry): void {
    this.byIdMap.set(entry.id, entry)
    this.byKey.set(pathKey(entry.path), entry)
    if (entry.duckName !== undefined) this.duckNames.add(entry.duckName.toLowerCase())
  }

  private drop(entry: CatalogEntry): void {
    this.byIdMap.delete(entry.id)
    this.byKey.delete(pathKey(entry.path))
    if (entry.duckName !== undefined) this.duckNames.delete(entry.duckName.toLowerCase())
  }

  private save(): void {
    if (this.file === undefined) return
    const entries = [...this.byIdMap.values()].filter((e) => e.kind !== 'source')
    // Write-then-rename so a crash never leaves a half-written catalog.
    const tmp = `${this.file}.tmp`
    writeFileSync(tmp, JSON.stringify(entries))
    renameSync(tmp, this.file)
  }
}

function newTag(): string {
  return randomUUID()
}
