/**
 * The live stream survives a dropped connection: a proxy between Chromium and the server cuts
 * every connection while the run moves on; once it lets connections through again, the
 * EventSource reconnects with `Last-Event-ID` and the page shows what it missed (the server
 * replays it) without a reload.
 */
import type { Pipeline } from '@df/orchestration'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoPipeline } from './fixtures.js'
import {
  type BrowserUi,
  type CuttableProxy,
  Latch,
  launchChromium,
  logIn,
  startBrowserUi,
  startProxy,
} from './harness.js'

const latch = new Latch()
let env: BrowserUi
let browser: Browser
let context: BrowserContext
let page: Page
let demo: Pipeline
let proxy: CuttableProxy

beforeAll(async () => {
  env = await startBrowserUi((backend) => {
    demo = demoPipeline(backend, latch)
    return [demo]
  })
  proxy = await startProxy(env.ui.port)
  browser = await launchChromium()
  context = await browser.newContext({ viewport: { width: 1200, height: 800 } })
  page = await context.newPage()
  await logIn(page, proxy.url, 'admin')
  await page.locator('[data-testid=live-state]', { hasText: 'live' }).waitFor()
}, 90_000)

afterAll(async () => {
  latch.release()
  await browser?.close()
  await proxy?.close()
  await env?.close()
})

const row = (taskId: string) => `[data-testid=task-row][data-task="${taskId}"]`

describe('live updates across a dropped connection', () => {
  it('replays what the tab missed while cut off', async () => {
    latch.hold()
    const running = demo.run()
    const liveRow = page.locator('[data-testid=run-row][data-status=RUNNING]').first()
    await liveRow.waitFor({ timeout: 10_000 })
    await liveRow.click()
    await page.locator(`${row('transform')}[data-state=RUNNING]`).waitFor({ timeout: 10_000 })
    proxy.cut()
    await page.locator('[data-testid=live-state]', { hasText: 'reconnecting' }).waitFor()
    latch.release()
    expect((await running).status).toBe('SUCCESS')
    // Still cut off: the page has not seen the end.
    expect(await page.locator(row('cleanup')).getAttribute('data-state')).toBe('PENDING')
    const seen = proxy.heads.length
    const refetches: string[] = []
    page.on('request', (r) => {
      if (/\/api\/runs\/[^/]+\/tasks$/.test(new URL(r.url()).pathname)) refetches.push(r.url())
    })
    proxy.restore()
    await page.locator('[data-testid=live-state]', { hasText: 'live' }).waitFor({ timeout: 10_000 })
    await page.locator(`${row('cleanup')}[data-state=SUCCESS]`).waitFor({ timeout: 10_000 })
    await page.locator('[data-testid=run-status]', { hasText: 'SUCCESS' }).waitFor()
    // It was a replay: the stream came back with the last id the tab had seen (the browser's
    // Last-Event-ID header, or, when this stream had received no event yet, the id the SPA put
    // in its URL), and the task states were not read again.
    const resumed = proxy.heads.slice(seen).find((h) => h.startsWith('GET /api/events')) ?? ''
    const header = /^last-event-id: (\S+-\d+)$/im.exec(resumed)?.[1]
    const query = /[?&]lastEventId=([^&\s]+)/.exec(resumed)?.[1]
    expect(header ?? query).toMatch(/^[0-9a-z]+-\d+$/)
    expect(refetches).toEqual([])
  })
})
