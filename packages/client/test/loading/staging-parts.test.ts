/**
 * Parquet writing (parquet-wasm) read back byte-exact, and the local-directory stager's area
 * lifecycle on a real temporary directory.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { tableFromIPC } from 'apache-arrow'
import * as pw from 'parquet-wasm'
import { afterAll, describe, expect, it } from 'vitest'
import type { LoadColumn } from '../../src/loading/column-types.js'
import { prepareChunk } from '../../src/loading/load-data.js'
import { createLocalDirectoryStager } from '../../src/loading/local-directory-stager.js'
import { writeParquet } from '../../src/loading/parquet.js'
import { decimalFromWords } from '../../src/loading/value-codec.js'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

const columns: LoadColumn[] = [
  { name: 'id', type: { kind: 'INT' } },
  { name: 'big', type: { kind: 'BIGINT' } },
  { name: 'amount', type: { kind: 'DECIMAL', precision: 20, scale: 4 } },
  { name: 'd', type: { kind: 'DATE' } },
  { name: 'ts', type: { kind: 'TIMESTAMP' } },
  { name: 'flag', type: { kind: 'BOOLEAN' } },
  { name: 's', type: { kind: 'VARCHAR' } },
  { name: 'bin', type: { kind: 'VARBINARY' } },
]

describe('writeParquet', () => {
  it.each(['snappy', 'zstd', 'uncompressed'] as const)(
    'round-trips every type (%s)',
    async (codec) => {
      const rows = [
        {
          id: -7,
          big: 9007199254740993n,
          amount: '-12345678901234.5678',
          d: '2024-02-29',
          ts: '2024-01-02 03:04:05.678',
          flag: false,
          s: "O'Brien 😀",
          bin: new Uint8Array([0, 255]),
        },
        { id: 1, big: null, amount: null, d: null, ts: null, flag: null, s: null, bin: null },
      ]
      const bytes = await writeParquet(
        prepareChunk({ kind: 'rows', rows }, columns, 0).toArrow(),
        codec,
      )
      const back = tableFromIPC(pw.readParquet(bytes).intoIPCStream())
      const first = back.get(0)?.toJSON() as Record<string, unknown>
      expect(first.id).toBe(-7)
      expect(first.big).toBe(9007199254740993n)
      expect(decimalFromWords(first.amount as Uint32Array, 4)).toBe('-12345678901234.5678')
      expect(first.d).toBe(Date.UTC(2024, 1, 29))
      expect(first.ts).toBe(Date.UTC(2024, 0, 2, 3, 4, 5, 678))
      expect(first.flag).toBe(false)
      expect(first.s).toBe("O'Brien 😀")
      expect([...(first.bin as Uint8Array)]).toEqual([0, 255])
      expect(Object.values(back.get(1)?.toJSON() ?? {}).slice(1)).toEqual(Array(7).fill(null))
    },
  )
})

describe('createLocalDirectoryStager', () => {
  it('puts files in a fresh area and removes the area (idempotently)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'df-stager-'))
    dirs.push(dir)
    const stager = createLocalDirectoryStager({ directory: dir, source: 'lake', prefix: 'stage/x' })
    const area = await stager.open('load-1')
    expect(area.location).toBe('@lake/stage/x/load-1')
    await area.put('part-00000.parquet', new Uint8Array([1, 2, 3]))
    expect(readdirSync(join(dir, 'stage', 'x', 'load-1'))).toEqual(['part-00000.parquet'])
    await area.remove()
    await area.remove()
    expect(existsSync(join(dir, 'stage', 'x', 'load-1'))).toBe(false)
  })

  it('refuses names that could leave the source directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'df-stager-'))
    dirs.push(dir)
    expect(() => createLocalDirectoryStager({ directory: dir, source: 'la/ke' })).toThrow(
      expect.objectContaining({ reason: 'DF_LOAD_INVALID_INPUT' }),
    )
    expect(() =>
      createLocalDirectoryStager({ directory: dir, source: 'lake', prefix: '../up' }),
    ).toThrow(/prefix/)
    const stager = createLocalDirectoryStager({ directory: dir, source: 'lake' })
    await expect(stager.open('..')).rejects.toMatchObject({ reason: 'DF_LOAD_INVALID_INPUT' })
    const area = await stager.open('ok')
    await expect(area.put('../escape.parquet', new Uint8Array())).rejects.toMatchObject({
      reason: 'DF_LOAD_INVALID_INPUT',
    })
    await area.remove()
  })

  it('reports a directory it cannot write as DF_LOAD_STAGING_FAILED', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'df-stager-'))
    dirs.push(dir)
    writeFileSync(join(dir, 'a-file'), 'not a directory')
    const stager = createLocalDirectoryStager({ directory: join(dir, 'a-file'), source: 'lake' })
    await expect(stager.open('x')).rejects.toMatchObject({
      reason: 'DF_LOAD_STAGING_FAILED',
      message: expect.stringMatching(/^\[@df\/client\] Cannot create/),
    })
  })
})
