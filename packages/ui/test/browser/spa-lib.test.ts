/** The SPA's pure helpers, run in Node: params checks, formatting, live task-state merging. */
import { describe, expect, it } from 'vitest'
import { RunModel } from '../../web/src/graph/run-model.js'
import { formatDuration, interval, toMs } from '../../web/src/lib/format.js'
import { checkParams, paramsTemplate } from '../../web/src/lib/params.js'
import type { ParamsSchema } from '../../web/src/lib/types.js'

const schema: ParamsSchema = {
  region: { type: 'string', enum: ['eu', 'us'], default: 'eu' },
  limit: { type: 'integer', minimum: 1, maximum: 100 },
  code: { type: 'string', pattern: '[A-Z]{3}', required: true },
  ratio: { type: 'number' },
}

describe('checkParams', () => {
  it('refuses text that is not a JSON object', () => {
    expect(checkParams('{"a": ', undefined).errors[0]).toMatch(/^Params are not valid JSON/)
    expect(checkParams('[1]', undefined).errors).toEqual([
      'Params must be a JSON object, like {"region": "eu"}.',
    ])
    expect(checkParams('', undefined)).toEqual({ params: {}, errors: [] })
  })

  it('checks declared params like the engine does', () => {
    expect(checkParams('{"code": "ABC"}', schema).errors).toEqual([])
    expect(checkParams('{}', schema).errors).toEqual(["Param 'code' is required."])
    expect(
      checkParams('{"code": "AB1", "region": "mars", "limit": 0, "x": 1}', schema).errors,
    ).toEqual([
      "Unknown param 'x' (declared: region, limit, code, ratio).",
      'Param \'region\' must be one of "eu", "us".',
      "Param 'limit' must be >= 1.",
      "Param 'code' must match /[A-Z]{3}/.",
    ])
    expect(checkParams('{"code": "ABC", "limit": 1.5}', schema).errors).toEqual([
      "Param 'limit' must be an integer, got number.",
    ])
    // An integer is a number; a number is not an integer.
    expect(checkParams('{"code": "ABC", "ratio": 2}', schema).errors).toEqual([])
  })

  it('starts the form with the defaults and the required params', () => {
    expect(JSON.parse(paramsTemplate(schema))).toEqual({ region: 'eu', code: '' })
    expect(paramsTemplate(undefined)).toBe('{}')
  })
})

describe('format', () => {
  it('writes intervals in the schedule syntax', () => {
    expect(interval(3_600_000)).toBe('1h')
    expect(interval(90_000)).toBe('1m30s')
    expect(interval(86_400_000 + 5000)).toBe('1d5s')
    expect(interval(1500)).toBe('1500ms')
  })

  it('reads epoch ms, numeric strings and ISO strings', () => {
    expect(toMs(5)).toBe(5)
    expect(toMs('7')).toBe(7)
    expect(toMs('2026-01-01T00:00:00Z')).toBe(Date.UTC(2026, 0, 1))
    expect(toMs(null)).toBeUndefined()
    expect(formatDuration(61_000)).toBe('1 m 01 s')
    expect(formatDuration(undefined)).toBe('–')
  })
})

describe('RunModel', () => {
  const columns = {
    ids: ['b', 'a', 'gone'],
    states: ['RUNNING', 'SUCCESS', 'REMOVED'],
    attempts: [1, 1, 0],
    startedAt: [10, 5, null],
    finishedAt: [null, 8, null],
  }

  it('puts the columns in graph order and keeps unknown tasks after the graph', () => {
    const m = new RunModel(['a', 'b', 'c'], columns)
    expect(m.ids).toEqual(['a', 'b', 'c', 'gone'])
    expect(m.graphCount).toBe(3)
    expect(m.states).toEqual(['SUCCESS', 'RUNNING', 'PENDING', 'REMOVED'])
    expect(m.counts()).toEqual({ SUCCESS: 1, RUNNING: 1, PENDING: 1, REMOVED: 1 })
  })

  it('applies live events, but never moves a task backwards', () => {
    const m = new RunModel(['a', 'b', 'c'], columns)
    expect(m.apply({ runId: 'r', taskId: 'b', state: 'SUCCESS', attempt: 1, finishedAt: 20 })).toBe(
      1,
    )
    expect(m.states[1]).toBe('SUCCESS')
    expect(m.finishedAt[1]).toBe(20)
    // A late RUNNING of the same attempt (read before the snapshot) is ignored.
    expect(m.apply({ runId: 'r', taskId: 'b', state: 'RUNNING', attempt: 1 })).toBe(-1)
    expect(m.states[1]).toBe('SUCCESS')
    // An older attempt is ignored; a newer one (a retry) is applied.
    expect(m.apply({ runId: 'r', taskId: 'a', state: 'RUNNING', attempt: 0 })).toBe(-1)
    expect(m.apply({ runId: 'r', taskId: 'a', state: 'RUNNING', attempt: 2, startedAt: 30 })).toBe(
      0,
    )
    expect([m.states[0], m.attempts[0], m.startedAt[0], m.finishedAt[0]]).toEqual([
      'RUNNING',
      2,
      30,
      Number.NaN,
    ])
    expect(m.apply({ runId: 'r', taskId: 'nope', state: 'RUNNING', attempt: 1 })).toBe(-1)
  })
})
