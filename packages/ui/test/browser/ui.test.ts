/**
 * The SPA in real Chromium against the real server over SQLite: log in, the runs list, a run
 * page whose running task turns SUCCESS live, trigger with params (validated in the form),
 * rerun from failed, and what a viewer may not do. Screenshots: test/browser/artifacts/.
 */
import { Pipeline, schedulePipeline, Task } from '@df/orchestration'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoPipeline, flakyPipeline } from './fixtures.js'
import {
  type BrowserUi,
  Latch,
  launchChromium,
  logIn,
  screenshot,
  startBrowserUi,
} from './harness.js'

const latch = new Latch()
const fail = { value: true }
let env: BrowserUi
let browser: Browser
let context: BrowserContext
let page: Page
let demo: Pipeline
let flaky: Pipeline
/** Stored in the backend, but its code is not given to the UI: triggers become run requests. */
let remote: Pipeline
let failedRunId: string
const pageErrors: string[] = []

beforeAll(async () => {
  env = await startBrowserUi((backend) => {
    demo = demoPipeline(backend, latch)
    flaky = flakyPipeline(backend, fail)
    remote = new Pipeline('remote_only', { backend }).addTask(
      new Task({ name: 'ping', run: (ctx) => ctx.log.info('pong') }),
    )
    return [demo, flaky]
  })
  await remote.recover({ limit: 0, wait: false }) // stores its definition
  // A stored hourly schedule of demo_etl (this process stops firing it; the record stays).
  const hourly = schedulePipeline(demo, { id: 'demo_hourly', every: '1h' })
  await hourly.ready
  await hourly.stop()
  const failed = await flaky.run()
  expect(failed.status).toBe('FAILED')
  failedRunId = failed.id
  browser = await launchChromium()
  context = await browser.newContext({ viewport: { width: 1400, height: 900 } })
  // Counts the page's EventSources: at most one may be open at a time (one stream per tab).
  await context.addInitScript(() => {
    const w = window as unknown as {
      EventSource: typeof EventSource
      __es: { open: number; max: number; made: number }
    }
    const Native = w.EventSource
    const es = { open: 0, max: 0, made: 0 }
    w.__es = es
    w.EventSource = class extends Native {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(url, init)
        es.made++
        es.open++
        es.max = Math.max(es.max, es.open)
      }
      override close(): void {
        if (this.readyState !== Native.CLOSED) es.open--
        super.close()
      }
    }
  })
  page = await context.newPage()
  page.on('pageerror', (e) => pageErrors.push(e.message))
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text())
  })
}, 90_000)

afterAll(async () => {
  latch.release()
  await browser?.close()
  await env?.close()
})

const row = (taskId: string) => `[data-testid=task-row][data-task="${taskId}"]`

describe('@df/ui in Chromium', () => {
  it('logs in through the form and lists the runs', async () => {
    await logIn(page, env.ui.url, 'admin')
    const failedRow = page.locator(`[data-testid=run-row][data-run="${failedRunId}"]`)
    await failedRow.waitFor()
    expect(await failedRow.getAttribute('data-status')).toBe('FAILED')
    await page.locator('[data-testid=live-state]', { hasText: 'live' }).waitFor()
    await screenshot(page, 'runs')
  })

  it('opens a run and shows a running task turn SUCCESS live', async () => {
    latch.hold()
    const running = demo.run({ params: { region: 'us' } })
    // The run appears in the open runs list live (no reload), RUNNING.
    const liveRow = page.locator('[data-testid=run-row][data-status=RUNNING]').first()
    await liveRow.waitFor({ timeout: 10_000 })
    const runId = (await liveRow.getAttribute('data-run')) as string
    await liveRow.click()
    await page.waitForURL(new RegExp(`/runs/${runId}`))
    await page.locator('[data-testid=dag-canvas]').waitFor()
    await page.locator(`${row('transform')}[data-state=RUNNING]`).waitFor({ timeout: 10_000 })
    expect(await page.locator(`${row('extract')}`).getAttribute('data-state')).toBe('SUCCESS')
    expect(await page.locator('[data-testid=run-status]').textContent()).toBe('RUNNING')
    const drawn = await page.evaluate(() => performance.getEntriesByName('df-graph-drawn').length)
    expect(drawn).toBe(1)
    // The task panel: the attempt's log lines and Dremio job id.
    await page.click(row('extract'))
    const panel = page.locator('[data-testid=task-panel][data-task=extract]')
    await panel.locator('[data-testid=task-log]', { hasText: 'extracting orders for us' }).waitFor()
    expect(await panel.locator('[data-testid=dremio-job]').textContent()).toContain(
      '1f2e3d4c-0000-4abc-9def-000000000042',
    )
    expect(await page.locator('[data-testid=run-params]').textContent()).toContain('"us"')
    await screenshot(page, 'run-running')
    // The running task's log line is there too (streamed or read with the attempt).
    await page.click(row('transform'))
    await page
      .locator('[data-testid=task-panel][data-task=transform] [data-testid=task-log]', {
        hasText: 'waiting for the latch',
      })
      .waitFor()
    // Since the login: the runs page's stream, then the run page's (watching this run), never two at once.
    const streams = await page.evaluate(() => (window as unknown as { __es: unknown }).__es)
    expect(streams).toEqual({ open: 1, max: 1, made: 2 })
    latch.release()
    const finished = await running
    expect(finished.status).toBe('SUCCESS')
    await page.locator(`${row('transform')}[data-state=SUCCESS]`).waitFor({ timeout: 10_000 })
    await page.locator(`${row('cleanup')}[data-state=SUCCESS]`).waitFor({ timeout: 10_000 })
    await page.locator('[data-testid=run-status]', { hasText: 'SUCCESS' }).waitFor()
    // A click on the graph selects the box under it: the middle of the five is `validate`.
    await page.locator('[data-testid=dag-canvas]').click()
    await page.locator('[data-testid=task-panel][data-task=validate]').waitFor()
    // The open panel re-read the attempts when the task changed: the later log line is there.
    await page.click(row('transform'))
    await page
      .locator('[data-testid=task-panel][data-task=transform] [data-testid=task-log]', {
        hasText: 'transformed',
      })
      .waitFor()
    await screenshot(page, 'run-success')
  })

  it('triggers with params: bad JSON and bad values are refused in the form', async () => {
    await page.click('nav >> text=Pipelines')
    const demoRow = page.locator('[data-testid=pipelines] tr[data-pipeline=demo_etl]')
    await demoRow.waitFor()
    await demoRow.locator('[data-testid=trigger]').click()
    const dialog = page.locator('[data-testid=trigger-dialog]')
    const params = dialog.locator('textarea[name=params]')
    const submit = dialog.locator('button[type=submit]')
    await params.fill('{"region": ')
    await dialog.locator('[data-testid=params-errors]', { hasText: 'not valid JSON' }).waitFor()
    expect(await submit.isDisabled()).toBe(true)
    await params.fill('{"region": "mars"}')
    await dialog.locator('[data-testid=params-errors]', { hasText: 'must be one of' }).waitFor()
    await params.fill('{"region": "eu", "limit": 0}')
    await dialog
      .locator('[data-testid=params-errors]', { hasText: "'limit' must be >= 1" })
      .waitFor()
    await params.fill('{"region": "eu", "limit": 50}')
    expect(await submit.isDisabled()).toBe(false)
    await screenshot(page, 'trigger-dialog')
    await submit.click()
    await page.waitForURL(/\/runs\/[^/?]+/)
    await page
      .locator('[data-testid=run-status]', { hasText: 'SUCCESS' })
      .waitFor({ timeout: 15_000 })
    const shown = JSON.parse((await page.locator('[data-testid=run-params]').textContent()) ?? '')
    expect(shown).toEqual({ region: 'eu', limit: 50 })
    const runId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() as string)
    const stored = await env.backend.getRun(runId)
    expect(stored?.params).toEqual({ region: 'eu', limit: 50 })
    expect(stored?.trigger).toBe('ui')
  })

  it('reruns a failed run from the failed task', async () => {
    await page.goto(`${env.ui.url}/runs/${failedRunId}`)
    await page.locator(`${row('b')}[data-state=FAILED]`).waitFor()
    expect(await page.locator(row('c')).getAttribute('data-state')).toBe('UPSTREAM_FAILED')
    await page.click(row('b'))
    const failedPanel = page.locator('[data-testid=task-panel][data-task=b]')
    await failedPanel.locator('.attempt-error', { hasText: 'source table is empty' }).waitFor()
    // The error's code and stack (folded), and the attempt's log line.
    expect(await failedPanel.locator('.attempt-error code').first().textContent()).toMatch(/\S/)
    await failedPanel.locator('details summary', { hasText: 'Stack' }).click()
    expect(await failedPanel.locator('details pre').textContent()).toContain(
      'source table is empty',
    )
    expect(await failedPanel.locator('[data-testid=task-log]').textContent()).toContain(
      'checking the source',
    )
    await screenshot(page, 'run-failed')
    fail.value = false
    await page.click('[data-testid=rerun-failed]')
    await page.waitForURL(
      (u) => u.pathname.startsWith('/runs/') && !u.pathname.endsWith(failedRunId),
    )
    await page
      .locator('[data-testid=run-status]', { hasText: 'SUCCESS' })
      .waitFor({ timeout: 15_000 })
    await page.locator(`${row('c')}[data-state=SUCCESS]`).waitFor()
    const rerunId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() as string)
    const stored = await env.backend.getRun(rerunId)
    expect(stored?.rerunOf).toBe(failedRunId)
    expect(stored?.status).toBe('SUCCESS')
    // Only the failed part ran again: `a` was copied from the first run, and says so.
    expect(await env.backend.listAttempts(rerunId, 'a')).toHaveLength(0)
    expect(await env.backend.listAttempts(rerunId, 'b')).toHaveLength(1)
    await page.click(row('a'))
    await page
      .locator('[data-testid=task-panel][data-task=a] [data-testid=task-reason]', {
        hasText: `Copied from run ${failedRunId}`,
      })
      .waitFor()
  })

  it('cancels a running run, then reruns it from a chosen task', async () => {
    latch.hold()
    await page.click('nav >> text=Pipelines')
    const demoRow = page.locator('[data-testid=pipelines] tr[data-pipeline=demo_etl]')
    await demoRow.locator('[data-testid=trigger]').click()
    await page.locator('[data-testid=trigger-dialog] button[type=submit]').click()
    await page.waitForURL(/\/runs\/[^/?]+/)
    const runId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() as string)
    await page.locator(`${row('transform')}[data-state=RUNNING]`).waitFor({ timeout: 10_000 })
    await page.click('[data-testid=cancel-run]')
    await page
      .locator('[data-testid=run-status]', { hasText: 'CANCELLED' })
      .waitFor({ timeout: 15_000 })
    expect(await page.locator(row('transform')).getAttribute('data-state')).toBe('CANCELLED')
    expect((await env.backend.getRun(runId))?.status).toBe('CANCELLED')
    latch.release()
    // Rerun from `transform`: a new run that copies `extract` and redoes the rest.
    await page.click(row('transform'))
    await page.click('[data-testid=rerun-from-task]')
    await page.waitForURL((u) => u.pathname.startsWith('/runs/') && !u.pathname.endsWith(runId))
    await page
      .locator('[data-testid=run-status]', { hasText: 'SUCCESS' })
      .waitFor({ timeout: 15_000 })
    const rerunId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() as string)
    expect((await env.backend.getRun(rerunId))?.rerunOf).toBe(runId)
    expect(await env.backend.listAttempts(rerunId, 'extract')).toHaveLength(0)
    expect(await env.backend.listAttempts(rerunId, 'transform')).toHaveLength(1)
  })

  it('a trigger of a pipeline the UI has no code for waits as a run request, then runs live', async () => {
    await page.click('nav >> text=Pipelines')
    const remoteRow = page.locator('[data-testid=pipelines] tr[data-pipeline=remote_only]')
    await remoteRow.locator('[data-testid=trigger]').click()
    await page.locator('[data-testid=trigger-dialog] button[type=submit]').click()
    await page.waitForURL(/\/runs\/[^/?]+/)
    const runId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() as string)
    await page.locator('[data-testid=run-requested]').waitFor()
    expect(await page.locator('[data-testid=run-status]').textContent()).toBe('QUEUED')
    // Another engine with the code adopts it; the open page follows (the server polls).
    const [adopted] = await remote.recover()
    expect(adopted?.id).toBe(runId)
    await page
      .locator('[data-testid=run-status]', { hasText: 'SUCCESS' })
      .waitFor({ timeout: 10_000 })
    await page.locator(`${row('ping')}[data-state=SUCCESS]`).waitFor()
    expect(await page.locator('[data-testid=run-requested]').count()).toBe(0)
  })

  it('shows the schedule with its next run, and pauses and resumes it', async () => {
    await page.click('nav >> text=Pipelines')
    const demoRow = page.locator('[data-testid=pipelines] tr[data-pipeline=demo_etl]')
    await demoRow.waitFor()
    expect(await demoRow.textContent()).toContain('every 1h')
    expect(await demoRow.locator('[data-testid=status-strip] a').count()).toBeGreaterThanOrEqual(2)
    const next = await demoRow.locator('td').nth(3).textContent()
    expect(next).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/)
    await demoRow.locator('[data-testid=pause]').click()
    await demoRow.locator('[data-testid=resume]').waitFor()
    expect(await demoRow.textContent()).toContain('paused')
    expect((await env.backend.getSchedule('demo_hourly'))?.paused).toBe(true)
    await screenshot(page, 'pipelines')
    await demoRow.locator('[data-testid=resume]').click()
    await demoRow.locator('[data-testid=pause]').waitFor()
    expect((await env.backend.getSchedule('demo_hourly'))?.paused).toBe(false)
  })

  it('a viewer sees runs but no trigger, cancel or rerun', async () => {
    const viewer = await browser.newContext({ viewport: { width: 1200, height: 800 } })
    const p = await viewer.newPage()
    try {
      // A wrong password: the form says so and stays.
      await p.goto(`${env.ui.url}/`)
      await p.waitForURL(/\/login/)
      await p.fill('input[name=username]', 'vic')
      await p.fill('input[name=password]', 'not-the-password')
      await p.click('[data-testid=login-form] button[type=submit]')
      await p.locator('[data-testid=login-form] [role=alert]').waitFor()
      expect(new URL(p.url()).pathname).toBe('/login')
      await logIn(p, env.ui.url, 'vic')
      await p.locator(`[data-testid=run-row][data-run="${failedRunId}"]`).waitFor()
      await p.click('nav >> text=Pipelines')
      await p.locator('[data-testid=pipelines] tr[data-pipeline=demo_etl]').waitFor()
      expect(await p.locator('[data-testid=trigger]').count()).toBe(0)
      expect(await p.locator('[data-testid=pause]').count()).toBe(0)
      await p.goto(`${env.ui.url}/runs/${failedRunId}`)
      await p.locator(`${row('b')}[data-state=FAILED]`).waitFor()
      expect(await p.locator('[data-testid=rerun-failed]').count()).toBe(0)
      await p.click(row('b'))
      await p.locator('[data-testid=task-panel][data-task=b]').waitFor()
      expect(await p.locator('[data-testid=rerun-from-task]').count()).toBe(0)
      // Log out: back to the form, and the pages need a login again.
      await p.click('text=Log out')
      await p.waitForURL(/\/login/)
      await p.goto(`${env.ui.url}/runs`)
      await p.waitForURL(/\/login/)
      await p.locator('[data-testid=login-form]').waitFor()
    } finally {
      await viewer.close()
    }
  })

  it('logged no page errors (CSP violations included)', () => {
    expect(pageErrors).toEqual([])
  })
})
