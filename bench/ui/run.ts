/**
 * bench/ui (issue 13). The API half (this server's figures) is in api*.ts; the browser half
 * (the SPA's figures: a 10,000-task run page in Chromium, state change → browser) lives in
 * browser*.ts, run here when present.
 *
 * Usage: pnpm bench ui [parts=list,tasks,live,poll,browser] [backends=sqlite,postgres] [calls=300]
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { benchRunsList } from './api.js'
import { benchLive, benchPollCost, benchTasks } from './api-live.js'

const parts = (process.argv[2] ?? 'list,tasks,live,poll,browser').split(',')
const backends = (process.argv[3] ?? 'sqlite,postgres').split(',')
const calls = Number(process.argv[4] ?? 300)

console.log(`# bench/ui ${new Date().toISOString()} node ${process.version}`)
if (parts.includes('list')) await benchRunsList(backends, calls)
if (parts.includes('tasks')) await benchTasks(backends, Math.min(calls, 100))
if (parts.includes('live')) await benchLive(150, 150)
if (parts.includes('poll')) await benchPollCost(backends, 150)
const browser = join(import.meta.dirname, 'browser.ts')
if (parts.includes('browser') && existsSync(browser)) {
  const mod = (await import('./browser.js' as string)) as { run?: () => Promise<void> }
  await mod.run?.()
}
process.exit(0)
