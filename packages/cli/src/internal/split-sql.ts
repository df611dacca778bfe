/**
 * Splits a SQL script on top-level `;` (Dremio runs one statement per job). `;` inside '…'
 * strings, "…" identifiers, `--` comments and block comments does not split; statements made
 * only of whitespace and comments are dropped.
 *
 * A copy of the rule `DremioQueryTask` applies (`@df/orchestration` keeps its splitter
 * internal); the CLI's `sql --file` must split exactly like a task would.
 */
export function splitSql(script: string): string[] {
  const out: string[] = []
  let start = 0
  let significant = false
  let i = 0
  const push = (end: number): void => {
    if (significant) out.push(script.slice(start, end).trim())
    start = end + 1
    significant = false
  }
  while (i < script.length) {
    const ch = script[i] as string
    if (ch === "'" || ch === '"') {
      const end = closeQuote(script, i, ch)
      if (end < 0) throw new Error(`unterminated ${ch === "'" ? 'string' : 'quoted identifier'}`)
      i = end
      significant = true
    } else if (ch === '-' && script[i + 1] === '-') {
      const nl = script.indexOf('\n', i)
      i = nl < 0 ? script.length : nl + 1
    } else if (ch === '/' && script[i + 1] === '*') {
      const end = script.indexOf('*/', i + 2)
      if (end < 0) throw new Error('unterminated /* comment')
      i = end + 2
    } else if (ch === ';') {
      push(i)
      i++
    } else {
      if (!/\s/.test(ch)) significant = true
      i++
    }
  }
  push(script.length)
  return out
}

/** Index after the closing quote (a doubled quote is an escaped one), or -1. */
function closeQuote(text: string, open: number, quote: string): number {
  let i = open + 1
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) i += 2
      else return i + 1
    } else i++
  }
  return -1
}
