import { describe, expect, it } from 'vitest'
import { renderTemplate, templatePlaceholders } from '../src/index.js'

const ctx = {
  logicalDate: '2026-11-26T02:00:00.000Z',
  runId: 'scheduled__2026-11-26',
  params: {
    v: "x'; DROP TABLE inj.victim; --",
    n: 5,
    on: true,
    none: null,
    table: 'my "odd" table',
    list: [1, 'a'],
  },
}

describe('template filters', () => {
  it('| sql renders a quoted SQL literal (quotes doubled), numbers and booleans as such', () => {
    expect(renderTemplate('SELECT {{ params.v | sql }} AS v', ctx)).toBe(
      "SELECT 'x''; DROP TABLE inj.victim; --' AS v",
    )
    expect(
      renderTemplate('{{ params.n|sql }} {{ params.on | sql }} {{ params.none | sql }}', ctx),
    ).toBe('5 TRUE NULL')
    expect(renderTemplate('{{ ds | sql }} {{ ts | sql }}', ctx)).toBe(
      "'2026-11-26' '2026-11-26T02:00:00.000Z'",
    )
    expect(renderTemplate('{{ params.list | sql }}', ctx)).toBe(`'[1,"a"]'`)
  })

  it('| ident renders a quoted identifier (double quotes doubled)', () => {
    expect(renderTemplate('SELECT * FROM {{ params.table | ident }}', ctx)).toBe(
      'SELECT * FROM "my ""odd"" table"',
    )
    expect(renderTemplate('{{ run_id | ident }}', ctx)).toBe('"scheduled__2026-11-26"')
    expect(() => renderTemplate('{{ params.n | ident }}', ctx)).toThrow(/\| ident needs text/)
    expect(() => renderTemplate('{{ params.none | ident }}', ctx)).toThrow(/\| ident needs text/)
  })

  it('refuses an unknown filter, before anything runs', () => {
    expect(() => renderTemplate('{{ params.v | upper }}', ctx)).toThrow(
      /unknown filter 'upper' in '\{\{ params.v \| upper \}\}' \(known: sql, ident\)/,
    )
    expect(() => templatePlaceholders('{{ params.v | upper }}')).toThrow(/unknown filter 'upper'/)
    expect(templatePlaceholders('{{ params.v | sql }} {{ ds }}')).toEqual(['params.v', 'ds'])
  })

  it('keeps the unfiltered form as it was (raw text)', () => {
    expect(renderTemplate("SELECT '{{ params.v }}'", ctx)).toBe(
      "SELECT 'x'; DROP TABLE inj.victim; --'",
    )
  })
})
