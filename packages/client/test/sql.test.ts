import { describe, expect, it } from 'vitest'
import {
  DremioError,
  ident,
  parsePath,
  quoteIdentifier,
  quotePath,
  raw,
  sql,
  sqlLiteral,
} from '../src/index.js'

function invalidInput(fn: () => unknown): DremioError {
  try {
    fn()
  } catch (error) {
    expect(DremioError.is(error)).toBe(true)
    expect((error as DremioError).code).toBe('DF_DREMIO_INVALID_SQL_INPUT')
    expect((error as DremioError).message).toMatch(/^\[@df\/client\] /)
    return error as DremioError
  }
  throw new Error('expected a DF_DREMIO_INVALID_SQL_INPUT error')
}

describe('quoteIdentifier / quotePath', () => {
  it('wraps in double quotes and doubles inner quotes', () => {
    expect(quoteIdentifier('t')).toBe('"t"')
    expect(quoteIdentifier('my space')).toBe('"my space"')
    expect(quoteIdentifier('a"b')).toBe('"a""b"')
    expect(quoteIdentifier('x"; DROP TABLE t; --')).toBe('"x""; DROP TABLE t; --"')
  })
  it('rejects empty segments and control characters', () => {
    invalidInput(() => quoteIdentifier(''))
    invalidInput(() => quoteIdentifier('a\nb'))
    invalidInput(() => quoteIdentifier('a\u0000'))
  })
  it('quotes arrays and dotted strings', () => {
    expect(quotePath(['my space', 'folder', 't'])).toBe('"my space"."folder"."t"')
    expect(quotePath('"my space".folder.t')).toBe('"my space"."folder"."t"')
    invalidInput(() => quotePath([]))
  })
})

describe('parsePath', () => {
  it('splits bare and quoted segments', () => {
    expect(parsePath('a.b.c')).toEqual(['a', 'b', 'c'])
    expect(parsePath('"a.b".c')).toEqual(['a.b', 'c'])
    expect(parsePath('"say ""hi""".t')).toEqual(['say "hi"', 't'])
    expect(parsePath('@dremio.t_1.$x-y')).toEqual(['@dremio', 't_1', '$x-y'])
    expect(parsePath('"Samples"."samples.dremio.com"."zips.json"')).toEqual([
      'Samples',
      'samples.dremio.com',
      'zips.json',
    ])
  })
  it('round-trips through quotePath', () => {
    const path = ['we"ird', 'a.b', 'sp ace', ';']
    expect(parsePath(quotePath(path))).toEqual(path)
  })
  it('rejects malformed input with a typed error', () => {
    for (const bad of [
      '',
      '  ',
      'a..b',
      'a.',
      '.a',
      '"abc',
      'a"b',
      'a;b',
      'a b',
      't;DROP',
      '"a"b',
      'a.(b)',
    ]) {
      invalidInput(() => parsePath(bad))
    }
    expect(invalidInput(() => parsePath('x;y')).message).toContain('"x;y"')
  })
  it('validates arrays too', () => {
    expect(parsePath(['a', 'b'])).toEqual(['a', 'b'])
    invalidInput(() => parsePath(['a', '']))
  })
})

describe('sqlLiteral', () => {
  it('renders scalars', () => {
    expect(sqlLiteral(null)).toBe('NULL')
    expect(sqlLiteral(undefined)).toBe('NULL')
    expect(sqlLiteral(true)).toBe('TRUE')
    expect(sqlLiteral(false)).toBe('FALSE')
    expect(sqlLiteral(42)).toBe('42')
    expect(sqlLiteral(-1.5)).toBe('-1.5')
    expect(sqlLiteral(12345678901234567890n)).toBe('12345678901234567890')
    expect(sqlLiteral("O'Hara")).toBe("'O''Hara'")
    expect(sqlLiteral("'; DROP TABLE t; --")).toBe("'''; DROP TABLE t; --'")
  })
  it('renders typed literals', () => {
    expect(sqlLiteral('2024-05-01', 'DATE')).toBe("DATE '2024-05-01'")
    expect(sqlLiteral('2024-05-01 09:15:00.250', 'TIMESTAMP')).toBe(
      "TIMESTAMP '2024-05-01 09:15:00.250'",
    )
    expect(sqlLiteral('2024-05-01T09:15:00', 'TIMESTAMP')).toBe("TIMESTAMP '2024-05-01 09:15:00'")
    expect(sqlLiteral('09:15:00', 'TIME')).toBe("TIME '09:15:00'")
    expect(sqlLiteral('12.50', 'DECIMAL')).toBe('12.50')
    expect(sqlLiteral(7, 'VARCHAR')).toBe("'7'")
    const d = new Date(Date.UTC(2024, 4, 1, 9, 15, 0, 250))
    expect(sqlLiteral(d)).toBe("TIMESTAMP '2024-05-01 09:15:00.250'")
    expect(sqlLiteral(d, 'DATE')).toBe("DATE '2024-05-01'")
    expect(sqlLiteral(new Uint8Array([0, 1, 255]))).toBe("X'0001ff'")
  })
  it('rejects values that cannot be literals', () => {
    invalidInput(() => sqlLiteral(Number.NaN))
    invalidInput(() => sqlLiteral(Number.POSITIVE_INFINITY))
    invalidInput(() => sqlLiteral(new Date('nope')))
    invalidInput(() => sqlLiteral('2024-5-1', 'DATE'))
    invalidInput(() => sqlLiteral("1'; --", 'DECIMAL'))
    invalidInput(() => sqlLiteral('1.5', 'INTEGER'))
    invalidInput(() => sqlLiteral(1.5, 'BIGINT'))
    invalidInput(() => sqlLiteral(true, 'DATE'))
    invalidInput(() => sqlLiteral({} as never))
    invalidInput(() => sqlLiteral('a\u0000b'))
  })
})

describe('sql template', () => {
  it('renders values as literals and fragments verbatim', () => {
    const q = sql`SELECT * FROM ${ident('"my space".t')} WHERE a = ${"O'Hara"} AND b = ${3} ${raw('LIMIT 1')}`
    expect(q.text).toBe(`SELECT * FROM "my space"."t" WHERE a = 'O''Hara' AND b = 3 LIMIT 1`)
    const nested = sql`SELECT x FROM (${q}) s WHERE d > ${new Date(0)}`
    expect(String(nested)).toContain("d > TIMESTAMP '1970-01-01 00:00:00.000'")
    expect(nested.text).toContain(q.text)
  })
})
