/**
 * A 10,000-task run in Chromium: the graph is one canvas (the DOM stays small), the first full
 * draw comes within a loose test budget (bench/ui measures the 1 s target), the task list is
 * virtualised and filterable, and a task opens from it.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { largePipeline } from './fixtures.js'
import { type BrowserUi, launchChromium, logIn, screenshot, startBrowserUi } from './harness.js'

const TASKS = 10_000
let env: BrowserUi
let browser: Browser
let page: Page
let runId: string

beforeAll(async () => {
  let large: ReturnType<typeof largePipeline> | undefined
  env = await startBrowserUi((backend) => {
    large = largePipeline(backend, TASKS)
    return []
  })
  const run = await (large as ReturnType<typeof largePipeline>).run()
  expect(run.status).toBe('FAILED')
  runId = run.id
  browser = await launchChromium()
  page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage()
  await logIn(page, env.ui.url, 'admin')
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await env?.close()
})

describe('a 10,000-task run page', () => {
  it('draws the whole graph on one canvas, fast, with a small DOM', async () => {
    await page.goto(`${env.ui.url}/runs/${runId}`)
    const drawnAt = await page.waitForFunction(
      () => performance.getEntriesByName('df-graph-drawn')[0]?.startTime,
      undefined,
      { timeout: 20_000, polling: 20 },
    )
    const ms = (await drawnAt.jsonValue()) as number
    expect(ms).toBeGreaterThan(0)
    expect(ms).toBeLessThan(3000)
    const detail = await page.evaluate(
      () => (performance.getEntriesByName('df-graph-drawn')[0] as PerformanceMark).detail,
    )
    expect(detail).toEqual({ runId, tasks: TASKS })
    expect(await page.locator('canvas').count()).toBe(2) // the graph and the timeline
    const elements = await page.evaluate(() => document.querySelectorAll('*').length)
    expect(elements).toBeLessThan(1500)
    const rows = await page.locator('[data-testid=task-row]').count()
    expect(rows).toBeGreaterThan(5)
    expect(rows).toBeLessThan(100)
    // The canvas has state colours on it: some pixels of SUCCESS green.
    const green = await page.evaluate(() => {
      const c = document.querySelector('[data-testid=dag-canvas]') as HTMLCanvasElement
      const d = (c.getContext('2d') as CanvasRenderingContext2D).getImageData(
        0,
        0,
        c.width,
        c.height,
      ).data
      let n = 0
      for (let i = 0; i < d.length; i += 4)
        if (d[i] === 0x2e && d[i + 1] === 0x9e && d[i + 2] === 0x44) n++
      return n
    })
    expect(green).toBeGreaterThan(1000)
    await screenshot(page, 'run-10k')
  })

  it('filters the virtualised task list by state and by id, and opens a task', async () => {
    const counts = page.locator('[data-testid=state-counts]')
    await counts.locator('button[data-state=FAILED]').click()
    const failedRows = page.locator('[data-testid=task-row][data-state=FAILED]')
    await failedRows.first().waitFor()
    const shown = await page.locator('[data-testid=task-row]').count()
    expect(shown).toBe(await failedRows.count())
    expect(shown).toBe(3) // l098_t005, l098_t042, l098_t079: i % 37 === 0 in layer 98
    await counts.locator('button[data-state=FAILED]').click()
    await page.fill('input[type=search]', 'l099_t00')
    await page.locator('[data-testid=task-row][data-task=l099_t009]').waitFor()
    expect(await page.locator('[data-testid=task-row]').count()).toBe(10)
    await page.click('[data-testid=task-row][data-task=l099_t005]')
    await page.locator('[data-testid=task-panel][data-task=l099_t005]').waitFor()
    expect(new URL(page.url()).searchParams.get('task')).toBe('l099_t005')
  })
})
