import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Emulator } from '../src/index.js'
import { run, runFailing, start } from './helpers.js'

let emu: Emulator
beforeAll(async () => {
  emu = await start()
  await emu.query('CREATE TABLE grammar.t AS SELECT 1 AS x')
})
afterAll(() => emu.close())

describe("OPTIMIZE and VACUUM follow Dremio's documented grammar", () => {
  it.each([
    'OPTIMIZE TABLE grammar.t',
    'OPTIMIZE TABLE grammar.t REWRITE DATA',
    'OPTIMIZE TABLE grammar.t REWRITE DATA USING BIN_PACK',
    'OPTIMIZE TABLE grammar.t REWRITE DATA USING BIN_PACK (TARGET_FILE_SIZE_MB = 256, MIN_FILE_SIZE_MB = 10, MAX_FILE_SIZE_MB = 400, MIN_INPUT_FILES = 5)',
    'OPTIMIZE TABLE grammar.t REWRITE DATA (MIN_INPUT_FILES = 2) FOR PARTITIONS x > 0',
    'OPTIMIZE TABLE grammar.t FOR PARTITIONS x = 1',
  ])('accepts %s', async (sql) => {
    expect((await run(emu, sql)).rows).toEqual([
      { rewritten_data_files_count: 0, rewritten_delete_files_count: 0, new_data_files_count: 0 },
    ])
  })

  it.each([
    'VACUUM TABLE grammar.t EXPIRE SNAPSHOTS',
    "VACUUM TABLE grammar.t EXPIRE SNAPSHOTS older_than = '2026-11-20 00:00:00.000' retain_last = 5",
    'VACUUM TABLE grammar.t EXPIRE SNAPSHOTS retain_last = 1',
    "VACUUM TABLE grammar.t REMOVE ORPHAN FILES older_than = '2026-11-20' location = 's3://b/t'",
    // Issue 15 item 8: `=` is optional in Dremio's grammar (`older_than [=] <value>`); the Cloud
    // docs show `older_than '…' retain_last=20`, and Dremio's keywords ignore case.
    "VACUUM TABLE grammar.t EXPIRE SNAPSHOTS older_than '2026-11-20 00:00:00.000' retain_last 5",
    "VACUUM TABLE grammar.t EXPIRE SNAPSHOTS older_than '2023-04-20 00:00:00.000' retain_last=20",
    "VACUUM TABLE grammar.t EXPIRE SNAPSHOTS OLDER_THAN '2026-11-20'",
    'VACUUM TABLE grammar.t EXPIRE SNAPSHOTS RETAIN_LAST 5',
    "VACUUM TABLE grammar.t EXPIRE SNAPSHOTS retain_last 5 older_than '2026-11-20'",
    "VACUUM TABLE grammar.t REMOVE ORPHAN FILES older_than '2026-11-20' location 's3://b/t'",
  ])('accepts %s', async (sql) => {
    expect((await run(emu, sql)).rowCount).toBe(1)
  })

  it.each([
    ['OPTIMIZE TABLE grammar.t REWRITE DATA (TARGET_FILE_SIZE = 256)', /invalid OPTIMIZE option/],
    [
      'OPTIMIZE TABLE grammar.t REWRITE DATA (MIN_INPUT_FILES = 2, MIN_INPUT_FILES = 3)',
      /given twice/,
    ],
    [
      'OPTIMIZE TABLE grammar.t REWRITE MANIFESTS (MIN_INPUT_FILES = 2)',
      /expected end of statement/,
    ],
    ['OPTIMIZE TABLE grammar.t FOR PARTITIONS', /partition predicate/],
    // dremioframe's spelling, which Dremio rejects (RETAIN_LAST is one keyword):
    ['VACUUM TABLE grammar.t EXPIRE SNAPSHOTS RETAIN LAST 5', /expected older_than/],
    ["VACUUM TABLE grammar.t EXPIRE SNAPSHOTS older_than == '2026-11-20'", /a string literal/],
    ['VACUUM TABLE grammar.t EXPIRE SNAPSHOTS retain_last = = 5', /whole number >= 1/],
    ["VACUUM TABLE grammar.t EXPIRE SNAPSHOTS retain_last '5'", /whole number >= 1/],
    ['VACUUM TABLE grammar.t EXPIRE SNAPSHOTS older_than 5', /a string literal/],
    ['VACUUM TABLE grammar.t EXPIRE SNAPSHOTS retain_last 5 retain_last 6', /expected older_than/],
    ["VACUUM TABLE grammar.t EXPIRE SNAPSHOTS location 's3://b/t'", /expected older_than/],
    ['VACUUM TABLE grammar.t', /EXPIRE SNAPSHOTS or REMOVE ORPHAN FILES/],
    ['VACUUM TABLE grammar.t EXPIRE SNAPSHOTS retain_last = 0', /whole number >= 1/],
    ["VACUUM TABLE grammar.t EXPIRE SNAPSHOTS older_than = 'yesterday'", /not a timestamp/],
    ['VACUUM TABLE grammar.t REMOVE ORPHAN FILES retain_last = 2', /expected older_than/],
  ])('rejects %s', async (sql, error) => {
    expect(await runFailing(emu, sql)).toMatch(error)
  })
})
