/**
 * Bad input and closed pipes (issue 15, items 7, 13, 14): every numeric or enum flag is
 * validated (exit 2, one clear message), a non-UTF-8 SQL file is refused, an empty environment
 * variable counts as unset, and `sql … | head -c 100` stops quietly with exit 0.
 */
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Emulator } from '@df/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emulatorEnv, startEmulator } from './emulator.js'
import { cliShellCommand, ROOT, runCliProcess, tempDir } from './helpers.js'

describe('dremio-cli bad input', () => {
  let emulator: Emulator
  let env: Record<string, string>
  let tmp: ReturnType<typeof tempDir>
  beforeAll(async () => {
    emulator = await startEmulator()
    env = emulatorEnv(emulator)
    tmp = tempDir('bad-input')
  })
  afterAll(async () => {
    await emulator?.close()
    tmp?.remove()
  })

  const usage = [
    [['sql', 'SELECT 1', '--max-rows', 'abc'], '--max-rows must be a whole number'],
    [['sql', 'SELECT 1', '--max-rows', '0'], '--max-rows must be a whole number'],
    [['sql', 'SELECT 1', '--format', 'xml'], '--format must be one of'],
    [['pipeline', 'show', 'r1', '--log-lines', 'abc'], '--log-lines must be a whole number'],
    [['pipeline', 'list', '--limit', '5x'], '--limit must be a whole number'],
    [['pipeline', 'list', '--status', 'DONE'], '--status must be one of'],
    [['sql', 'SELECT 1', '--logical-date', 'yesterday'], '--logical-date must be an ISO 8601'],
    [['emulator', 'start', '--port', '99999'], '--port must be 0-65535'],
  ] as const
  for (const [args, message] of usage) {
    it(`exits 2 for ${args.slice(-2).join(' ')}`, async () => {
      const r = await runCliProcess(args, { env })
      expect(r.stderr).toContain(message)
      expect(r.code).toBe(2)
      expect(r.stdout).toBe('')
    })
  }

  it('sql with neither an argument nor --file says what to give', async () => {
    const r = await runCliProcess(['sql'], { env })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('Give the SQL as an argument or with --file.')
    expect(r.stderr).not.toContain('not both')
    const both = await runCliProcess(['sql', 'SELECT 1', '--file', 'x.sql'], { env })
    expect(both.code).toBe(2)
    expect(both.stderr).toContain('not both')
  })

  it('refuses a SQL file that is not UTF-8 instead of running altered SQL', async () => {
    const file = join(tmp.dir, 'latin1.sql')
    // "SELECT 'café' AS x" in ISO-8859-1: the é is the single byte 0xE9.
    writeFileSync(file, Buffer.from("SELECT 'caf\xe9' AS x", 'latin1'))
    const before = emulator.jobs.list().length
    const r = await runCliProcess(['sql', '--file', file], { env })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^\[@df\/cli\] \S+latin1\.sql is not valid UTF-8 \(byte 11\)/)
    expect(emulator.jobs.list().length).toBe(before)
  })

  it('treats an empty DF_BACKEND_URL (and other empty variables) as unset', async () => {
    const r = await runCliProcess(['pipeline', 'list', '-n', '1'], {
      env: { ...env, DF_BACKEND_URL: '', DREMIO_PROFILE: '', DREMIO_CONN: '' },
      cwd: tmp.dir,
    })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('No runs.\n')
  })

  it('stops quietly with exit 0 when stdout is closed early (| head -c 100)', async () => {
    const sql = 'SELECT range AS id, repeat(chr(65), 50) AS pad FROM range(20000)'
    const command = `${cliShellCommand(['sql', sql, '--max-rows', '200000'])} | head -c 100 >/dev/null; echo "cli=\${PIPESTATUS[0]}"`
    const child = spawn('bash', ['-c', command], { cwd: ROOT, env })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString()
    })
    await new Promise((resolve) => child.on('close', resolve))
    expect(err).toBe('')
    expect(out).toBe('cli=0\n')
  })

  it('prints 200,000 rows in table format (no spread of every row into Math.max)', async () => {
    const r = await runCliProcess(
      ['sql', 'SELECT range AS id FROM range(200000)', '--max-rows', '200000'],
      { env },
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/\n199999\n\(200000 rows; job [0-9a-f-]{36}\)\n$/)
  })
})
