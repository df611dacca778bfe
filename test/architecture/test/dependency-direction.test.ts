/**
 * House style §9.2: the allowed dependency direction between @df workspaces, checked on every
 * package.json and on every import in src/. Libraries live in `packages/`, runnable programs in
 * `apps/`: an app may depend on any package, a package never on an app. A new edge between
 * packages means editing ALLOWED here, in review.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..', '..', '..')

/** Runtime (dependencies + peerDependencies + optional) edges each package may have. */
const ALLOWED: Record<string, readonly string[]> = {
  '@df/client': [],
  '@df/emulator': ['@df/client'],
  '@df/batch': ['@df/client'],
  '@df/incremental': ['@df/client', '@df/batch'],
  '@df/orchestration': [],
  '@df/tasks': ['@df/client', '@df/orchestration'],
  '@df/conformance': ['@df/orchestration'],
  '@df/backend-sqlite': ['@df/orchestration'],
  '@df/backend-postgres': ['@df/orchestration'],
  '@df/backend-mysql': ['@df/orchestration'],
  '@df/executor-bullmq': ['@df/orchestration'],
  '@df/ui': ['@df/orchestration'],
}

/** Subpath exports other workspaces may import (everything else is a deep import). */
const PUBLIC_SUBPATHS = new Set(['@df/orchestration/backend-kit'])

interface Manifest {
  name: string
  version?: string
  private?: boolean
  dependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  peerDependenciesMeta?: Record<string, { optional?: boolean }>
  optionalDependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  engines?: Record<string, string>
  type?: string
}

interface Workspace {
  readonly kind: 'packages' | 'apps'
  readonly dir: string
  readonly path: string
  readonly manifest: Manifest
}

function workspaces(kind: 'packages' | 'apps'): Workspace[] {
  const base = join(root, kind)
  if (!existsSync(base)) return []
  return readdirSync(base)
    .filter((d) => existsSync(join(base, d, 'package.json')))
    .map((dir) => ({
      kind,
      dir,
      path: join(base, dir),
      manifest: JSON.parse(readFileSync(join(base, dir, 'package.json'), 'utf8')) as Manifest,
    }))
}

const packages = workspaces('packages')
const apps = workspaces('apps')
const appNames = new Set(apps.map((a) => a.manifest.name))

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
      : /\.(ts|tsx|mts|vue)$/.test(name)
        ? [path]
        : []
  })
}

function importsOf(file: string): RegExpMatchArray[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"](@df\/[a-z-]+)(\/[^'"]*)?['"]/g)]
}

describe('layout', () => {
  it('dremio-cli is an app: @df/cli lives in apps/cli, not in packages/', () => {
    expect(apps.map((a) => `${a.dir}:${a.manifest.name}`)).toContain('cli:@df/cli')
    expect(packages.map((p) => p.manifest.name)).not.toContain('@df/cli')
  })

  it('knows every package', () => {
    for (const { manifest } of packages) expect(Object.keys(ALLOWED)).toContain(manifest.name)
  })

  it('@df/orchestration has no runtime dependencies (a custom backend installs only it); its peers are optional', () => {
    const m = packages.find((p) => p.manifest.name === '@df/orchestration')!.manifest
    expect(Object.keys(m.dependencies ?? {})).toEqual([])
    expect(Object.keys(m.optionalDependencies ?? {})).toEqual([])
    // croner (cron schedules) is an optional peer, loaded only when a cron schedule is declared.
    for (const peer of Object.keys(m.peerDependencies ?? {})) {
      expect(m.peerDependenciesMeta?.[peer]?.optional, `${peer} must be an optional peer`).toBe(
        true,
      )
    }
  })
})

describe('dependency direction', () => {
  for (const { path, manifest } of packages) {
    it(`${manifest.name} depends only on what it may, and on no app`, () => {
      const allowed = ALLOWED[manifest.name] ?? []
      for (const dep of [
        ...runtimeDeps(manifest),
        ...Object.keys(manifest.devDependencies ?? {}),
      ]) {
        expect(appNames.has(dep), `${manifest.name} → ${dep}: packages never depend on apps`).toBe(
          false,
        )
      }
      for (const dep of runtimeDeps(manifest)) {
        expect(allowed, `${manifest.name} → ${dep} is not an allowed edge`).toContain(dep)
      }
    })

    it(`${manifest.name} imports in src/ match its manifest and allowed edges`, () => {
      const declared = new Set(runtimeDeps(manifest))
      const allowed = ALLOWED[manifest.name] ?? []
      for (const file of sourceFiles(join(path, 'src'))) {
        for (const m of importsOf(file)) {
          const dep = m[1] as string
          if (dep === manifest.name) continue
          expect(
            m[2] === undefined ||
              m[2] === '/package.json' ||
              PUBLIC_SUBPATHS.has(`${dep}${m[2]}`) ||
              dep === '@df/conformance',
            `${file}: deep import ${m[0]}`,
          ).toBe(true)
          expect(allowed, `${file} imports ${dep}`).toContain(dep)
          expect(declared.has(dep), `${file} imports undeclared ${dep}`).toBe(true)
        }
      }
    })
  }

  for (const { path, manifest } of apps) {
    it(`${manifest.name} (an app) imports only declared packages, never another app, never deep`, () => {
      const declared = new Set(runtimeDeps(manifest))
      for (const dep of runtimeDeps(manifest)) expect(appNames.has(dep), dep).toBe(false)
      for (const file of sourceFiles(join(path, 'src'))) {
        for (const m of importsOf(file)) {
          const dep = m[1] as string
          if (dep === manifest.name) continue
          expect(
            m[2] === undefined || m[2] === '/package.json' || PUBLIC_SUBPATHS.has(`${dep}${m[2]}`),
            `${file}: deep import ${m[0]}`,
          ).toBe(true)
          expect(declared.has(dep), `${file} imports undeclared ${dep}`).toBe(true)
        }
      }
    })
  }

  for (const { manifest } of [...packages, ...apps]) {
    it(`${manifest.name} is ESM for Node >=20.19`, () => {
      expect(manifest.type).toBe('module')
      expect(manifest.engines?.node).toBe('>=20.19')
    })
  }
  for (const { path, manifest } of [...packages, ...apps]) {
    it(`${manifest.name} has a README`, () => {
      expect(existsSync(join(path, 'README.md'))).toBe(true)
    })
  }
})

describe('adapters run the shared conformance suite', () => {
  for (const { path, dir, manifest } of packages.filter((p) =>
    /^(backend|executor)-/.test(p.dir),
  )) {
    it(`${manifest.name} has test/conformance.test.ts calling describe${dir.startsWith('backend') ? 'Backend' : 'Executor'}`, () => {
      const file = join(path, 'test', 'conformance.test.ts')
      expect(existsSync(file), `${file} is missing`).toBe(true)
      const text = readFileSync(file, 'utf8')
      expect(text).toMatch(
        dir.startsWith('backend') ? /describeBackend(<[^>]*>)?\(/ : /describeExecutor(<[^>]*>)?\(/,
      )
      expect(manifest.peerDependencies?.['@df/orchestration']).toBeDefined()
    })
  }
})
