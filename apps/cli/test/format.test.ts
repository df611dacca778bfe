import { describe, expect, it } from 'vitest'
import { formatDuration, parseParams, renderCsv, renderTable } from '../src/format.js'

describe('format', () => {
  it('formats durations for people', () => {
    expect([undefined, 12, 1234, 65_000, 7_380_000].map(formatDuration)).toEqual([
      '-',
      '12ms',
      '1.2s',
      '1m 05s',
      '2h 03m',
    ])
  })

  it('parses --param values: JSON-looking ones as JSON, the rest as strings', () => {
    expect(
      parseParams(['d=2024-05-01', 'n=5', 'on=true', 'list=[1,2]', 'eq=a=b', 'q="5"']),
    ).toEqual({
      d: '2024-05-01',
      n: 5,
      on: true,
      list: [1, 2],
      eq: 'a=b',
      q: '5',
    })
    expect(() => parseParams(['novalue'])).toThrow(/--param expects key=value/)
  })

  it('renders aligned tables and RFC 4180 CSV', () => {
    expect(renderTable(['A', 'BB'], [['xyz', '1']])).toBe('A    BB\n---  --\nxyz  1')
    expect(renderCsv(['a', 'b'], [{ a: 'x,"y"', b: null }])).toBe('a,b\n"x,""y""",\n')
  })
})

describe('renderTable with many rows', () => {
  it('renders 200,000 rows (no spread of every row into Math.max)', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => [String(i)])
    const text = renderTable(['id'], rows)
    expect(text.split('\n')).toHaveLength(200_002)
    expect(text.endsWith('\n199999')).toBe(true)
    expect(text.split('\n')[1]).toBe('------')
  })
})
