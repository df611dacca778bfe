/** Value normalization and SQL literals: nothing is rounded, truncated or left unescaped. */
import { DateDay, Decimal, Int64, TimestampMicrosecond, TimestampSecond } from 'apache-arrow'
import { describe, expect, it } from 'vitest'
import { decimalWords } from '../../src/arrow.js'
import {
  arrowValue,
  coerceValue,
  decimalFromWords,
  decimalText,
  literalOf,
  ValueError,
} from '../../src/loading/value-codec.js'

const DEC = { kind: 'DECIMAL', precision: 10, scale: 2 } as const

describe('coerceValue', () => {
  it('accepts values that fit their column exactly', () => {
    expect(coerceValue(5, { kind: 'INT' })).toBe(5)
    expect(coerceValue(5n, { kind: 'INT' })).toBe(5)
    expect(coerceValue(9007199254740993n, { kind: 'BIGINT' })).toBe(9007199254740993n)
    expect(coerceValue(42, { kind: 'BIGINT' })).toBe(42n)
    expect(coerceValue('12.5', DEC)).toBe('12.50')
    expect(coerceValue(-0.1, DEC)).toBe('-0.10')
    expect(coerceValue(7n, DEC)).toBe('7.00')
    expect(coerceValue('1.230', DEC)).toBe('1.23')
    expect(coerceValue('2024-02-29', { kind: 'DATE' })).toBe(Date.UTC(2024, 1, 29))
    expect(coerceValue(new Date(Date.UTC(2024, 1, 29)), { kind: 'DATE' })).toBe(
      Date.UTC(2024, 1, 29),
    )
    expect(coerceValue('2024-01-02 03:04:05.6', { kind: 'TIMESTAMP' })).toBe(
      Date.UTC(2024, 0, 2, 3, 4, 5, 600),
    )
    expect(coerceValue('2024-01-02T03:04:05Z', { kind: 'TIMESTAMP' })).toBe(
      Date.UTC(2024, 0, 2, 3, 4, 5),
    )
    expect(coerceValue('01:02:03.004', { kind: 'TIME' })).toBe(3_723_004)
    expect(coerceValue(null, { kind: 'VARCHAR' })).toBeNull()
    expect(coerceValue(undefined, DEC)).toBeNull()
  })

  it('rejects anything that would change the value', () => {
    const bad: [unknown, Parameters<typeof coerceValue>[1]][] = [
      [1.5, { kind: 'INT' }],
      [2 ** 31, { kind: 'INT' }],
      [2 ** 60, { kind: 'BIGINT' }],
      [2n ** 63n, { kind: 'BIGINT' }],
      ['1.234', DEC],
      ['123456789.1', DEC],
      ['1e5', DEC],
      [Number.NaN, { kind: 'DOUBLE' }],
      [1, { kind: 'VARCHAR' }],
      ['a\u0000b', { kind: 'VARCHAR' }],
      ['true', { kind: 'BOOLEAN' }],
      [new Date(Date.UTC(2024, 0, 1, 12)), { kind: 'DATE' }],
      ['2024-1-1', { kind: 'DATE' }],
      ['yesterday', { kind: 'TIMESTAMP' }],
      ['0x00', { kind: 'VARBINARY' }],
    ]
    for (const [value, type] of bad) {
      expect(() => coerceValue(value, type), `${String(value)} as ${type.kind}`).toThrow(ValueError)
    }
  })
})

describe('decimals', () => {
  it('canonicalizes text and reads Decimal128 words back exactly', () => {
    expect(decimalText('-0.00', 5, 2)).toBe('0.00')
    expect(decimalText('+007.5', 5, 2)).toBe('7.50')
    expect(decimalText('.5', 5, 3)).toBe('0.500')
    expect(decimalText('42', 5, 0)).toBe('42')
    for (const v of ['-12345678901234.5678', '0.0001', '99999999999999999999999999999999.9999']) {
      expect(decimalFromWords(decimalWords(v, 4), 4)).toBe(v)
    }
  })
})

describe('arrowValue', () => {
  it('normalizes Arrow vector values per type and unit', () => {
    expect(arrowValue(5n, new Int64(), { kind: 'BIGINT' })).toBe(5n)
    expect(arrowValue(decimalWords('-1.25', 2), new Decimal(2, 9, 128), DEC)).toBe('-1.25')
    expect(
      arrowValue(1_700_000_000_123_456, new TimestampMicrosecond(), { kind: 'TIMESTAMP' }),
    ).toBe(1_700_000_000_123)
    expect(arrowValue(1_700_000_000, new TimestampSecond(), { kind: 'TIMESTAMP' })).toBe(
      1_700_000_000_000,
    )
    expect(arrowValue(86_400_000, new DateDay(), { kind: 'DATE' })).toBe(86_400_000)
    expect(arrowValue(null, new DateDay(), { kind: 'DATE' })).toBeNull()
  })
})

describe('literalOf', () => {
  it('renders typed, escaped Dremio literals', () => {
    expect(literalOf("O'Brien; --", { kind: 'VARCHAR' })).toBe("'O''Brien; --'")
    expect(literalOf('日本 😀', { kind: 'VARCHAR' })).toBe("'日本 😀'")
    expect(literalOf(null, { kind: 'VARCHAR' })).toBe('NULL')
    expect(literalOf(9007199254740993n, { kind: 'BIGINT' })).toBe('9007199254740993')
    expect(literalOf('-1.50', DEC)).toBe('-1.50')
    expect(literalOf(0.1, { kind: 'DOUBLE' })).toBe('0.1')
    expect(literalOf(true, { kind: 'BOOLEAN' })).toBe('TRUE')
    expect(literalOf(Date.UTC(2024, 1, 29), { kind: 'DATE' })).toBe("DATE '2024-02-29'")
    expect(literalOf(Date.UTC(2024, 0, 2, 3, 4, 5, 6), { kind: 'TIMESTAMP' })).toBe(
      "TIMESTAMP '2024-01-02 03:04:05.006'",
    )
    expect(literalOf(3_723_004, { kind: 'TIME' })).toBe("TIME '01:02:03.004'")
    expect(literalOf(new Uint8Array([0, 255, 39]), { kind: 'VARBINARY' })).toBe("X'00ff27'")
  })
})
