/** Tasks that reference the Dremio client by name resolve the CLI's client. */
import { join } from 'node:path'
import type { Emulator } from '@df/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emulatorEnv, startEmulator } from './emulator.js'
import { runCliProcess, tempDir } from './helpers.js'

describe('a task with a named client', () => {
  let emulator: Emulator
  let tmp: ReturnType<typeof tempDir>
  beforeAll(async () => {
    emulator = await startEmulator()
    tmp = tempDir('named')
  })
  afterAll(async () => {
    await emulator?.close()
    tmp?.remove()
  })

  it("runs on the CLI's client registered as 'default'", async () => {
    const r = await runCliProcess(
      [
        'pipeline',
        'run',
        join(import.meta.dirname, 'fixtures', 'named-client.ts'),
        '--backend-url',
        `sqlite:///${join(tmp.dir, 'r.db')}`,
      ],
      { env: emulatorEnv(emulator) },
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/count \| Dremio job [0-9a-f-]{36} submitted: SELECT COUNT/)
    expect(r.stdout).toMatch(/Run \S+ SUCCESS/)
  })
})
