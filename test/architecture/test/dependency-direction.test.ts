/**
 * House style §9.2: the allowed dependency direction between @df packages, checked on every
 * package.json and on every import in src/. A new edge means editing ALLOWED here, in review.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..', '..', '..')
const packagesDir = join(root, 'packages')

/** Runtime (dependencies + peerDependencies + optional) edges each package may have. */
const ALLOWED: Record<string, readonly string[]> = {
  '@df/client': [],
  '@df/emulator': ['@df/client'],
  '@df/batch': ['@df/client'],
  '@df/incremental': ['@df/client', '@df/batch'],
  '@df/orchestration': ['@df/client'],
  '@df/conformance': ['@df/orchestration'],
  '@df/backend-sqlite': ['@df/orchestration'],
  '@df/backend-postgres': ['@df/orchestration'],
  '@df/backend-mysql': ['@df/orchestration'],
  '@df/executor-bullmq': ['@df/orchestration'],
  '@df/ui': ['@df/orchestration', '@df/client'],
  '@df/cli': ['*'],
}
/** Packages nothing may depend on at runtime. */
const LEAVES = new Set(['@df/cli', '@df/ui'])

interface Manifest {
  name: string
  private?: boolean
  dependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  engines?: Record<string, string>
  type?: string
}

const packages = readdirSync(packagesDir)
  .filter((d) => existsSync(join(packagesDir, d, 'package.json')))
  .map((dir) => ({
    dir,
    manifest: JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')) as Manifest,
  }))

const runtimeDeps = (m: Manifest): string[] =>
  Object.keys({ ...m.dependencies, ...m.peerDependencies, ...m.optionalDependencies }).filter((d) =>
    d.startsWith('@df/'),
  )

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory()
      ? sourceFiles(path)
      : /\.(ts|tsx|mts)$/.test(name)
        ? [path]
        : []
  })
}

describe('dependency direction', () => {
  it('knows every package', () => {
    for (const { manifest } of packages) expect(Object.keys(ALLOWED)).toContain(manifest.name)
  })

  for (const { dir, manifest } of packages) {
    it(`${manifest.name} depends only on what it may`, () => {
      const allowed = ALLOWED[manifest.name] ?? []
      for (const dep of runtimeDeps(manifest)) {
        expect(LEAVES.has(dep), `${manifest.name} → ${dep}: nothing depends on ${dep}`).toBe(false)
        if (!allowed.includes('*')) {
          expect(allowed, `${manifest.name} → ${dep} is not an allowed edge`).toContain(dep)
        }
      }
    })

    it(`${manifest.name} imports in src/ match its manifest and allowed edges`, () => {
      const declared = new Set(runtimeDeps(manifest))
      const allowed = ALLOWED[manifest.name] ?? []
      for (const file of sourceFiles(join(packagesDir, dir, 'src'))) {
        const text = readFileSync(file, 'utf8')
        for (const m of text.matchAll(
          /(?:from|import)\s*\(?\s*['"](@df\/[a-z-]+)(\/[^'"]*)?['"]/g,
        )) {
          const dep = m[1] as string
          if (dep === manifest.name) continue
          expect(
            m[2] === undefined || m[2] === '/package.json' || dep === '@df/conformance',
            `${file}: deep import ${m[0]}`,
          ).toBe(true)
          if (!allowed.includes('*')) expect(allowed, `${file} imports ${dep}`).toContain(dep)
          expect(
            declared.has(dep) || allowed.includes('*'),
            `${file} imports undeclared ${dep}`,
          ).toBe(true)
        }
      }
    })

    it(`${manifest.name} is ESM for Node >=20.19`, () => {
      expect(manifest.type).toBe('module')
      expect(manifest.engines?.node).toBe('>=20.19')
      expect(existsSync(join(packagesDir, dir, 'README.md'))).toBe(true)
    })
  }
})

describe('adapters run the shared conformance suite', () => {
  for (const { dir, manifest } of packages.filter((p) => /^(backend|executor)-/.test(p.dir))) {
    it(`${manifest.name} has test/conformance.test.ts calling describe${dir.startsWith('backend') ? 'Backend' : 'Executor'}`, () => {
      const file = join(packagesDir, dir, 'test', 'conformance.test.ts')
      expect(existsSync(file), `${file} is missing`).toBe(true)
      const text = readFileSync(file, 'utf8')
      expect(text).toMatch(
        dir.startsWith('backend') ? /describeBackend(<[^>]*>)?\(/ : /describeExecutor(<[^>]*>)?\(/,
      )
      expect(manifest.peerDependencies?.['@df/orchestration']).toBeDefined()
    })
  }
})
