/**
 * The live view in a real pseudo-terminal (util-linux `script` gives the child a TTY): the block
 * is redrawn in place (cursor-up + clear), with a progress bar, each task's state, duration and
 * Dremio job id. The same run without a terminal prints plain lines (see pipeline-cycle.ts).
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import type { Emulator } from '@df/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emulatorEnv, startEmulator } from './emulator.js'
import { BIN, NODE_ARGS, ROOT, tempDir } from './helpers.js'

const FIXTURE = join(import.meta.dirname, 'fixtures', 'pipelines.ts')
const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`

describe('live view in a terminal', () => {
  let emulator: Emulator
  let tmp: ReturnType<typeof tempDir>
  beforeAll(async () => {
    emulator = await startEmulator()
    await emulator.query('CREATE TABLE e2e.gate AS SELECT 1 AS x')
    tmp = tempDir('tty')
  })
  afterAll(async () => {
    await emulator?.close()
    tmp?.remove()
  })

  it('redraws task states, durations, job ids and a progress bar in place', async () => {
    const args = [
      ...NODE_ARGS,
      BIN,
      'pipeline',
      'run',
      FIXTURE,
      '-p',
      'e2e_etl',
      '--backend-url',
      `sqlite:///${join(tmp.dir, 'runs.db')}`,
    ]
    const command = [process.execPath, ...args].map(quote).join(' ')
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>(
      (resolve, reject) => {
        execFile(
          'script',
          ['-qfec', command, '/dev/null'],
          {
            cwd: ROOT,
            env: { ...emulatorEnv(emulator), NO_COLOR: '' },
            maxBuffer: 16 * 1024 * 1024,
          },
          (error, out) => {
            if (error && typeof error.code !== 'number') reject(error)
            else resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout: out })
          },
        )
      },
    )
    expect(code).toBe(0)
    // Redrawn in place: cursor to the start of the block's first line, clear to the end.
    const ESC = '\x1b'
    expect(stdout).toMatch(new RegExp(`${ESC}\\[\\d+F${ESC}\\[0J`))
    expect(stdout).toContain('░')
    expect(stdout).toMatch(/\[█{24}\] 4\/4 tasks/)
    expect(stdout).toMatch(/▶ RUNNING\s.*count/)
    expect(stdout).toMatch(/✔ SUCCESS\s.*count\s+\d+(ms|\.\ds)\s+job [0-9a-f-]{36}/)
    expect(stdout).toContain(`${ESC}[32m✔ SUCCESS`) // coloured in a terminal
    expect(stdout).toMatch(/Run \S+ SUCCESS in/)
  })
})
