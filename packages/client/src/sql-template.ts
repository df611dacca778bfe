/**
 * The `sql` tagged template: interpolated values become typed literals, `ident(path)` becomes a
 * quoted identifier path, `raw(text)` and nested `sql` fragments are inserted as they are.
 */
import { quotePath, type SqlValue, sqlLiteral } from './sql.js'

/** A piece of SQL text that is inserted verbatim into a `sql` template. */
export class SqlFragment {
  /** The SQL text. */
  readonly text: string
  constructor(text: string) {
    this.text = text
  }
  /** The SQL text. */
  toString(): string {
    return this.text
  }
}

/** SQL accepted by the client: plain text or a fragment from `sql`. */
export type SqlText = string | SqlFragment

/** Returns the text of a {@link SqlText}. */
export function sqlText(input: SqlText): string {
  return typeof input === 'string' ? input : input.text
}

/** A quoted identifier path for a `sql` template: `ident(['my space', 't'])` → `"my space"."t"`. */
export function ident(path: readonly string[] | string): SqlFragment {
  return new SqlFragment(quotePath(path))
}

/** Trusted SQL text inserted as is. Never pass user input here. */
export function raw(text: string): SqlFragment {
  return new SqlFragment(text)
}

/**
 * Tagged template that renders values as SQL literals (see `sqlLiteral`).
 * @example sql`SELECT * FROM ${ident('lake.orders')} WHERE id = ${42} AND name = ${"O'Hara"}`
 *  // => SELECT * FROM "lake"."orders" WHERE id = 42 AND name = 'O''Hara'
 */
export function sql(
  strings: TemplateStringsArray,
  ...values: (SqlValue | SqlFragment)[]
): SqlFragment {
  let out = strings[0] ?? ''
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    out += v instanceof SqlFragment ? v.text : sqlLiteral(v)
    out += strings[i + 1] ?? ''
  }
  return new SqlFragment(out)
}
