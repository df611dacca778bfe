/**
 * The runs page over 57 stored runs: keyset "load more" (pages of 50), filters by pipeline,
 * status and date range kept in the URL, and the virtualised list keeping the DOM small.
 */
import { Pipeline, Task } from '@df/orchestration'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { flakyPipeline } from './fixtures.js'
import { type BrowserUi, launchChromium, logIn, startBrowserUi } from './harness.js'

let env: BrowserUi
let browser: Browser
let page: Page

beforeAll(async () => {
  let tiny: Pipeline | undefined
  let flaky: Pipeline | undefined
  env = await startBrowserUi((backend) => {
    tiny = new Pipeline('tiny', { backend }).addTask(new Task({ name: 'only', run: () => 1 }))
    flaky = flakyPipeline(backend, { value: true })
    return []
  })
  for (let i = 0; i < 55; i++) await tiny?.run()
  await flaky?.run()
  await flaky?.run()
  browser = await launchChromium()
  page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage()
  await logIn(page, env.ui.url, 'admin')
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await env?.close()
})

const rows = '[data-testid=run-row]'

describe('the runs page', () => {
  it('loads the next page with the keyset cursor', async () => {
    await page.locator(rows).first().waitFor()
    const loadMore = page.locator('[data-testid=load-more]')
    await loadMore.waitFor()
    // Virtualised: 50 runs loaded, far fewer rows in the DOM.
    expect(await page.locator(rows).count()).toBeLessThan(40)
    await loadMore.click()
    await page.locator('text=57 runs, no more.').waitFor()
    expect(await loadMore.count()).toBe(0)
    // The oldest run (a `tiny` one) is reachable at the end of the list.
    await page.locator('.runs-list').evaluate((el) => {
      el.scrollTop = el.scrollHeight
    })
    const first = (await env.backend.listRuns({ limit: 100 })).items.at(-1)?.id as string
    await page.locator(`${rows}[data-run="${first}"]`).waitFor()
  })

  it('filters by status and pipeline, in the URL', async () => {
    await page.selectOption('select[name=status]', 'FAILED')
    await page.click('[data-testid=run-filters] button[type=submit]')
    await page.waitForURL(/status=FAILED/)
    await page.locator(`${rows}[data-status=FAILED]`).first().waitFor()
    await page.waitForFunction(
      (sel) =>
        Array.from(document.querySelectorAll(sel)).every(
          (r) => r.getAttribute('data-status') === 'FAILED',
        ),
      rows,
    )
    expect(await page.locator(rows).count()).toBe(2)
    await page.fill('input[name=pipeline]', 'tiny')
    await page.click('[data-testid=run-filters] button[type=submit]')
    await page.waitForURL(/pipeline=tiny/)
    await page.locator('text=No run matches.').waitFor()
    // Reloading keeps the filters (they live in the URL).
    await page.reload()
    expect(await page.inputValue('input[name=pipeline]')).toBe('tiny')
    expect(await page.inputValue('select[name=status]')).toBe('FAILED')
    await page.locator('text=No run matches.').waitFor()
  })

  it('filters by date range', async () => {
    await page.click('[data-testid=run-filters] button[type=button]') // Clear
    await page.waitForURL((u) => u.search === '')
    await page.locator(rows).first().waitFor()
    await page.fill('input[name=from]', '2999-01-01T00:00')
    await page.click('[data-testid=run-filters] button[type=submit]')
    await page.waitForURL(/from=2999/)
    await page.locator('text=No run matches.').waitFor()
    await page.fill('input[name=from]', '2000-01-01T00:00')
    await page.fill('input[name=to]', '2999-01-01T00:00')
    await page.click('[data-testid=run-filters] button[type=submit]')
    await page.waitForURL(/from=2000/)
    await page.locator(rows).first().waitFor()
    await page.locator('[data-testid=load-more]').waitFor()
  })
})
