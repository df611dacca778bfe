/**
 * The browser half of `bench/ui` (issue 13), in Debian's Chromium (playwright-core) against the
 * real server (`startUi`) over a SQLite file:
 * - run page of a 10,000-task run (stored by a real engine run): navigation start → the SPA's
 *   `performance.mark('df-graph-drawn')` (first full canvas draw, states applied). Cold = a new
 *   browser context (no HTTP cache); warm = a reload (the definition is `immutable`). Target ≤ 1 s.
 * - state change → visible: a 50-task chain run by an engine; each task state change is
 *   timestamped when the engine reports it durable, and again when the open run page has redrawn
 *   with it (`window.__dfUiOnDraw`, same machine clock). Two rows: the pipeline given to
 *   `startUi` (its events are pushed) and an engine the server does not know (the server polls
 *   the backend every `pollMs`, its default). Target ≤ 250 ms p99.
 * Usage: `pnpm bench ui browser` (bench/ui/run.ts calls `run()`), or alone with
 * `node --conditions=@df/source --import tsx bench/ui/browser.ts [tasks=10000] [repeats=5]`.
 * It builds the SPA first (`pnpm --filter @df/ui build:web`).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createSqliteBackend, type SqliteBackend } from '@df/backend-sqlite'
import type { Pipeline, PipelineEvent } from '@df/orchestration'
import { hashPassword, startUi, type UiServer } from '@df/ui'
import { type Browser, chromium, type Page } from 'playwright-core'
import { chainPipeline, largePipeline } from './browser-seed.js'

const PASSWORD = 'bench-password-1'

/** One printed row. */
export interface BrowserRow {
  readonly case: string
  readonly n: number
  readonly p50: number
  readonly p99: number
  readonly max: number
  readonly target: string
}

function pct(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number
}

function row(name: string, values: number[], target: string): BrowserRow {
  const s = [...values].sort((a, b) => a - b)
  return {
    case: name,
    n: s.length,
    p50: pct(s, 0.5),
    p99: pct(s, 0.99),
    max: s.at(-1) ?? NaN,
    target,
  }
}

async function logIn(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/login`)
  await page.fill('input[name=username]', 'bench')
  await page.fill('input[name=password]', PASSWORD)
  await page.click('[data-testid=login-form] button[type=submit]')
  await page.waitForURL(/\/runs/)
}

/** ms from navigation start to the first full graph draw of `runId`'s page. */
async function timeRunPage(
  page: Page,
  url: string,
  runId: string,
  reload: boolean,
): Promise<number> {
  if (reload) await page.reload()
  else await page.goto(`${url}/runs/${encodeURIComponent(runId)}`)
  const handle = await page.waitForFunction(
    () => performance.getEntriesByName('df-graph-drawn')[0]?.startTime,
    undefined,
    { timeout: 30_000, polling: 20 },
  )
  return (await handle.jsonValue()) as number
}

async function pageLoadRows(
  browser: Browser,
  ui: UiServer,
  runId: string,
  tasks: number,
  repeats: number,
): Promise<BrowserRow[]> {
  const cold: number[] = []
  const warm: number[] = []
  for (let i = 0; i < repeats; i++) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } })
    const page = await context.newPage()
    await logIn(page, ui.url)
    cold.push(await timeRunPage(page, ui.url, runId, false))
    warm.push(await timeRunPage(page, ui.url, runId, true))
    await context.close()
  }
  return [
    row(`run page, ${tasks} tasks, cold (new context)`, cold, '<= 1000 ms'),
    row(`run page, ${tasks} tasks, warm (reload)`, warm, '<= 1000 ms'),
  ]
}

/** Runs `chain` while its run page is open; returns write → drawn latencies (ms). */
async function latencies(
  browser: Browser,
  ui: UiServer,
  chain: Pipeline,
  release: () => void,
): Promise<{ values: number[]; missed: number }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } })
  const page = await context.newPage()
  await logIn(page, ui.url)
  const written = new Map<string, number>()
  const seen = new Map<string, number>()
  await page.exposeFunction(
    '__dfUiOnDraw',
    (report: { at: number; changes: { taskId: string; state: string }[] }) => {
      for (const c of report.changes) {
        const key = `${c.taskId}|${c.state}`
        if (!seen.has(key)) seen.set(key, report.at)
      }
    },
  )
  let runId = ''
  const started = new Promise<string>((resolve) => {
    const off = chain.on('event', (e: PipelineEvent) => {
      if (e.type === 'run') {
        off()
        resolve(e.runId)
      }
    })
  })
  const off = chain.on('event', (e: PipelineEvent) => {
    if (e.type === 'task' && e.runId === runId) written.set(`${e.taskId}|${e.state}`, Date.now())
  })
  const done = chain.run()
  runId = await started
  await page.goto(`${ui.url}/runs/${encodeURIComponent(runId)}`)
  await page.waitForFunction(() => performance.getEntriesByName('df-graph-drawn').length > 0)
  written.clear()
  release()
  await done
  await new Promise((r) => setTimeout(r, 1500))
  off()
  await context.close()
  const values: number[] = []
  let missed = 0
  for (const [key, at] of written) {
    if (!key.endsWith('|SUCCESS') && !key.endsWith('|RUNNING')) continue
    const shown = seen.get(key)
    if (shown === undefined) {
      // A RUNNING that the poller never saw (it ended within one poll) is not a miss.
      if (key.endsWith('|SUCCESS')) missed++
      continue
    }
    values.push(Math.max(0, shown - at))
  }
  return { values, missed }
}

/** Runs every case; returns the rows (also printed by the CLI entry). */
export async function runBrowserBench(tasks = 10_000, repeats = 5): Promise<BrowserRow[]> {
  const here = dirname(fileURLToPath(import.meta.url))
  const built = spawnSync('pnpm', ['--filter', '@df/ui', 'run', 'build:web'], {
    cwd: join(here, '..', '..'),
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  if (built.status !== 0)
    throw new Error('Building the SPA (pnpm --filter @df/ui build:web) failed.')
  const dir = mkdtempSync(join(tmpdir(), 'df-bench-ui-browser-'))
  const backend: SqliteBackend = createSqliteBackend({ path: join(dir, 'runs.db') })
  await backend.init()
  const rows: BrowserRow[] = []
  let ui: UiServer | undefined
  let browser: Browser | undefined
  try {
    const large = largePipeline(backend, tasks)
    const big = await large.run()
    let gate: () => void = () => {}
    const pushedChain = chainPipeline(
      'chain_pushed',
      backend,
      () => new Promise<void>((r) => (gate = r)),
    )
    // The same chain, run by an engine (its own backend handle) the server does not know.
    const polledBackend = createSqliteBackend({ path: join(dir, 'runs.db') })
    await polledBackend.init()
    let gate2: () => void = () => {}
    const polledChain = chainPipeline(
      'chain_polled',
      polledBackend,
      () => new Promise<void>((r) => (gate2 = r)),
    )
    ui = await startUi({
      backend,
      pipelines: [pushedChain],
      port: 0,
      auth: {
        users: [
          { username: 'bench', role: 'operator', passwordHash: await hashPassword(PASSWORD) },
        ],
      },
      log: () => {},
    })
    browser = await chromium.launch({
      executablePath: process.env.DF_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
    })
    rows.push(...(await pageLoadRows(browser, ui, big.id, tasks, repeats)))
    const pushed = await latencies(browser, ui, pushedChain, () => gate())
    rows.push(
      row(
        `state change -> drawn, pushed (pipeline in startUi), ${pushed.missed} missed`,
        pushed.values,
        '<= 250 ms p99',
      ),
    )
    const polled = await latencies(browser, ui, polledChain, () => gate2())
    rows.push(
      row(
        `state change -> drawn, polled (other engine, default pollMs), ${polled.missed} missed`,
        polled.values,
        '<= 250 ms p99',
      ),
    )
    await polledBackend.close()
  } finally {
    await browser?.close()
    await ui?.close()
    await backend.close()
    rmSync(dir, { recursive: true, force: true })
  }
  return rows
}

/** Prints rows as a Markdown table. */
export function printRows(rows: readonly BrowserRow[]): void {
  console.log('| case | n | p50 ms | p99 ms | max ms | target |')
  console.log('| --- | --- | --- | --- | --- | --- |')
  for (const r of rows) {
    console.log(
      `| ${r.case} | ${r.n} | ${r.p50.toFixed(0)} | ${r.p99.toFixed(0)} | ${r.max.toFixed(0)} | ${r.target} |`,
    )
  }
}

/** Entry for `pnpm bench ui … browser` (bench/ui/run.ts): every case, printed. */
export async function run(): Promise<void> {
  console.log('# bench/ui browser: Chromium, SQLite backend')
  printRows(await runBrowserBench())
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const tasks = Number(process.argv[2] ?? 10_000)
  const repeats = Number(process.argv[3] ?? 5)
  printRows(await runBrowserBench(tasks, repeats))
}
