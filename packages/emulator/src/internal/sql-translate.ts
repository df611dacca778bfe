/**
 * Dremio SQL -> DuckDB SQL for the parts of a statement that name tables: every identifier chain
 * (`"my space"."folder".t`, `a.b.c.d.e`) that resolves to a registered table or view becomes the
 * one quoted DuckDB name the catalog allocated for it. Everything else is left byte for byte, so
 * expressions, literals and comments reach DuckDB unchanged.
 */
import type { Catalog } from './catalog.js'
import {
  identValue,
  isKeyword,
  quoteIdent,
  quoteString,
  renderPath,
  type Token,
} from './sql-tokens.js'

/** A user-facing SQL failure: the job becomes FAILED with this message. */
export class SqlError extends Error {
  override readonly name = 'SqlError'
}

/** What the translator needs from its surroundings. */
export interface TranslateContext {
  catalog: Catalog
  /** The job's `context` (default schema path). */
  context: readonly string[] | undefined
  /** Maps `source.path.to.file` to a DuckDB table expression, or undefined when not a file. */
  sourceFile?: ((path: readonly string[]) => string | undefined) | undefined
}

/** An identifier chain found in the token list: token indexes [from, to) and its segments. */
export interface Chain {
  from: number
  to: number
  segments: string[]
}

/** Reads the identifier chain starting at token index `i` (no whitespace inside a chain). */
export function readChain(tokens: readonly Token[], i: number): Chain | undefined {
  const first = tokens[i]
  if (first === undefined || (first.kind !== 'word' && first.kind !== 'qident')) return undefined
  const segments = [identValue(first)]
  let j = i + 1
  while (tokens[j]?.text === '.') {
    const next = tokens[j + 1]
    if (next === undefined || (next.kind !== 'word' && next.kind !== 'qident')) break
    segments.push(identValue(next))
    j += 2
  }
  return { from: i, to: j, segments }
}

const TABLE_KEYWORDS = new Set(['FROM', 'JOIN', 'INTO', 'UPDATE', 'TABLE', 'USING'])
const CLAUSE_KEYWORDS = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'GROUP',
  'HAVING',
  'ORDER',
  'LIMIT',
  'JOIN',
  'ON',
  'SET',
  'VALUES',
  'USING',
  'INTO',
  'UPDATE',
  'WITH',
  'UNION',
  'QUALIFY',
  'WINDOW',
  'WHEN',
  'THEN',
])
/** DuckDB-native schemas a query may still name directly. */
const PASSTHROUGH = new Set(['information_schema', 'pg_catalog', 'main', 'temp', 'system'])

/** Resolves a path to a registered table or view, relative to the context first (as Dremio does). */
export function resolveDataset(
  ctx: TranslateContext,
  segments: readonly string[],
): { duckName: string; path: string[] } | undefined {
  const candidates = ctx.context?.length ? [[...ctx.context, ...segments], segments] : [segments]
  for (const path of candidates) {
    const entry = ctx.catalog.get(path)
    if (entry?.duckName !== undefined && (entry.kind === 'table' || entry.kind === 'view')) {
      return { duckName: entry.duckName, path: entry.path }
    }
  }
  return undefined
}

/** Translates tokens[from, to) (all tokens, whitespace included) to DuckDB SQL text. */
export function translateTokens(
  ctx: TranslateContext,
  tokens: readonly Token[],
  from = 0,
  to = tokens.length,
): string {
  let out = ''
  const clauses: string[] = ['']
  let prev: Token | undefined
  let tableNext = false
  let i = from
  while (i < to) {
    const token = tokens[i] as Token
    if (token.kind === 'space' || token.kind === 'comment') {
      out += token.text
      i++
      continue
    }
    const next = tokens[i + 1]
    if (token.kind === 'word' && /^x$/i.test(token.text) && next?.kind === 'string' && i + 1 < to) {
      // Dremio's binary literal X'00ff'; DuckDB would read it as the text 'x00ff'.
      out += `from_hex(${next.text})`
      prev = next
      tableNext = false
      i += 2
      continue
    }
    const chain = readChain(tokens, i)
    if (chain === undefined || chain.to > to) {
      if (token.text === '(') clauses.push('')
      if (token.text === ')' && clauses.length > 1) clauses.pop()
      out += token.text
      prev = token
      tableNext = false
      i++
      continue
    }
    const clause = clauses[clauses.length - 1]
    const tablePosition = tableNext || (prev?.text === ',' && clause === 'FROM')
    out += translateChain(ctx, tokens, chain, tablePosition)
    tableNext = false
    if (token.kind === 'word' && chain.segments.length === 1) {
      const word = token.text.toUpperCase()
      // `FROM` inside parentheses that hold no SELECT is a function argument
      // (`EXTRACT(YEAR FROM ts)`, `TRIM(BOTH FROM s)`), not a table reference.
      if (TABLE_KEYWORDS.has(word))
        tableNext = word !== 'FROM' || clauses.length === 1 || clause !== ''
      if (CLAUSE_KEYWORDS.has(word)) clauses[clauses.length - 1] = word
    }
    prev = tokens[chain.to - 1]
    i = chain.to
  }
  return out
}

function translateChain(
  ctx: TranslateContext,
  tokens: readonly Token[],
  chain: Chain,
  tablePosition: boolean,
): string {
  const original = tokens
    .slice(chain.from, chain.to)
    .map((t) => t.text)
    .join('')
  const followedByParen = nextSignificant(tokens, chain.to)?.text === '('
  const { segments } = chain
  if (tablePosition) {
    // Dremio lets `t` stand for `a.b.t` when no alias is given; DuckDB needs the alias spelled out.
    const alias = hasAlias(tokens, chain.to)
      ? ''
      : ` AS ${quoteIdent(segments[segments.length - 1] as string)}`
    const hit = resolveDataset(ctx, segments)
    if (hit !== undefined) return quoteIdent(hit.duckName) + alias
    if (followedByParen || segments.length === 1) return original
    const system = systemTable(ctx, segments)
    if (system !== undefined) return system + alias
    if (PASSTHROUGH.has((segments[0] as string).toLowerCase())) return original
    const file = ctx.sourceFile?.(segments)
    if (file !== undefined) return file + alias
    throw notFound(segments)
  }
  if (segments.length < 2) return original
  // Expression position: `a.b.t.col` qualifies a column with a table path; replace the
  // longest prefix that is a registered dataset.
  for (let len = segments.length; len >= 2; len--) {
    const entry = ctx.catalog.get(segments.slice(0, len))
    if (entry?.duckName !== undefined) {
      // The table is in scope under its implicit alias, the last segment of its path.
      const rest = tokens.slice(chain.from + len * 2 - 1, chain.to).map((t) => t.text)
      return quoteIdent(entry.path[entry.path.length - 1] as string) + rest.join('')
    }
  }
  return original
}

/** Words after a table reference that start the next clause rather than name an alias. */
const NOT_ALIAS = new Set(
  (
    'WHERE JOIN LEFT RIGHT INNER FULL CROSS NATURAL ON GROUP ORDER LIMIT OFFSET UNION EXCEPT ' +
    'INTERSECT HAVING WINDOW QUALIFY SET USING VALUES SELECT DEFAULT BY RETURNING WHEN FETCH ' +
    'TABLESAMPLE SAMPLE PIVOT UNPIVOT AT ASOF POSITIONAL ANTI SEMI LATERAL WITH FOR OUTER ' +
    'BY ON THEN AND OR'
  ).split(' '),
)

function hasAlias(tokens: readonly Token[], i: number): boolean {
  const next = nextSignificant(tokens, i)
  if (next === undefined) return false
  if (next.kind === 'qident') return true
  return next.kind === 'word' && !NOT_ALIAS.has(next.text.toUpperCase())
}

/**
 * Dremio's `INFORMATION_SCHEMA."TABLES"`, built from the catalog (DuckDB's own information
 * schema would show the flat internal names).
 */
function systemTable(ctx: TranslateContext, segments: readonly string[]): string | undefined {
  const [schema, table] = segments.map((s) => s.toUpperCase())
  if (segments.length !== 2 || schema !== 'INFORMATION_SCHEMA' || table !== 'TABLES')
    return undefined
  const rows = ctx.catalog.datasets().map((e) => {
    const values = ['DREMIO', e.path.slice(0, -1).join('.'), e.path[e.path.length - 1] as string]
    return `(${values.map(quoteString).join(', ')}, '${e.kind === 'view' ? 'VIEW' : 'TABLE'}')`
  })
  const cols = '("TABLE_CATALOG", "TABLE_SCHEMA", "TABLE_NAME", "TABLE_TYPE")'
  if (rows.length === 0) {
    return `(SELECT * FROM (VALUES ('', '', '', '')) AS t${cols} WHERE false)`
  }
  return `(SELECT * FROM (VALUES ${rows.join(', ')}) AS t${cols})`
}

/** Dremio's validation message for an unknown table. */
export function notFound(segments: readonly string[]): SqlError {
  const name = segments[segments.length - 1] as string
  if (segments.length === 1) return new SqlError(`Object '${name}' not found`)
  return new SqlError(`Object '${name}' not found within '${renderPath(segments.slice(0, -1))}'`)
}

/** Index of the next token that is not whitespace or a comment. */
export function nextSignificant(tokens: readonly Token[], i: number): Token | undefined {
  for (let j = i; j < tokens.length; j++) {
    const t = tokens[j] as Token
    if (t.kind !== 'space' && t.kind !== 'comment') return t
  }
  return undefined
}

/** True when the word at `i` is `keyword`; small helper for statement parsers. */
export function keywordAt(tokens: readonly Token[], i: number, keyword: string): boolean {
  return isKeyword(tokens[i], keyword)
}
