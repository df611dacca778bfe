/** Dev aid (not a test): `node --conditions=@df/source --import tsx test/browser/dev-server.ts` serves the fixtures (log in as admin / admin-password-1) and prints the URL; WEB_ROOT=dir serves another SPA build. */
import { demoPipeline, flakyPipeline } from './fixtures.js'
import { Latch, startBrowserUi } from './harness.js'

const latch = new Latch()
const fail = { value: true }
let flaky: ReturnType<typeof flakyPipeline> | undefined
let demo: ReturnType<typeof demoPipeline> | undefined
const env = await startBrowserUi(
  (b) => {
    demo = demoPipeline(b, latch)
    flaky = flakyPipeline(b, fail)
    return [demo, flaky]
  },
  { ...(process.env.WEB_ROOT ? { webRoot: process.env.WEB_ROOT } : {}) },
)
await flaky?.run()
await demo?.run()
console.log(env.ui.url)
