import { describe, expect, it } from 'vitest'
import { runCliProcess } from './helpers.js'

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
})
