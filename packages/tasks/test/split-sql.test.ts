import { describe, expect, it } from 'vitest'
import { splitSqlStatements } from '../src/split-sql.js'

describe('splitSqlStatements', () => {
  it.each([
    ['SELECT 1', ['SELECT 1']],
    ['SELECT 1;', ['SELECT 1']],
    ['  DROP TABLE a;\n DROP TABLE b;\n', ['DROP TABLE a', 'DROP TABLE b']],
    ["SELECT 'a;b'; SELECT 2", ["SELECT 'a;b'", 'SELECT 2']],
    ["SELECT 'it''s;'; SELECT 2", ["SELECT 'it''s;'", 'SELECT 2']],
    ['SELECT "x;""y" FROM t; SELECT 2', ['SELECT "x;""y" FROM t', 'SELECT 2']],
    ['SELECT 1 -- a; comment\n; SELECT 2', ['SELECT 1 -- a; comment', 'SELECT 2']],
    ['/* a; b */ SELECT 1; /* only a comment; */ ; ;', ['/* a; b */ SELECT 1']],
    ['-- nothing here;\n', []],
    ['SELECT 1 -- trailing comment', ['SELECT 1 -- trailing comment']],
  ])('%j', (script, expected) => {
    expect(splitSqlStatements(script)).toEqual(expected)
  })

  it('rejects unterminated strings, identifiers and comments with the line', () => {
    expect(() => splitSqlStatements("SELECT 1;\nSELECT 'oops")).toThrow(
      'unterminated string literal starting on line 2',
    )
    expect(() => splitSqlStatements('SELECT "x')).toThrow(/unterminated quoted identifier/)
    expect(() => splitSqlStatements('SELECT 1 /* x')).toThrow(/unterminated block comment/)
  })
})
