/**
 * Temporary projects that install packed `@df` tarballs the way a user installs the published
 * packages: their own directory outside the workspace, their own `node_modules`, pnpm.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

/** The packages the tests pack, by name → workspace directory. */
export const PACKED: Readonly<Record<string, string>> = {
  '@df/orchestration': 'packages/orchestration',
  '@df/conformance': 'packages/conformance',
  '@df/backend-sqlite': 'packages/backend-sqlite',
  '@df/client': 'packages/client',
  '@df/tasks': 'packages/tasks',
  '@df/cli': 'apps/cli',
}

/** A temporary project; `remove()` deletes it. */
export interface TempProject {
  readonly dir: string
  /**
   * Adds `devDependencies` to the manifest (when given) and runs `pnpm install` (resolving, even
   * with `CI` set: the project has no lockfile of its own).
   */
  install(devDependencies?: Record<string, string>): void
  /** Every package in the project's `node_modules/.pnpm` (`name@version…` as pnpm names them). */
  installed(): string[]
  remove(): void
}

/**
 * Creates a project with `manifest` as its package.json. `@df/*` ranges are pinned to the
 * tarballs with pnpm overrides (a tarball's own `@df` dependencies name registry versions that
 * are not published yet), and only better-sqlite3 may run its install script.
 */
export function tempProject(
  prefix: string,
  manifest: Record<string, unknown>,
  tarballs: Record<string, string>,
): TempProject {
  const dir = mkdtempSync(join(tmpdir(), `df-${prefix}-`))
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  const overrides = Object.entries(tarballs)
    .map(([name, file]) => `  "${name}": "file:${file}"`)
    .join('\n')
  writeFileSync(
    join(dir, 'pnpm-workspace.yaml'),
    `overrides:\n${overrides}\nallowBuilds:\n  better-sqlite3: true\n  esbuild: false\n  protobufjs: false\nupdateNotifier: false\n`,
  )
  return {
    dir,
    install(devDependencies) {
      if (devDependencies) {
        manifest.devDependencies = { ...(manifest.devDependencies as object), ...devDependencies }
        writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
      }
      execFileSync('pnpm', ['install', '--no-frozen-lockfile', '--prefer-offline'], {
        cwd: dir,
        stdio: 'pipe',
        env: cleanEnv({ npm_config_nodedir: '/usr' }),
      })
    },
    installed: () => readdirSync(join(dir, 'node_modules', '.pnpm')),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/** Copies `from` (a repository path) into the project at `to`. */
export function copyInto(project: TempProject, from: string, to: string = from): void {
  cpSync(join(ROOT, from), join(project.dir, to), { recursive: true })
}

/** What a finished child process produced. */
export interface Finished {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

/** This process's environment without vitest's own variables (a child vitest reads them). */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(VITEST|TINYPOOL|NODE_OPTIONS$)/.test(k)) env[k] = v
  }
  return { ...env, ...extra }
}

/** Runs `command` in the project and waits for it. */
export function runIn(
  project: TempProject,
  command: string,
  args: readonly string[],
  env: Record<string, string> = cleanEnv(),
): Finished {
  const child = spawnSync(command, args, { cwd: project.dir, encoding: 'utf8', env })
  return { status: child.status, stdout: child.stdout, stderr: child.stderr }
}

/** Installed packages whose name matches `pattern` (pnpm's `.pnpm` entry names). */
export function matching(installed: readonly string[], pattern: RegExp): string[] {
  return installed.filter((entry) => pattern.test(entry))
}
