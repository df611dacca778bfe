/**
 * `dremio-cli dq run <dir>`: YAML suites in the original's format, run against the emulator.
 * Exit 0 when every error-severity check passes (a failed `warn` check does not fail the run),
 * exit 1 when one fails or cannot run. (The original's `dq run` always failed: reference §5.2.)
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Emulator } from '@df/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emulatorEnv, startEmulator } from './emulator.js'
import { runCliProcess, tempDir } from './helpers.js'

describe('dremio-cli dq run', () => {
  let emulator: Emulator
  let tmp: ReturnType<typeof tempDir>
  let env: Record<string, string>
  const suite = (name: string, files: Record<string, string>): string => {
    const dir = join(tmp.dir, name)
    mkdirSync(dir)
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text)
    return dir
  }
  beforeAll(async () => {
    emulator = await startEmulator()
    env = emulatorEnv(emulator)
    tmp = tempDir('dq')
  })
  afterAll(async () => {
    await emulator?.close()
    tmp?.remove()
  })

  it('passes (exit 0) when only a warn-severity check fails, and prints one line per check', async () => {
    const dir = suite('ok', {
      'events.yaml': [
        'tests:',
        '  - name: events are sane',
        '    table: src.{{ params.table }}',
        '    checks:',
        '      - { type: not_null, column: id }',
        '      - { type: row_count, op: ge, value: 50 }',
        '      - { type: values_in, column: kind, values: [view, click] }',
        '      - { type: row_count, op: gt, value: 1000, severity: warn }',
        '',
      ].join('\n'),
    })
    const r = await runCliProcess(['dq', 'run', dir, '--param', 'table=events'], { env })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^events are sane on "src"\."events" \(\S+events\.yaml\)\n/)
    expect(r.stdout).toMatch(/ {2}PASS {2}not_null\(id\)\s+observed 0, expected = 0\n/)
    expect(r.stdout).toMatch(/ {2}PASS {2}values_in\(kind\)\s+observed 0, expected = 0\n/)
    expect(r.stdout).toMatch(/ {2}WARN {2}row_count > 1000\s+observed 50, expected > 1000\n/)
    expect(r.stdout).toMatch(/3 passed, 0 failed, 1 warned, 0 errored\nPASSED\n$/)
  })

  it('fails (exit 1) on a failed error-severity check, and reports JSON with --json', async () => {
    const dir = suite('bad', {
      'kinds.yml': [
        '- name: only views',
        '  table: src.events',
        '  checks:',
        '    - { type: values_in, column: kind, values: [view] }',
        '',
      ].join('\n'),
    })
    const r = await runCliProcess(['dq', 'run', dir], { env })
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/ {2}FAIL {2}values_in\(kind\)\s+observed 25, expected = 0\n/)
    expect(r.stdout).toMatch(/0 passed, 1 failed, 0 warned, 0 errored\nFAILED\n$/)
    const json = await runCliProcess(['dq', 'run', dir, '--json'], { env })
    expect(json.code).toBe(1)
    const report = JSON.parse(json.stdout) as {
      passed: boolean
      reports: { checks: { status: string }[] }[]
    }
    expect(report.passed).toBe(false)
    expect(report.reports[0]?.checks.map((c) => c.status)).toEqual(['failed'])
  })

  it('refuses a suite that does not parse instead of skipping it (exit 1)', async () => {
    const dir = suite('broken', {
      'x.yaml': 'tests:\n  - name: no table\n    checks: [{ type: not_null, column: id }]\n',
    })
    const r = await runCliProcess(['dq', 'run', dir], { env })
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/^\[@df\/orchestration\] .*table/)
  })

  it('says so for a missing directory (exit 1)', async () => {
    const r = await runCliProcess(['dq', 'run', join(tmp.dir, 'nope')], { env })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^\[@df\/cli\] Data-quality directory not found: \S+nope\n$/)
  })
})
