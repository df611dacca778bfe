/**
 * Runs one Dremio SQL statement on DuckDB and returns a result shaped as Dremio's (reference §12):
 * queries as-is, DML as one `Records` row, DDL as one `ok`/`summary` row, OPTIMIZE/VACUUM as their
 * counter columns. Statements the emulator cannot run fail with a message naming the emulator.
 */
import {
  type DuckDBConnection,
  DuckDBMaterializedResult,
  type DuckDBResult,
  type DuckDBType,
} from '@duckdb/node-api'
import type { Catalog } from './catalog.js'
import { JsonBlocksResult, type ResultPages, TypedResult } from './job-result.js'
import { prepareJsonQuery } from './json-query.js'
import type { Sources } from './sources.js'
import { Cursor } from './sql-cursor.js'
import {
  isKeyword,
  quoteIdent,
  quoteString,
  significant,
  type Token,
  tokenize,
} from './sql-tokens.js'
import {
  nextSignificant,
  resolveDataset,
  SqlError,
  type TranslateContext,
  translateTokens,
} from './sql-translate.js'
import { runDdl } from './statements-ddl.js'

/** Everything a statement needs to run. */
export interface ExecEnv {
  catalog: Catalog
  sources: Sources
  conn: DuckDBConnection
  context: readonly string[] | undefined
}

const QUERY_START = new Set([
  'SELECT',
  'WITH',
  'VALUES',
  'FROM',
  'SHOW',
  'DESCRIBE',
  'EXPLAIN',
  'TABLE',
])
const DML = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE'])
/** Dremio statements the emulator knows but does not implement (some forms of them). */
const DREMIO_STATEMENTS = new Set([
  'CREATE',
  'DROP',
  'ALTER',
  'GRANT',
  'REVOKE',
  'ROLLBACK',
  'REFRESH',
  'ANALYZE',
  'RESET',
  'SET',
  'OPTIMIZE',
  'VACUUM',
  'TRUNCATE',
  'USE',
])

function lineOf(sql: string, offset: number): string {
  const before = sql.slice(0, offset).split('\n')
  return `${before.length}, column ${(before[before.length - 1] as string).length + 1}`
}

/** Runs `sql` (one statement) and returns its materialized result, ready for paging. */
export async function executeStatement(env: ExecEnv, sql: string): Promise<ResultPages> {
  const result = await dispatch(env, sql)
  return result instanceof DuckDBMaterializedResult ? new TypedResult(result) : result
}

/** Queries take the fast JSON path when their column types allow it (json-query.ts). */
async function runQuery(
  env: ExecEnv,
  sql: string,
): Promise<DuckDBMaterializedResult | ResultPages> {
  const json = await prepareJsonQuery(env.conn, sql)
  if (json === undefined) return env.conn.run(sql)
  let blocks: DuckDBMaterializedResult
  try {
    blocks = await env.conn.run(json.sql)
  } catch (error) {
    // A statement that prepares but cannot be wrapped as a subquery: run it as it is (its own
    // error, if any, is the one the job reports). An interrupt is never retried.
    if (String(error).includes('INTERRUPT')) throw error
    return env.conn.run(sql)
  }
  return new JsonBlocksResult(blocks, json.schema)
}

/**
 * Runs `sql` for a consumer of typed values (Arrow Flight): a query comes back as DuckDB's
 * streaming result (never JSON-encoded), any other statement as its Dremio-shaped result row.
 */
export function executeTyped(env: ExecEnv, sql: string): Promise<DuckDBResult> {
  return dispatch(env, sql, (e, query) => e.conn.stream(query))
}

/**
 * Plans `sql` without running it (Flight's GetFlightInfo): a query's column names and DuckDB
 * types, or undefined for other statements (which are checked when they run).
 * @throws SqlError, or DuckDB's error, for SQL that cannot be planned.
 */
export async function planStatement(
  env: ExecEnv,
  sql: string,
): Promise<{ names: string[]; types: DuckDBType[] } | undefined> {
  const { word, tokens, first } = classify(env, sql)
  if (!(QUERY_START.has(word) || word === '(')) {
    if (DML.has(word) || word === 'COPY' || DREMIO_STATEMENTS.has(word)) return undefined
    throw new SqlError(
      `Failure parsing the query: unexpected "${first.text}" at line ${lineOf(sql, first.start)}`,
    )
  }
  const prepared = await env.conn.prepare(translateTokens(translateContext(env), tokens))
  const names: string[] = []
  const types: DuckDBType[] = []
  for (let i = 0; i < prepared.columnCount; i++) {
    names.push(prepared.columnName(i))
    types.push(prepared.columnType(i))
  }
  return { names, types }
}

function classify(env: ExecEnv, sql: string): { word: string; tokens: Token[]; first: Token } {
  const tokens = withListFiles(env, singleStatement(tokenize(sql)))
  const first = significant(tokens)[0]
  if (first === undefined) throw new SqlError('Failure parsing the query: the statement is empty')
  return { word: first.kind === 'word' ? first.text.toUpperCase() : first.text, tokens, first }
}

async function dispatch<Q = DuckDBMaterializedResult | ResultPages>(
  env: ExecEnv,
  sql: string,
  query: (env: ExecEnv, sql: string) => Promise<Q> = runQuery as never,
): Promise<DuckDBMaterializedResult | Q> {
  const { word, tokens, first } = classify(env, sql)
  const ctx = translateContext(env)
  if (QUERY_START.has(word) || word === '(') return query(env, translateTokens(ctx, tokens))
  if (DML.has(word)) {
    const result = await env.conn.run(translateTokens(ctx, tokens))
    return records(env, result.rowsChanged)
  }
  if (word === 'COPY') return copyInto(env, new Cursor(tokens))
  const ddl = await runDdl(env, ctx, new Cursor(tokens))
  if (ddl !== undefined) return ddl
  if (DREMIO_STATEMENTS.has(word)) {
    throw new SqlError(`[@df/emulator] This ${word} statement is not supported by the emulator`)
  }
  // Not a Dremio statement (this also keeps DuckDB-only commands such as ATTACH, PRAGMA or
  // INSTALL from ever reaching DuckDB).
  throw new SqlError(
    `Failure parsing the query: unexpected "${first.text}" at line ${lineOf(sql, first.start)}`,
  )
}

/** The translator's view of the environment. */
export function translateContext(env: ExecEnv): TranslateContext {
  return {
    catalog: env.catalog,
    context: env.context,
    sourceFile: (path) => env.sources.fileTable(path),
  }
}

/**
 * Dremio runs exactly one statement per job: a `;` followed by more SQL fails the job (DuckDB
 * would happily run both). A single trailing `;` is dropped.
 */
function singleStatement(tokens: Token[]): Token[] {
  const index = tokens.findIndex((t) => t.kind === 'punct' && t.text === ';')
  if (index < 0) return tokens
  if (nextSignificant(tokens, index + 1) !== undefined) {
    throw new SqlError(
      'Failure parsing the query: only one statement is allowed per job, found ";" followed by more SQL',
    )
  }
  return tokens.slice(0, index)
}

/** Replaces `TABLE(LIST_FILES('@src/path'))` with a subquery over the listed files. */
function withListFiles(env: ExecEnv, tokens: Token[]): Token[] {
  const out: Token[] = []
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token
    if (isKeyword(t, 'TABLE')) {
      const c = new Cursor(tokens, i + 1)
      if (c.peek()?.text === '(') {
        c.next()
        if (c.accept('LIST_FILES') && c.peek()?.text === '(') {
          c.next()
          const location = c.string()
          if (c.next()?.text === ')' && c.peek()?.text === ')') {
            const sql = env.sources.listFilesSql(location)
            out.push({ kind: 'punct', text: sql, start: t.start, end: t.end })
            i = c.pos
            continue
          }
        }
      }
    }
    out.push(t)
  }
  return out
}

/** One `Records` BIGINT row, Dremio's DML result. */
export function records(env: ExecEnv, count: number | bigint): Promise<DuckDBMaterializedResult> {
  return env.conn.run(`SELECT ${BigInt(count)}::BIGINT AS "Records"`)
}

/** One `ok`/`summary` row, Dremio's `SimpleCommandResult`. */
export function summary(env: ExecEnv, text: string, ok = true): Promise<DuckDBMaterializedResult> {
  return env.conn.run(`SELECT ${ok} AS ok, ${quoteString(text)} AS summary`)
}

/** `COPY INTO t FROM '@src/path' [FILES (…) | REGEX '…'] [FILE_FORMAT 'fmt'] [(options)]`. */
async function copyInto(env: ExecEnv, c: Cursor): Promise<DuckDBMaterializedResult> {
  c.expect('COPY', 'INTO')
  const target = c.path()
  if (c.accept('AT')) {
    // `AT BRANCH b`: the emulator has no branches.
    c.next()
    c.next()
  }
  c.expect('FROM')
  const location = c.string()
  let files = env.sources.list(location)
  if (c.accept('FILES')) {
    const { from, to } = c.group()
    const names = new Set(
      c.tokens.slice(from, to).flatMap((t) => (t.kind === 'string' ? [t.text.slice(1, -1)] : [])),
    )
    files = files.filter((f) => [...names].some((n) => f.path === n || f.path.endsWith(`/${n}`)))
  } else if (c.accept('REGEX')) {
    const pattern = new RegExp(c.string())
    files = files.filter((f) => pattern.test(f.path))
  }
  let format: string | undefined
  if (c.accept('FILE_FORMAT')) format = c.string().toLowerCase()
  const dataset = resolveDataset(translateContext(env), target)
  const entry = dataset === undefined ? undefined : env.catalog.get(dataset.path)
  if (dataset === undefined || entry?.kind !== 'table') {
    throw new SqlError(`Table [${target.join('.')}] not found.`)
  }
  if (files.length === 0) return records(env, 0)
  const fmt = format ?? env.sources.formatOf(files[0]?.absolute ?? '')
  const reader = env.sources.readerSql(
    files.map((f) => f.absolute),
    fmt,
  )
  // Dremio maps file columns to table columns by name, case-insensitively; columns the file
  // lacks stay NULL.
  const tableCols = await columnNames(env, `SELECT * FROM ${quoteIdent(dataset.duckName)} LIMIT 0`)
  const fileCols = new Set(
    (await columnNames(env, `SELECT * FROM ${reader} LIMIT 0`)).map((n) => n.toLowerCase()),
  )
  const shared = tableCols.filter((n) => fileCols.has(n.toLowerCase())).map(quoteIdent)
  if (shared.length === 0) {
    throw new SqlError(`No column of the files matches a column of table [${target.join('.')}].`)
  }
  const result = await env.conn.run(
    `INSERT INTO ${quoteIdent(dataset.duckName)} (${shared.join(', ')}) SELECT ${shared.join(', ')} FROM ${reader}`,
  )
  return records(env, result.rowsChanged)
}

async function columnNames(env: ExecEnv, sql: string): Promise<string[]> {
  return (await env.conn.run(sql)).columnNames()
}
