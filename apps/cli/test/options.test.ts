import { RUN_STATES } from '@df/orchestration'
import { InvalidArgumentError } from 'commander'
import { describe, expect, it } from 'vitest'
import { RUN_STATE_NAMES } from '../src/commands/pipeline.js'
import { definedEnv, isoInstant, nonEmpty, oneOf, wholeNumber } from '../src/options.js'

describe('option parsers', () => {
  it('accepts whole numbers in range and refuses anything else with the flag named', () => {
    const rows = wholeNumber('--max-rows', 1, 1000)
    expect(rows('25', 0)).toBe(25)
    for (const bad of ['abc', '0', '1001', '1.5', '-3', '', '1e3', '12abc']) {
      expect(() => rows(bad, 0)).toThrow(InvalidArgumentError)
      expect(() => rows(bad, 0)).toThrow(
        `--max-rows must be a whole number from 1 to 1000, got '${bad}'.`,
      )
    }
  })

  it('accepts one of the choices (case-insensitively when asked)', () => {
    expect(oneOf('--format', ['table', 'json'])('json', 'table')).toBe('json')
    expect(() => oneOf('--format', ['table', 'json'])('JSON', 'table')).toThrow(
      "--format must be one of table, json, got 'JSON'.",
    )
    expect(oneOf('--status', ['RUNNING', 'FAILED'], true)('failed', 'RUNNING')).toBe('FAILED')
  })

  it('reads ISO dates and instants (what Airflow renders) as UTC instants', () => {
    const date = isoInstant('--logical-date')
    expect(date('2026-11-26', '')).toBe('2026-11-26T00:00:00.000Z')
    expect(date('2026-11-26T02:00:00+00:00', '')).toBe('2026-11-26T02:00:00.000Z')
    expect(date('2026-11-26T02:00:00+02:00', '')).toBe('2026-11-26T00:00:00.000Z')
    expect(date('2026-11-26 02:00:00', '')).toMatch(/^2026-11-26T/)
    for (const bad of ['yesterday', '26/11/2026', '2026-13-40', '']) {
      expect(() => date(bad, '')).toThrow(/--logical-date must be an ISO 8601 date/)
    }
    expect(() => nonEmpty('--run-id')('  ', '')).toThrow('--run-id must not be empty.')
  })

  it('drops empty and blank environment variables', () => {
    expect(definedEnv({ A: '', B: '  ', C: 'x', D: undefined })).toEqual({ C: 'x' })
  })

  it("keeps --status's choices equal to the engine's run states", () => {
    expect([...RUN_STATE_NAMES]).toEqual([...RUN_STATES])
  })
})
