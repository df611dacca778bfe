/**
 * Browser-test harness: the SPA built with vite into a temp dir, the real server (`startUi`)
 * over a real SQLite file, and Debian's Chromium driven by playwright-core. Screenshots go to
 * `test/browser/artifacts/` (gitignored).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { type AddressInfo, connect, createServer as createNetServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createSqliteBackend, type SqliteBackend } from '@df/backend-sqlite'
import type { Pipeline } from '@df/orchestration'
import { type Browser, chromium, type Page } from 'playwright-core'
import { build } from 'vite'
import { hashPassword, startUi, type UiServer, type UserRecord } from '../../src/index.js'

const here = dirname(fileURLToPath(import.meta.url))
/** Where screenshots are saved. */
export const ARTIFACTS = join(here, 'artifacts')
export const CHROMIUM = process.env.DF_CHROMIUM ?? '/usr/bin/chromium'

export const USERS = {
  admin: { password: 'admin-password-1', role: 'admin' },
  vic: { password: 'viewer-password-2', role: 'viewer' },
} as const

/** Builds the SPA (packages/ui/web) into `outDir` with its own vite config. */
export async function buildSpa(outDir: string): Promise<string> {
  await build({
    configFile: join(here, '..', '..', 'web', 'vite.config.ts'),
    build: { outDir, emptyOutDir: true },
    logLevel: 'error',
  })
  return outDir
}

/** Chromium, headless, with no network but localhost worth talking about. */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not at ${CHROMIUM}: run \`bash scripts/services.sh\` (installs Debian's chromium) or set DF_CHROMIUM.`,
    )
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

export interface BrowserUi {
  readonly ui: UiServer
  readonly backend: SqliteBackend
  readonly dir: string
  close(): Promise<void>
}

/**
 * A UI over a fresh SQLite file in a temp dir, serving a fresh SPA build. `makePipelines` gets
 * the backend (pipelines must share it).
 */
export async function startBrowserUi(
  makePipelines: (backend: SqliteBackend) => Pipeline[],
  options: { pollMs?: number; webRoot?: string } = {},
): Promise<BrowserUi> {
  const dir = mkdtempSync(join(tmpdir(), 'df-ui-browser-'))
  const webRoot = options.webRoot ?? (await buildSpa(join(dir, 'web')))
  const backend = createSqliteBackend({ path: join(dir, 'runs.db') })
  await backend.init()
  const users: UserRecord[] = []
  for (const [username, u] of Object.entries(USERS)) {
    users.push({ username, role: u.role, passwordHash: await hashPassword(u.password) })
  }
  const ui = await startUi({
    backend,
    pipelines: makePipelines(backend),
    port: 0,
    auth: { users },
    webRoot,
    pollMs: options.pollMs ?? 100,
    log: (m, e) => console.error(m, e),
  })
  return {
    ui,
    backend,
    dir,
    async close() {
      await ui.close()
      await backend.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Logs in through the form and waits for the runs page. */
export async function logIn(page: Page, url: string, username: keyof typeof USERS): Promise<void> {
  await page.goto(`${url}/`)
  await page.waitForURL(/\/login/)
  await page.fill('input[name=username]', username)
  await page.fill('input[name=password]', USERS[username].password)
  await page.click('[data-testid=login-form] button[type=submit]')
  await page.waitForURL(/\/runs/)
}

/** Saves a screenshot as a test artifact; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true })
  const path = join(ARTIFACTS, `${name}.png`)
  await page.screenshot({ path })
  return path
}

/** A promise released from outside (a task waits on it). */
export class Latch {
  #release: () => void = () => {}
  #promise: Promise<void> = Promise.resolve()
  /** Makes the next waits block until `release()`. */
  hold(): void {
    this.#promise = new Promise((r) => {
      this.#release = r
    })
  }
  release(): void {
    this.#release()
  }
  wait(): Promise<void> {
    return this.#promise
  }
}

/** A TCP proxy in front of the UI whose connections can be cut (to test stream resumption). */
export interface CuttableProxy {
  readonly url: string
  /** The first bytes (request line and headers) of each connection let through, in order. */
  readonly heads: string[]
  /** Ends every open connection and refuses new ones until `restore()`. */
  cut(): void
  restore(): void
  close(): Promise<void>
}

/** Starts a {@link CuttableProxy} on a free port, forwarding to `targetPort` on 127.0.0.1. */
export async function startProxy(targetPort: number): Promise<CuttableProxy> {
  const sockets = new Set<Socket>()
  const heads: string[] = []
  let down = false
  const server = createNetServer((client) => {
    if (down) {
      client.destroy()
      return
    }
    const upstream = connect(targetPort, '127.0.0.1')
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => s.destroy())
    }
    client.once('data', (chunk: Buffer) =>
      heads.push(chunk.toString('latin1').split('\r\n\r\n')[0] ?? ''),
    )
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    heads,
    cut() {
      down = true
      for (const s of sockets) s.destroy()
    },
    restore() {
      down = false
    },
    close() {
      for (const s of sockets) s.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
