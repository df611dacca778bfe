import { execFile } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { cleanEnv, ROOT, runCliProcess } from './helpers.js'

describe('dremio-cli usage errors', () => {
  it('exits 2 and prints usage for an unknown command', async () => {
    const r = await runCliProcess(['bogus'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("unknown command 'bogus'")
    expect(r.stderr).toContain('Usage: dremio-cli')
  })

  it('exits 2 and prints the subcommand usage for an unknown flag', async () => {
    const r = await runCliProcess(['pipeline', 'list', '--bogus'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("unknown option '--bogus'")
    expect(r.stderr).toContain('Usage: dremio-cli pipeline list')
  })

  it('exits 2 for a missing argument and for a bad option value', async () => {
    const missing = await runCliProcess(['pipeline', 'run'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain("missing required argument 'file'")
    const bad = await runCliProcess(['pipeline', 'list', '--limit', 'lots'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--limit must be a whole number')
  })

  it('exits 0 with --help', async () => {
    const r = await runCliProcess(['--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('pipeline')
    expect(r.stdout).toContain('catalog')
  })

  it('is reachable from the checkout as `pnpm dremio-cli …` (the README says so)', async () => {
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve) =>
        execFile(
          'pnpm',
          ['--silent', 'dremio-cli', 'sql', '--help'],
          // A shell's PATH: none of the node_modules/.bin directories vitest runs with.
          { cwd: ROOT, env: cleanEnv({ PATH: shellPath() }) },
          (error, stdout, stderr) =>
            resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        ),
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Usage: dremio-cli sql [options] [sql]')
  })
})

function shellPath(): string {
  return (process.env.PATH ?? '')
    .split(':')
    .filter((p) => !p.includes('node_modules'))
    .join(':')
}
