/**
 * Splits a SQL script into statements on top-level `;`. Dremio runs exactly one statement per
 * job, so a script such as the seed's cleanup (`DROP TABLE a; DROP TABLE b;`) is split here and
 * run statement by statement. `;` inside '…' strings, "…" identifiers, `--` line comments and
 * `/* … *\/` block comments does not split. Statements made only of whitespace and comments are
 * dropped; the text of each statement is kept byte for byte (comments included), trimmed.
 */
import { OrchestrationError } from '@df/orchestration'

/**
 * @throws OrchestrationError `DF_TASK_INVALID` for an unterminated string, identifier or comment
 *   (the statement boundaries would be guesses).
 * @example splitSqlStatements("DROP TABLE a; SELECT ';'") // ["DROP TABLE a", "SELECT ';'"]
 */
export function splitSqlStatements(script: string): string[] {
  const out: string[] = []
  let start = 0
  let significant = false
  let i = 0
  const n = script.length
  const push = (end: number): void => {
    if (significant) out.push(script.slice(start, end).trim())
    start = end + 1
    significant = false
  }
  while (i < n) {
    const ch = script[i]
    if (ch === "'" || ch === '"') {
      i = skipQuoted(script, i, ch)
      significant = true
      continue
    }
    if (ch === '-' && script[i + 1] === '-') {
      const end = script.indexOf('\n', i)
      i = end === -1 ? n : end + 1
      continue
    }
    if (ch === '/' && script[i + 1] === '*') {
      const end = script.indexOf('*/', i + 2)
      if (end === -1) throw unterminated('block comment', script, i)
      i = end + 2
      continue
    }
    if (ch === ';') push(i)
    else if (ch !== undefined && !/\s/.test(ch)) significant = true
    i++
  }
  push(n)
  return out
}

/** Index just past the closing quote; a doubled quote is an escaped quote. */
function skipQuoted(script: string, from: number, quote: string): number {
  let i = from + 1
  for (;;) {
    const end = script.indexOf(quote, i)
    if (end === -1) {
      throw unterminated(quote === "'" ? 'string literal' : 'quoted identifier', script, from)
    }
    if (script[end + 1] === quote) {
      i = end + 2
      continue
    }
    return end + 1
  }
}

function unterminated(what: string, script: string, at: number): OrchestrationError {
  const line = script.slice(0, at).split('\n').length
  return new OrchestrationError(
    'DF_TASK_INVALID',
    `[@df/orchestration] SQL has an unterminated ${what} starting on line ${line}.`,
  )
}
