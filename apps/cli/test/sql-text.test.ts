import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CliError } from '../src/cli-error.js'
import { firstInvalidUtf8, prepareStatements, readSqlText } from '../src/sql-text.js'

const ctx = { logicalDate: '2026-11-26T00:00:00.000Z', runId: 'r1', params: {} }

describe('the SQL a command runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'df-cli-sql-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('splits before rendering, so a param cannot add a statement', () => {
    const v = "x'; DROP TABLE inj.victim; --"
    const statements = prepareStatements("SELECT '{{ params.v }}' AS v", { ...ctx, params: { v } })
    expect(statements).toEqual([`SELECT '${v}' AS v`])
    expect(
      prepareStatements("DELETE FROM t WHERE d = '{{ ds }}'; SELECT {{ params.v | sql }} AS v", {
        ...ctx,
        params: { v },
      }),
    ).toEqual([
      "DELETE FROM t WHERE d = '2026-11-26'",
      "SELECT 'x''; DROP TABLE inj.victim; --' AS v",
    ])
  })

  it('refuses unterminated quotes, empty scripts and unknown placeholders as usage errors', () => {
    for (const [sql, message] of [
      ["SELECT 'x", /unterminated string literal/],
      [' ; -- nothing', /no statement/],
      ['SELECT {{ nope }}', /unknown placeholder/],
      ['SELECT {{ params.missing }}', /no param 'missing'/],
    ] as const) {
      try {
        prepareStatements(sql, ctx)
        expect.unreachable()
      } catch (error) {
        expect(CliError.is(error) && error.code).toBe('DF_CLI_USAGE')
        expect((error as Error).message).toMatch(message)
      }
    }
  })

  it('reads UTF-8 files (BOM dropped) and refuses anything else, naming the byte', () => {
    const ok = join(dir, 'ok.sql')
    writeFileSync(
      ok,
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("SELECT 'café'")]),
    )
    expect(readSqlText(undefined, ok)).toBe("SELECT 'café'")
    const latin1 = join(dir, 'latin1.sql')
    writeFileSync(latin1, Buffer.from("SELECT 'caf\xe9'", 'latin1'))
    expect(() => readSqlText(undefined, latin1)).toThrow(
      /latin1\.sql is not valid UTF-8 \(byte 11\)/,
    )
    expect(() => readSqlText(undefined, undefined)).toThrow(
      'Give the SQL as an argument or with --file.',
    )
    expect(() => readSqlText('SELECT 1', ok)).toThrow('not both')
  })

  it('finds the first byte that breaks UTF-8', () => {
    const at = (...bytes: number[]) => firstInvalidUtf8(Uint8Array.from(bytes))
    expect(at(0x41, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80)).toBe(-1)
    expect(at(0x41, 0xe9, 0x41)).toBe(1) // Latin-1 é
    expect(at(0xc0, 0x80)).toBe(0) // overlong NUL
    expect(at(0xed, 0xa0, 0x80)).toBe(0) // UTF-16 surrogate
    expect(at(0x41, 0xe2, 0x82)).toBe(1) // truncated
    expect(at(0xff)).toBe(0)
  })
})
