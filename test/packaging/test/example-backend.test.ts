/**
 * Issue 10's "must show": a backend author's project installs the packed `@df/orchestration` and
 * `@df/conformance` (and vitest from the registry), holds `examples/json-file-backend`, and runs
 * `describeBackend` and the durability suites there. The install pulls nothing heavy. Then the
 * packed `@df/backend-sqlite` joins and the crash-recovery suite runs: its children are the
 * built `.js` fixtures of the packed `@df/conformance`, started with plain node (no tsx here).
 */
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { transformSync } from 'esbuild'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { copyInto, matching, ROOT, runIn, type TempProject, tempProject } from './helpers.js'

const EXAMPLE = 'examples/json-file-backend'
/** Nothing a backend author needs: the Dremio client's Arrow/Parquet, DuckDB, drivers, tsx. */
const HEAVY =
  /^(apache-arrow|parquet-wasm|@duckdb\+|better-sqlite3|pg@|mysql2|undici|tsx|esbuild)@?/

interface VitestReport {
  numFailedTests: number
  numPendingTests: number
  testResults: { assertionResults: { fullName: string; status: string }[] }[]
}

/** Runs the project's vitest on `files` and returns its JSON report. */
function vitest(project: TempProject, files: readonly string[]): VitestReport {
  const out = runIn(project, join(project.dir, 'node_modules/.bin/vitest'), [
    'run',
    ...files,
    '--reporter=json',
    '--outputFile=report.json',
  ])
  expect(out.status, `${out.stdout}\n${out.stderr}`).toBe(0)
  return JSON.parse(readFileSync(join(project.dir, 'report.json'), 'utf8')) as VitestReport
}

const passed = (report: VitestReport, prefix: string) =>
  report.testResults
    .flatMap((f) => f.assertionResults)
    .filter((t) => t.fullName.startsWith(prefix) && t.status === 'passed').length

describe('the example backend on the packed @df/orchestration and @df/conformance', () => {
  const tarballs = inject('tarballs')
  let project: TempProject

  beforeAll(() => {
    const example = JSON.parse(readFileSync(join(ROOT, EXAMPLE, 'package.json'), 'utf8'))
    const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
    // The example's manifest as its author would publish it: @df packages from the tarballs,
    // vitest at the workspace's version, and no type-checking tools (not needed to run).
    const devDependencies: Record<string, string> = {}
    for (const [name, range] of Object.entries(example.devDependencies as Record<string, string>)) {
      if (name.startsWith('@df/')) devDependencies[name] = `file:${tarballs[name]}`
      else if (name === 'vitest') devDependencies[name] = root.devDependencies.vitest
      else expect(['typescript', '@types/node'], `${name}@${range}`).toContain(name)
    }
    project = tempProject(
      'example-backend',
      { name: example.name, private: true, type: 'module', devDependencies },
      {
        '@df/orchestration': tarballs['@df/orchestration']!,
        '@df/conformance': tarballs['@df/conformance']!,
        '@df/backend-sqlite': tarballs['@df/backend-sqlite']!,
      },
    )
    for (const part of ['json-file-backend.ts', 'test', 'README.md']) {
      copyInto(project, `${EXAMPLE}/${part}`, part)
    }
    // What the author publishes: the backend compiled to JS (the durability suites' children run
    // it with plain node), and a vitest config without the workspace's source condition.
    const source = readFileSync(join(ROOT, EXAMPLE, 'json-file-backend.ts'), 'utf8')
    writeFileSync(
      join(project.dir, 'json-file-backend.js'),
      transformSync(source, { loader: 'ts', format: 'esm', target: 'node20' }).code,
    )
    writeFileSync(
      join(project.dir, 'vitest.config.ts'),
      "import { defineConfig } from 'vitest/config'\nexport default defineConfig({ test: { testTimeout: 120_000, hookTimeout: 60_000 } })\n",
    )
    project.install()
  })
  afterAll(() => project?.remove())

  it('installs the two tarballs and vitest: no apache-arrow, parquet-wasm, DuckDB, driver or tsx', () => {
    const installed = project.installed()
    expect(matching(installed, HEAVY)).toEqual([])
    expect(matching(installed, /^@df\+/).map((e) => e.split('@file')[0])).toEqual([
      '@df+conformance',
      '@df+orchestration',
    ])
    for (const name of ['@df/orchestration', '@df/conformance']) {
      const real = realpathSync(join(project.dir, 'node_modules', name))
      expect(real, `${name} comes from its tarball`).toMatch(/\.pnpm\/@df\+[a-z]+@file\+/)
    }
  })

  it('passes describeBackend and the crash-recovery and contention suites (children on the packed .js fixtures)', () => {
    const report = vitest(project, [])
    expect(report.numFailedTests).toBe(0)
    // Every case of the engine's Backend; the optional-interface cases are skipped for it.
    expect(passed(report, 'backend conformance [json-file]')).toBeGreaterThanOrEqual(40)
    expect(passed(report, 'crash recovery on one JSON file')).toBe(2)
    expect(passed(report, 'contention on one JSON file')).toBe(1)
  })

  it('runs the crash-recovery suite from the built .js fixtures (the packed @df/backend-sqlite)', () => {
    project.install({ '@df/backend-sqlite': `file:${tarballs['@df/backend-sqlite']}` })
    expect(matching(project.installed(), /^(tsx|esbuild)@/)).toEqual([])
    mkdirSync(join(project.dir, 'test-packed'))
    copyInto(
      project,
      'test/packaging/fixtures/sqlite-crash.fixture.ts',
      'test-packed/sqlite-crash.test.ts',
    )
    const report = vitest(project, ['test-packed/'])
    expect(report.numFailedTests).toBe(0)
    expect(report.numPendingTests).toBe(0)
    expect(passed(report, 'crash recovery on one SQLite file (packed)')).toBe(2)
  })
})
