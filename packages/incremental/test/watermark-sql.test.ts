/** Typed watermark literals: the column type decides the literal; nothing goes through `String()`. */
import { describe, expect, it } from 'vitest'
import {
  storedType,
  toStoredValue,
  watermarkKind,
  watermarkLiteral,
} from '../src/internal/watermark-sql.js'

describe('watermark literals', () => {
  it('classifies Dremio types and refuses the others', () => {
    expect(watermarkKind({ name: 'TIMESTAMP' }, 'c')).toBe('timestamp')
    expect(watermarkKind({ name: 'DATE' }, 'c')).toBe('date')
    expect(watermarkKind({ name: 'BIGINT' }, 'c')).toBe('integer')
    expect(watermarkKind({ name: 'DECIMAL', precision: 10, scale: 2 }, 'c')).toBe('decimal')
    expect(watermarkKind({ name: 'DOUBLE' }, 'c')).toBe('float')
    expect(watermarkKind({ name: 'VARCHAR' }, 'c')).toBe('string')
    expect(() => watermarkKind({ name: 'BOOLEAN' }, 'flag')).toThrow(
      expect.objectContaining({ reason: 'DF_INCREMENTAL_INVALID_INPUT' }),
    )
    expect(storedType('date')).toBe('timestamp')
    expect(storedType('decimal')).toBe('number')
  })

  it('stores ISO timestamps and exact number text', () => {
    expect(toStoredValue('timestamp', '2024-01-01 10:00:00.250', undefined)).toBe(
      '2024-01-01T10:00:00.250Z',
    )
    expect(toStoredValue('date', '2024-03-02', undefined)).toBe('2024-03-02T00:00:00.000Z')
    expect(toStoredValue('integer', 9007199254740992, '9007199254740993')).toBe('9007199254740993')
    expect(() => toStoredValue('timestamp', 'soon', undefined)).toThrow(
      expect.objectContaining({ reason: 'DF_INCREMENTAL_WATERMARK_UNREADABLE' }),
    )
    expect(() => toStoredValue('decimal', 1, '1; DROP TABLE x')).toThrow(/malformed/)
  })

  it('renders typed literals, with lookback where it makes sense', () => {
    expect(watermarkLiteral('timestamp', '2024-01-01T10:00:00.250Z')).toBe(
      "TIMESTAMP '2024-01-01 10:00:00.250'",
    )
    expect(watermarkLiteral('timestamp', '2024-01-01T10:00:00.250Z', 3_600_000)).toBe(
      "TIMESTAMP '2024-01-01 09:00:00.250'",
    )
    expect(watermarkLiteral('date', '2024-03-02T00:00:00.000Z', 86_400_000)).toBe(
      "DATE '2024-03-01'",
    )
    expect(watermarkLiteral('integer', '9007199254740993')).toBe('9007199254740993')
    expect(watermarkLiteral('decimal', '1.50', 1)).toBe('(1.50 - 1)')
    expect(watermarkLiteral('float', '0.1')).toBe("CAST('0.1' AS DOUBLE)")
    expect(watermarkLiteral('string', "it's")).toBe("'it''s'")
    expect(() => watermarkLiteral('string', 'a', 5)).toThrow(
      expect.objectContaining({ reason: 'DF_INCREMENTAL_INVALID_INPUT' }),
    )
    expect(() => watermarkLiteral('integer', '1 OR 1=1')).toThrow(/malformed/)
  })
})
