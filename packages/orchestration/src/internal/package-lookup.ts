/**
 * Where `createBackendFromUrl` looks for a backend package when this package cannot import it
 * (pnpm's strict layout: `@df/orchestration` does not depend on the backends):
 * - from the module that called it (`callerFile`), as its own `import()` would;
 * - from the working directory's project;
 * - from the workspace around either (pnpm `pnpm-workspace.yaml` or a package.json
 *   `workspaces` list): a script run from a monorepo's root finds the workspace's packages.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The file of the first stack frame below `fn` (the code that called `fn`), if any. */
export function callerFile(fn: (...args: never[]) => unknown): string | undefined {
  const original = Error.prepareStackTrace
  try {
    Error.prepareStackTrace = (_error, sites) => sites
    const holder: { stack?: unknown } = {}
    Error.captureStackTrace(holder, fn)
    for (const site of (holder.stack ?? []) as NodeJS.CallSite[]) {
      const name = site.getFileName()
      if (!name || name.startsWith('node:') || name.startsWith('data:')) continue
      return name.startsWith('file:') ? fileURLToPath(name) : name
    }
    return undefined
  } catch {
    return undefined
  } finally {
    Error.prepareStackTrace = original
  }
}

/**
 * Resolves `specifier` from each of `dirs` (as a module there would), then from the workspaces
 * around them. Returns the resolved file, or undefined.
 */
export function resolvePackage(specifier: string, dirs: readonly string[]): string | undefined {
  for (const dir of dirs) {
    try {
      return createRequire(join(dir, 'package.json')).resolve(specifier)
    } catch {
      // not installed there
    }
  }
  for (const dir of dirs) {
    const root = workspaceRoot(dir)
    if (root === undefined) continue
    for (const pkg of workspacePackages(root)) {
      if (packageName(pkg) !== specifier) continue
      try {
        // A package resolves its own name through its "exports" (self-reference).
        return createRequire(join(pkg, 'package.json')).resolve(specifier)
      } catch {
        // not built, or no exports: keep looking
      }
    }
  }
  return undefined
}

function packageName(dir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name
  } catch {
    return undefined
  }
}

/** The nearest directory at or above `dir` that declares a workspace. */
function workspaceRoot(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, 'pnpm-workspace.yaml')) || workspaceGlobs(d).length > 0) return d
    if (dirname(d) === d) return undefined
  }
}

/** `packages/*`-style globs of a workspace root (pnpm's yaml list or package.json `workspaces`). */
function workspaceGlobs(root: string): string[] {
  const yaml = join(root, 'pnpm-workspace.yaml')
  if (existsSync(yaml)) {
    const globs: string[] = []
    let inList = false
    for (const line of readFileSync(yaml, 'utf8').split('\n')) {
      if (/^packages\s*:/.test(line)) inList = true
      else if (/^\S/.test(line)) inList = false
      else if (inList) {
        const m = /^\s*-\s*['"]?([^'"#\s]+)/.exec(line)
        if (m?.[1] && !m[1].startsWith('!')) globs.push(m[1])
      }
    }
    return globs
  }
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      workspaces?: string[] | { packages?: string[] }
    }
    const list = Array.isArray(pkg.workspaces) ? pkg.workspaces : (pkg.workspaces?.packages ?? [])
    return list.filter((g) => typeof g === 'string' && !g.startsWith('!'))
  } catch {
    return []
  }
}

/** The package directories a workspace's globs name (`dir/*` and plain `dir` forms). */
function workspacePackages(root: string): string[] {
  const out: string[] = []
  for (const glob of workspaceGlobs(root)) {
    const base = join(root, glob.replace(/\/\*\*?$/, ''))
    if (!glob.endsWith('*')) {
      out.push(base)
      continue
    }
    try {
      for (const entry of readdirSync(base, { withFileTypes: true })) {
        if (entry.isDirectory()) out.push(join(base, entry.name))
      }
    } catch {
      // the glob's base does not exist
    }
  }
  return out
}
