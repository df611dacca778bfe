/**
 * Dremio DDL and table maintenance on DuckDB: CREATE TABLE / CTAS / VIEW / FOLDER, DROP, TRUNCATE,
 * ALTER TABLE, OPTIMIZE, VACUUM and USE, each answering with the rows Dremio answers with
 * (reference §12). OPTIMIZE and VACUUM check the table, then their grammar
 * (statements-maintenance.ts), and report zero files.
 */
import type { DuckDBMaterializedResult } from '@duckdb/node-api'
import type { CatalogEntry } from './catalog.js'
import { type Cursor, splitTopLevel } from './sql-cursor.js'
import { quoteIdent, renderPath, tokenize } from './sql-tokens.js'
import {
  resolveDataset,
  SqlError,
  type TranslateContext,
  translateTokens,
} from './sql-translate.js'
import { type ExecEnv, summary } from './statements.js'
import { optimizeTable, vacuumTable } from './statements-maintenance.js'

/** Runs a DDL statement, or returns undefined when `c` does not start one the emulator knows. */
export async function runDdl(
  env: ExecEnv,
  ctx: TranslateContext,
  c: Cursor,
): Promise<DuckDBMaterializedResult | undefined> {
  if (c.accept('CREATE')) {
    const orReplace = c.accept('OR', 'REPLACE')
    if (c.accept('VIEW')) {
      const path = absolute(env, c.path())
      c.expect('AS')
      return defineView(env, path, c.text(c.pos, c.tokens.length), orReplace)
    }
    if (c.accept('TABLE')) return createTable(env, ctx, c)
    if (c.accept('FOLDER')) {
      const ifNotExists = c.accept('IF', 'NOT', 'EXISTS')
      const path = absolute(env, c.path())
      if (env.catalog.get(path) !== undefined) {
        if (ifNotExists) return summary(env, `Folder [${renderPath(path)}] already exists.`)
        throw new SqlError(`Folder [${renderPath(path)}] already exists.`)
      }
      env.catalog.ensureParents(path)
      env.catalog.create(path.length === 1 ? 'space' : 'folder', path)
      return summary(env, `Folder [${renderPath(path)}] has been created.`)
    }
    return undefined
  }
  if (c.accept('DROP')) {
    const kind = c.accept('TABLE') ? 'table' : c.accept('VIEW') ? 'view' : undefined
    if (kind === undefined) return undefined
    const ifExists = c.accept('IF', 'EXISTS')
    const path = c.path()
    const entry = dataset(env, ctx, path, kind)
    const name = renderPath(entry?.path ?? absolute(env, path))
    if (entry === undefined) {
      if (kind === 'table' && ifExists) return summary(env, `Table [${name}] not found.`)
      if (kind === 'view' && ifExists) return summary(env, `View [${name}] not found.`)
      throw new SqlError(
        kind === 'table' ? `Table [${name}] not found.` : `Unknown view [${name}].`,
      )
    }
    await env.conn.run(`DROP ${kind === 'table' ? 'TABLE' : 'VIEW'} ${duck(entry)}`)
    env.catalog.remove(entry)
    return summary(
      env,
      kind === 'table' ? `Table [${name}] dropped` : `View [${name}] deleted successfully.`,
    )
  }
  if (c.accept('TRUNCATE')) {
    c.accept('TABLE')
    const ifExists = c.accept('IF', 'EXISTS')
    const path = c.path()
    const entry = dataset(env, ctx, path, 'table')
    if (entry === undefined) {
      const name = renderPath(absolute(env, path))
      if (ifExists) return summary(env, `Table [${name}] does not exist.`)
      throw new SqlError(`Table [${name}] not found.`)
    }
    await env.conn.run(`DELETE FROM ${duck(entry)}`)
    return summary(env, `Table [${renderPath(entry.path)}] truncated`)
  }
  if (c.accept('ALTER')) return alter(env, ctx, c)
  if (c.accept('OPTIMIZE', 'TABLE')) {
    requireTable(env, ctx, c.path())
    return optimizeTable(env, c)
  }
  if (c.accept('VACUUM', 'TABLE')) {
    requireTable(env, ctx, c.path())
    return vacuumTable(env, c)
  }
  if (c.accept('USE')) {
    const path = c.path()
    return summary(env, `Default schema changed to [${renderPath(path)}]`)
  }
  return undefined
}

/** Creates or replaces a view at an absolute path from Dremio SQL (also used by POST /catalog). */
export async function defineView(
  env: ExecEnv,
  path: string[],
  selectSql: string,
  orReplace: boolean,
): Promise<DuckDBMaterializedResult> {
  const existing = env.catalog.get(path)
  const name = renderPath(path)
  if (existing !== undefined && (existing.kind !== 'view' || !orReplace)) {
    throw new SqlError(`A table or view with given name [${name}] already exists.`)
  }
  checkParents(env, path)
  const tokens = tokenize(selectSql)
  if (tokens.some((t) => t.kind === 'punct' && t.text === ';')) {
    throw new SqlError('Failure parsing the query: a view holds exactly one SELECT statement')
  }
  const body = translateTokens(
    { catalog: env.catalog, context: env.context, sourceFile: undefined },
    tokens,
  )
  const duckName = existing?.duckName ?? env.catalog.allocateDuckName(path)
  await env.conn.run(`CREATE OR REPLACE VIEW ${quoteIdent(duckName)} AS ${body}`)
  const sqlContext = env.context === undefined ? {} : { sqlContext: [...env.context] }
  if (existing !== undefined) {
    env.catalog.touch(existing, { sql: selectSql.trim(), ...sqlContext })
    return summary(env, `View '${name}' replaced successfully`)
  }
  env.catalog.ensureParents(path)
  env.catalog.create('view', path, { duckName, sql: selectSql.trim(), ...sqlContext })
  return summary(env, `View '${name}' created successfully`)
}

/** `CREATE TABLE [IF NOT EXISTS] t [(cols)] [PARTITION BY …] [… ] [AS SELECT …]`. */
async function createTable(
  env: ExecEnv,
  ctx: TranslateContext,
  c: Cursor,
): Promise<DuckDBMaterializedResult> {
  const ifNotExists = c.accept('IF', 'NOT', 'EXISTS')
  const path = absolute(env, c.path())
  const name = renderPath(path)
  let columns: string[] | undefined
  if (c.peek()?.text === '(') {
    const { from, to } = c.group()
    columns = splitTopLevel(c.tokens, from, to)
  }
  // Iceberg layout clauses mean nothing to DuckDB: skip them.
  while (!c.done && !c.is('AS')) {
    if (c.accept('PARTITION', 'BY') || c.accept('CLUSTER', 'BY') || c.accept('LOCALSORT', 'BY'))
      c.group()
    else if (c.accept('TBLPROPERTIES') || c.accept('STORE', 'AS')) c.group()
    else throw c.syntaxError('AS or a table clause')
  }
  const select = c.accept('AS') ? translateTokens(ctx, c.tokens, c.pos) : undefined
  if (env.catalog.get(path) !== undefined) {
    if (ifNotExists) return summary(env, `Table [${name}] already exists.`)
    throw new SqlError(`A table or view with given name [${name}] already exists.`)
  }
  if (columns === undefined && select === undefined)
    throw c.syntaxError('a column list or AS SELECT')
  checkParents(env, path)
  const duckName = env.catalog.allocateDuckName(path)
  const target = quoteIdent(duckName)
  if (columns !== undefined) await env.conn.run(`CREATE TABLE ${target} (${columns.join(', ')})`)
  if (select !== undefined) {
    if (columns !== undefined) await env.conn.run(`INSERT INTO ${target} ${select}`)
    else await env.conn.run(`CREATE TABLE ${target} AS ${select}`)
  }
  env.catalog.ensureParents(path)
  env.catalog.create('table', path, { duckName })
  if (select === undefined) return summary(env, 'Table created')
  // CTAS answers with the writer summary: one row per written file (here one, for the table).
  const count = `(SELECT count(*) FROM ${target})`
  return env.conn.run(
    `SELECT '0_0' AS "Fragment", ${count}::BIGINT AS "Records", ${quoteStringPath(path)} AS "Path", ` +
      'NULL::BLOB AS "Metadata", 0::INTEGER AS "Partition", 0::BIGINT AS "FileSize", ' +
      'NULL::BLOB AS "IcebergMetadata", NULL::BLOB AS "fileschema", NULL::BLOB[] AS "PartitionData", ' +
      '0::INTEGER AS "OperationType"',
  )
}

async function alter(
  env: ExecEnv,
  ctx: TranslateContext,
  c: Cursor,
): Promise<DuckDBMaterializedResult> {
  if (!c.accept('TABLE') && !c.accept('VIEW') && !c.accept('DATASET')) throw c.syntaxError('TABLE')
  const path = c.path()
  const hit = resolveDataset(ctx, path)
  const entry = hit === undefined ? undefined : env.catalog.get(hit.path)
  if (entry === undefined) throw new SqlError(`Table [${renderPath(path)}] not found.`)
  const name = renderPath(entry.path)
  if (c.accept('REFRESH', 'REFLECTIONS'))
    return summary(env, `Reflection refresh triggered for [${name}].`)
  if (c.accept('REFRESH', 'METADATA'))
    return summary(env, `Metadata for table '${name}' refreshed.`)
  if (c.accept('ADD', 'COLUMNS')) {
    const { from, to } = c.group()
    for (const def of splitTopLevel(c.tokens, from, to)) {
      await env.conn.run(`ALTER TABLE ${duck(entry)} ADD COLUMN ${def}`)
    }
    env.catalog.touch(entry)
    return summary(env, 'New columns added.')
  }
  if (c.accept('DROP', 'COLUMN')) {
    const column = c.path()
    await env.conn.run(`ALTER TABLE ${duck(entry)} DROP COLUMN ${quoteIdent(column.join('.'))}`)
    env.catalog.touch(entry)
    return summary(env, `Column [${column.join('.')}] dropped`)
  }
  throw new SqlError(
    `[@df/emulator] This ALTER statement is not supported by the emulator: ${c.peek()?.text}`,
  )
}

function absolute(env: ExecEnv, path: string[]): string[] {
  return env.context?.length && path.length === 1 ? [...env.context, ...path] : path
}

function dataset(
  env: ExecEnv,
  ctx: TranslateContext,
  path: string[],
  kind: 'table' | 'view',
): CatalogEntry | undefined {
  const hit = resolveDataset(ctx, path)
  const entry = hit === undefined ? undefined : env.catalog.get(hit.path)
  return entry?.kind === kind ? entry : undefined
}

function requireTable(env: ExecEnv, ctx: TranslateContext, path: string[]): CatalogEntry {
  const entry = dataset(env, ctx, path, 'table')
  if (entry === undefined) throw new SqlError(`Table [${renderPath(path)}] not found.`)
  return entry
}

/** Tables and views cannot live inside a dataset. */
function checkParents(env: ExecEnv, path: readonly string[]): void {
  for (let depth = 1; depth < path.length; depth++) {
    const parent = env.catalog.get(path.slice(0, depth))
    if (parent?.kind === 'table' || parent?.kind === 'view') {
      throw new SqlError(
        `Cannot create [${renderPath(path)}]: [${renderPath(parent.path)}] is a dataset.`,
      )
    }
  }
}

function duck(entry: CatalogEntry): string {
  return quoteIdent(entry.duckName as string)
}

function quoteStringPath(path: readonly string[]): string {
  return `'${`/emulator/${path.join('/')}/0_0.parquet`.replaceAll("'", "''")}'`
}
