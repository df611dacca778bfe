/**
 * Runs the real `dremio-cli` bin in a child process: the built artifact, `apps/cli/dist/bin.js`
 * with plain node, as `pnpm add @df/cli` installs it (built by the project's global setup, or by
 * `pnpm test` before it runs), and starts emulators.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
/** The built bin. */
export const BIN = join(ROOT, 'apps/cli/dist/bin.js')
/** Node flags of the bin's process (none: the published bin runs on plain node). */
export const NODE_ARGS: readonly string[] = []

/** What a finished CLI process produced. */
export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Environment for the child: no stray Dremio settings from the outer shell. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('DREMIO_') && k !== 'DF_BACKEND_URL') env[k] = v
  }
  return { ...env, NO_COLOR: '1', ...extra }
}

/** Spawns the CLI; `started` lets a test signal it. */
export function spawnCli(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): { child: ChildProcess; done: Promise<CliResult>; output: () => string } {
  const child = spawn(process.execPath, [...NODE_ARGS, BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString()
  })
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString()
  })
  const done = new Promise<CliResult>((res, rej) => {
    child.on('error', rej)
    child.on('close', (code, signal) => res({ code, signal, stdout, stderr }))
  })
  return { child, done, output: () => stdout }
}

/** Runs the CLI to completion. */
export function runCliProcess(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CliResult> {
  return spawnCli(args, options).done
}

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `df-e2e-${prefix}-`))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Resolves once `read()` contains `text` (polling; generous deadline for a loaded machine). */
export async function waitFor(
  read: () => string,
  text: string | RegExp,
  ms = 60_000,
): Promise<void> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    const now = read()
    if (typeof text === 'string' ? now.includes(text) : text.test(now)) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`timed out waiting for ${String(text)} in:\n${read()}`)
}

/** `arg` quoted for bash (single quotes). */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`
}

/** The shell command that runs the CLI with `args`, as a scheduler's `bash -c` would. */
export function cliShellCommand(args: readonly string[]): string {
  return [process.execPath, ...NODE_ARGS, BIN, ...args].map(shellQuote).join(' ')
}
