/**
 * Makes docs/ui-run.png: the run page of the newest `pnpm demo` run, as
 * `dremio-cli pipeline ui --backend-url sqlite:///.df/demo.db` shows it, with its first task open.
 * Not a test; run from the repository root after `pnpm demo`:
 *   node --conditions=@df/source --import tsx packages/ui/test/browser/demo-screenshot.ts
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createSqliteBackend } from '@df/backend-sqlite'
import { hashPassword, startUi } from '../../src/index.js'
import { buildSpa, launchChromium } from './harness.js'

const root = join(import.meta.dirname, '..', '..', '..', '..')
const db = join(root, '.df', 'demo.db')
if (!existsSync(db)) throw new Error(`${db} is missing: run \`pnpm demo\` first.`)
const backend = createSqliteBackend({ path: db })
const password = `pw-${Math.random().toString(36).slice(2)}`
const ui = await startUi({
  backend,
  port: 0,
  auth: {
    users: [{ username: 'admin', role: 'admin', passwordHash: await hashPassword(password) }],
  },
  webRoot: await buildSpa(join(root, 'packages', 'ui', 'test', 'browser', 'artifacts', 'web')),
  log: () => {},
})
const browser = await launchChromium()
try {
  const run = (await backend.listRuns({ pipelineId: 'dremio_daily_pipeline', limit: 1 })).items[0]
  if (run === undefined) throw new Error('No dremio_daily_pipeline run in .df/demo.db.')
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } })
  await page.goto(`${ui.url}/login`)
  await page.fill('input[name=username]', 'admin')
  await page.fill('input[name=password]', password)
  await page.click('[data-testid=login-form] button[type=submit]')
  await page.waitForURL(/\/runs/)
  await page.goto(`${ui.url}/runs/${encodeURIComponent(run.id)}?task=extract_raw_data`)
  await page.locator('[data-testid=task-panel] [data-testid=task-log]').waitFor()
  await page.waitForFunction(() => performance.getEntriesByName('df-graph-drawn').length > 0)
  const out = join(root, 'docs', 'ui-run.png')
  await page.screenshot({ path: out })
  console.log(`wrote ${out} (run ${run.id})`)
} finally {
  await browser.close()
  await ui.close()
  await backend.close()
}
