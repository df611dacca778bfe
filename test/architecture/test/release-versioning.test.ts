/**
 * Changesets (house style §9.10): one fixed group of exactly the publishable packages, the real
 * name of the "peer dependents only when out of range" option, and peer ranges that 0.x minors
 * stay inside, so a minor release stays 0.x. Proven by `changeset version` dry runs on a
 * throwaway copy of the manifests: the pending changesets, then one more minor of
 * `@df/orchestration` alone (where `workspace:^` peers escalated every package to 1.0.0).
 */
import { execFileSync } from 'node:child_process'
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..', '..', '..')
const changesetBin = join(root, 'node_modules', '@changesets', 'cli', 'bin.js')

interface Manifest {
  name: string
  version?: string
  private?: boolean
  peerDependencies?: Record<string, string>
}

/** Every workspace manifest, by path relative to `base` (the globs of pnpm-workspace.yaml). */
function manifests(base: string): Map<string, Manifest> {
  const found = new Map<string, Manifest>()
  for (const group of ['packages', 'apps', 'test', 'examples']) {
    for (const dir of readdirSync(join(base, group), { withFileTypes: true })) {
      if (!dir.isDirectory()) continue
      const path = join(group, dir.name, 'package.json')
      try {
        found.set(path, JSON.parse(readFileSync(join(base, path), 'utf8')) as Manifest)
      } catch {
        // not a workspace (no package.json)
      }
    }
  }
  found.set(
    'bench/package.json',
    JSON.parse(readFileSync(join(base, 'bench/package.json'), 'utf8')),
  )
  return found
}

const config = JSON.parse(readFileSync(join(root, '.changeset', 'config.json'), 'utf8')) as {
  fixed: string[][]
  ignore: string[]
  privatePackages?: { version?: boolean; tag?: boolean }
  ___experimentalUnsafeOptions_WILL_CHANGE_IN_PATCH?: {
    onlyUpdatePeerDependentsWhenOutOfRange?: boolean
  }
  [key: string]: unknown
}
const workspaces = manifests(root)
const publishable = [...workspaces.values()].filter((m) => m.private !== true)
const publishableNames = publishable.map((m) => m.name).sort()

describe('changesets configuration', () => {
  it('has one fixed group holding exactly the publishable packages', () => {
    expect(config.fixed).toHaveLength(1)
    expect([...(config.fixed[0] ?? [])].sort()).toEqual(publishableNames)
    expect(publishableNames).toContain('@df/conformance')
    expect(publishableNames).toContain('@df/cli')
  })

  it('versions no private workspace and spells the experimental option as @changesets/config reads it', () => {
    expect(config.privatePackages).toEqual({ version: false, tag: false })
    const unsafe = Object.keys(config).filter((k) => k.startsWith('___'))
    expect(unsafe).toEqual(['___experimentalUnsafeOptions_WILL_CHANGE_IN_PATCH'])
    expect(
      config.___experimentalUnsafeOptions_WILL_CHANGE_IN_PATCH
        ?.onlyUpdatePeerDependentsWhenOutOfRange,
    ).toBe(true)
    // The key @changesets/config really reads (a misspelt one is silently ignored).
    const parser = createRequire(changesetBin).resolve('@changesets/config')
    expect(readFileSync(parser, 'utf8')).toContain(
      'json.___experimentalUnsafeOptions_WILL_CHANGE_IN_PATCH.onlyUpdatePeerDependentsWhenOutOfRange',
    )
  })

  it('gives every @df peer a whole-0.x range, never workspace:^ (which is ^0.y.z on publish)', () => {
    for (const m of publishable) {
      for (const [dep, range] of Object.entries(m.peerDependencies ?? {})) {
        if (!dep.startsWith('@df/')) continue
        expect(range, `${m.name} → ${dep}`).toBe('workspace:>=0.0.0 <1')
      }
    }
  })
})

describe('changeset version dry run on a throwaway copy', () => {
  let copy = ''
  const version = () =>
    execFileSync(process.execPath, [changesetBin, 'version'], { cwd: copy, encoding: 'utf8' })
  const versions = () =>
    Object.fromEntries(
      [...manifests(copy).values()]
        .filter((m) => m.private !== true)
        .map((m) => [m.name, m.version]),
    )

  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'df-changeset-dry-run-'))
    for (const file of ['package.json', 'pnpm-workspace.yaml', ...workspaces.keys()]) {
      mkdirSync(dirname(join(copy, file)), { recursive: true })
      cpSync(join(root, file), join(copy, file))
    }
    cpSync(join(root, '.changeset'), join(copy, '.changeset'), { recursive: true })
  })
  afterAll(() => rmSync(copy, { recursive: true, force: true }))

  it('releases the pending changesets as one 0.x version of every publishable package', () => {
    const before = versions()
    version()
    const after = versions()
    const released = new Set(Object.values(after))
    expect(released.size).toBe(1)
    const [next] = [...released]
    expect(next).toMatch(/^0\.\d+\.\d+$/)
    for (const name of publishableNames) expect(after[name], name).not.toBe(before[name])
    for (const [path, m] of manifests(copy)) {
      if (m.private === true) expect(m.version, path).toBe(workspaces.get(path)?.version)
    }
  }, 60_000)

  it('keeps every package 0.x on the next minor of @df/orchestration alone', () => {
    const [current] = Object.values(versions()) as string[]
    writeFileSync(
      join(copy, '.changeset', 'next-minor.md'),
      '---\n"@df/orchestration": minor\n---\n\nA minor change of the engine.\n',
    )
    version()
    const minor = Number(current!.split('.')[1]) + 1
    for (const [name, v] of Object.entries(versions())) expect(v, name).toBe(`0.${minor}.0`)
    for (const m of manifests(copy).values()) {
      for (const [dep, range] of Object.entries(m.peerDependencies ?? {})) {
        if (dep.startsWith('@df/')) expect(range, `${m.name} → ${dep}`).toBe('workspace:>=0.0.0 <1')
      }
    }
  }, 60_000)
})
