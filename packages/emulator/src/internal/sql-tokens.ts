/**
 * A small SQL tokenizer: enough to find Dremio identifier chains and statement keywords while
 * respecting string literals, comments and double-quoted identifiers. It never evaluates SQL; the
 * translator re-assembles the original text with some identifier chains replaced.
 */

/** Token kinds. `word` is an unquoted identifier or keyword; `qident` a "double-quoted" one. */
export type TokenKind = 'word' | 'qident' | 'string' | 'number' | 'punct' | 'space' | 'comment'

export interface Token {
  kind: TokenKind
  /** The exact source text of the token. */
  text: string
  /** Offset of the first character in the source. */
  start: number
  /** Offset after the last character. */
  end: number
}

const WORD_START = /[A-Za-z_\u0080-\uffff$]/
const WORD_PART = /[A-Za-z0-9_\u0080-\uffff$]/

/** Splits `sql` into tokens. Unterminated strings or identifiers run to the end of the text. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  const n = sql.length
  while (i < n) {
    const start = i
    const ch = sql[i] as string
    let kind: TokenKind
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f') {
      while (i < n && /\s/.test(sql[i] as string)) i++
      kind = 'space'
    } else if (ch === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++
      kind = 'comment'
    } else if (ch === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2)
      i = close < 0 ? n : close + 2
      kind = 'comment'
    } else if (ch === "'" || ch === '"') {
      i = skipQuoted(sql, i, ch)
      kind = ch === "'" ? 'string' : 'qident'
    } else if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      while (i < n && /[0-9.eE]/.test(sql[i] as string)) {
        if ((sql[i] === 'e' || sql[i] === 'E') && (sql[i + 1] === '-' || sql[i + 1] === '+')) i++
        i++
      }
      kind = 'number'
    } else if (WORD_START.test(ch)) {
      while (i < n && WORD_PART.test(sql[i] as string)) i++
      kind = 'word'
    } else {
      i++
      kind = 'punct'
    }
    tokens.push({ kind, text: sql.slice(start, i), start, end: i })
  }
  return tokens
}

function skipQuoted(sql: string, from: number, quote: string): number {
  let i = from + 1
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) {
        i += 2
        continue
      }
      return i + 1
    }
    i++
  }
  return sql.length
}

/** The identifier text of a word or quoted identifier (quotes removed, doubled quotes undone). */
export function identValue(token: Token): string {
  if (token.kind === 'qident') return token.text.slice(1, -1).replaceAll('""', '"')
  return token.text
}

/** The value of a single-quoted string literal. */
export function stringValue(token: Token): string {
  return token.text.slice(1, -1).replaceAll("''", "'")
}

/** Tokens that carry meaning (no whitespace, no comments). */
export function significant(tokens: readonly Token[]): Token[] {
  return tokens.filter((t) => t.kind !== 'space' && t.kind !== 'comment')
}

/** True when `token` is the keyword `word` (case-insensitive, unquoted). */
export function isKeyword(token: Token | undefined, word: string): boolean {
  return token !== undefined && token.kind === 'word' && token.text.toUpperCase() === word
}

/** Quotes one identifier for DuckDB or Dremio (double quotes, inner quotes doubled). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** Quotes a string literal (single quotes, inner quotes doubled). */
export function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

/**
 * Renders a path the way Dremio prints it in messages: segments joined by dots, a segment quoted
 * when it is not a plain identifier.
 */
export function renderPath(path: readonly string[]): string {
  return path.map((s) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? s : quoteIdent(s))).join('.')
}
