/**
 * A cursor over a token list for the statement parsers: it steps over whitespace and comments,
 * matches keywords and reads Dremio paths, and reports where it stopped so the rest of the text
 * can go through the translator untouched.
 */
import { isKeyword, stringValue, type Token } from './sql-tokens.js'
import { readChain, SqlError } from './sql-translate.js'

export class Cursor {
  readonly tokens: readonly Token[]
  /** Index into `tokens` of the next significant token (or tokens.length). */
  pos: number

  constructor(tokens: readonly Token[], pos = 0) {
    this.tokens = tokens
    this.pos = pos
    this.skip()
  }

  get done(): boolean {
    return this.pos >= this.tokens.length
  }

  peek(): Token | undefined {
    return this.tokens[this.pos]
  }

  next(): Token | undefined {
    const t = this.tokens[this.pos]
    this.pos++
    this.skip()
    return t
  }

  /** True when the next token is the keyword (unquoted, case-insensitive). */
  is(word: string): boolean {
    return isKeyword(this.peek(), word)
  }

  /** Consumes the keywords in order when all of them come next; false (nothing consumed) if not. */
  accept(...words: string[]): boolean {
    const save = this.pos
    for (const word of words) {
      if (!this.is(word)) {
        this.pos = save
        return false
      }
      this.next()
    }
    return true
  }

  expect(...words: string[]): void {
    if (!this.accept(...words)) throw this.syntaxError(words.join(' '))
  }

  /** Reads a (possibly quoted, any depth) Dremio path. */
  path(): string[] {
    const chain = readChain(this.tokens, this.pos)
    if (chain === undefined) throw this.syntaxError('a table path')
    this.pos = chain.to
    this.skip()
    return chain.segments
  }

  /** Reads a single-quoted string literal. */
  string(): string {
    const t = this.peek()
    if (t?.kind !== 'string') throw this.syntaxError('a string literal')
    this.next()
    return stringValue(t)
  }

  /** Reads a balanced `( … )` group; returns the token index range inside the parentheses. */
  group(): { from: number; to: number } {
    if (this.peek()?.text !== '(') throw this.syntaxError('(')
    const from = this.pos + 1
    let depth = 0
    for (let i = this.pos; i < this.tokens.length; i++) {
      const text = (this.tokens[i] as Token).text
      if (text === '(') depth++
      else if (text === ')') {
        depth--
        if (depth === 0) {
          this.pos = i + 1
          this.skip()
          return { from, to: i }
        }
      }
    }
    throw this.syntaxError(')')
  }

  /** Source text of tokens[from, to). */
  text(from: number, to: number): string {
    return this.tokens
      .slice(from, to)
      .map((t) => t.text)
      .join('')
  }

  syntaxError(expected: string): SqlError {
    const near = this.peek()?.text ?? 'end of statement'
    return new SqlError(`Failure parsing the query: expected ${expected} near "${near}"`)
  }

  private skip(): void {
    while (this.pos < this.tokens.length) {
      const kind = (this.tokens[this.pos] as Token).kind
      if (kind !== 'space' && kind !== 'comment') break
      this.pos++
    }
  }
}

/** Splits tokens[from, to) at top-level commas (for column definition lists). */
export function splitTopLevel(tokens: readonly Token[], from: number, to: number): string[] {
  const parts: string[] = []
  let depth = 0
  let current = ''
  for (let i = from; i < to; i++) {
    const t = tokens[i] as Token
    if (t.text === '(') depth++
    if (t.text === ')') depth--
    if (t.text === ',' && depth === 0) {
      parts.push(current.trim())
      current = ''
    } else current += t.text
  }
  if (current.trim() !== '') parts.push(current.trim())
  return parts
}
