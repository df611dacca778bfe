/**
 * The promise of §9.5 end to end, in a real child vitest: a suite whose service is down is
 * skipped locally (visibly, with the reason) and FAILS when `CI` is set. Never a silent green.
 */
import { spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'

const packageDir = join(import.meta.dirname, '..')
let closedPort = 0

beforeAll(async () => {
  const probe = createServer().listen(0, '127.0.0.1')
  await once(probe, 'listening')
  closedPort = (probe.address() as { port: number }).port
  await new Promise((resolve) => probe.close(resolve))
})

function runFixture(ci: boolean): { status: number | null; output: string } {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DF_TEST_FIXTURE_URL: `postgres://df:topsecret@127.0.0.1:${closedPort}/x`,
  }
  delete env.CI
  delete env.VITEST
  delete env.VITEST_WORKER_ID
  if (ci) env.CI = 'true'
  const result = spawnSync(
    process.execPath,
    [
      join(packageDir, 'node_modules', 'vitest', 'vitest.mjs'),
      'run',
      '--config',
      'test/fixtures/vitest.fixture.config.ts',
    ],
    { cwd: packageDir, env, encoding: 'utf8', timeout: 120_000 },
  )
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` }
}

describe('a backend suite whose service is down', () => {
  it('is skipped locally, saying which service and where', () => {
    const { status, output } = runFixture(false)
    expect(status, output).toBe(0)
    expect(output).toMatch(/skipped/)
    expect(output).toContain(`127.0.0.1:${closedPort}`)
    expect(output).not.toContain('topsecret')
    expect(output).not.toContain('must not run')
  }, 150_000)

  it('fails the run when CI is set', () => {
    const { status, output } = runFixture(true)
    expect(status, output).not.toBe(0)
    expect(output).toContain('CI is set')
    expect(output).not.toContain('topsecret')
  }, 150_000)
})
