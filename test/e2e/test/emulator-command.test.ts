/** `dremio-cli emulator start`: serves Dremio's API until Ctrl-C, and other commands can use it. */
import { describe, expect, it } from 'vitest'
import { cleanEnv, runCliProcess, spawnCli, waitFor } from './helpers.js'

describe('dremio-cli emulator start', () => {
  it('starts on a free port, answers SQL from another dremio-cli, stops on SIGINT', async () => {
    const server = spawnCli(['emulator', 'start', '--port', '0'])
    try {
      await waitFor(server.output, /export DREMIO_URL=(\S+) DREMIO_PAT=(\S+)/)
      const [, url, pat] = /export DREMIO_URL=(\S+) DREMIO_PAT=(\S+)/.exec(
        server.output(),
      ) as RegExpExecArray
      const r = await runCliProcess(['sql', 'SELECT 40 + 2 AS answer', '--format', 'json'], {
        env: cleanEnv({ DREMIO_URL: url as string, DREMIO_PAT: pat as string }),
      })
      // --format json: one compact summary line, the rows in `rows`.
      expect(r.stdout.split('\n')).toHaveLength(2)
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, rows: [{ answer: 42 }] })
    } finally {
      server.child.kill('SIGINT')
    }
    const done = await server.done
    expect(done.code).toBe(0)
    expect(done.stdout).toContain('emulator stopped')
  })

  it('rejects a bad port with exit 2', async () => {
    const r = await runCliProcess(['emulator', 'start', '--port', 'abc'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--port must be 0-65535')
  })
})
