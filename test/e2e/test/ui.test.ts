/**
 * The built, bundled bin serves the web UI: `dremio-cli pipeline ui` and `serve --ui` load
 * `@df/ui` (an optional peer, outside the bundle) and answer over real HTTP with auth on.
 */
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { cleanEnv, spawnCli, tempDir, waitFor } from './helpers.js'

const tmp = tempDir('ui')
afterAll(() => tmp.remove())

const basic = (user: string, pw: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`,
})

describe('dremio-cli pipeline ui (built bin)', () => {
  it('serves the API behind auth and stops on SIGTERM', async () => {
    const cli = spawnCli(
      [
        'pipeline',
        'ui',
        '--port',
        '0',
        '--username',
        'admin',
        '--backend-url',
        `sqlite:///${join(tmp.dir, 'ui.db')}`,
      ],
      { env: cleanEnv({ DF_UI_PASSWORD: 'e2e-pw' }) },
    )
    await waitFor(cli.output, /UI at http:\/\/127\.0\.0\.1:\d+/)
    const url = /UI at (http:\/\/[^\s]+)/.exec(cli.output())![1]!
    expect((await fetch(`${url}/api/runs`)).status).toBe(401)
    const page = await fetch(`${url}/api/runs`, { headers: basic('admin', 'e2e-pw') })
    expect(page.status).toBe(200)
    expect(await page.json()).toEqual({ runs: [], nextCursor: null })
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    cli.child.kill('SIGTERM')
    const done = await cli.done
    expect(done.code).toBe(0)
    expect(done.stdout + done.stderr).not.toContain('e2e-pw')
  })

  it('serve --ui hosts the UI with the served pipelines in-process', async () => {
    const cli = spawnCli(
      [
        'serve',
        '--pipelines',
        join(import.meta.dirname, 'fixtures', 'serve'),
        '--backend-url',
        `sqlite:///${join(tmp.dir, 'serve.db')}`,
        '--ui',
        '--port',
        '0',
        '--username',
        'ops',
      ],
      { env: cleanEnv({ DF_UI_PASSWORD: 'ops-pw' }) },
    )
    await waitFor(cli.output, /serving 1 pipeline/)
    const url = /UI at (http:\/\/[^\s]+)/.exec(cli.output())![1]!
    const pipelines = await (
      await fetch(`${url}/api/pipelines`, { headers: basic('ops', 'ops-pw') })
    ).json()
    expect(pipelines.pipelines[0]).toMatchObject({
      name: 'e2e_tick',
      inProcess: true,
      schedule: { id: 'e2e_tick', every: 1000, paused: false },
    })
    cli.child.kill('SIGTERM')
    expect((await cli.done).code).toBe(0)
  })
})
