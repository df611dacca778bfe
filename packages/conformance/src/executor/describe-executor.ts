/**
 * `describeExecutor`: the conformance suite every `Executor` runs (house style §9.5). Raw
 * contract cases drive the executor with their own hooks; pipeline cases run a real `Pipeline`
 * on it with the harness's backend (memory by default).
 */
import { type Backend, createMemoryBackend, type Executor } from '@df/orchestration'
import { afterAll, afterEach, describe, it } from 'vitest'
import { dispatchCases } from './cases/dispatch.js'
import { pipelineCases } from './cases/pipeline.js'
import type { ExecutorCase, ExecutorCaseContext, ExecutorHarness } from './harness.js'

/** Every case by area, in the order they run. */
export const EXECUTOR_CASES: ReadonlyArray<readonly [string, readonly ExecutorCase[]]> = [
  ['contract', dispatchCases],
  ['pipelines', pipelineCases],
]

/** Generous: real I/O (Redis for BullMQ) on two shared, busy cores. */
const CASE_TIMEOUT_MS = 60_000

/**
 * Registers the executor conformance suite.
 *
 * @example
 * describeExecutor({ name: 'in-process', create: async ({ concurrency }) => createInProcessExecutor({ concurrency }) })
 */
export function describeExecutor<E extends Executor>(harness: ExecutorHarness<E>): void {
  const known = new Set(EXECUTOR_CASES.flatMap(([, cases]) => cases.map((c) => c.id as string)))
  for (const id of Object.keys(harness.skip ?? {})) {
    if (!known.has(id)) throw new Error(`[@df/conformance] skip names an unknown case id: ${id}`)
  }
  describe(`executor conformance [${harness.name}]`, () => {
    let executors: Executor[] = []
    let backends: Backend[] = []
    const ctx: ExecutorCaseContext = {
      harness: harness as ExecutorHarness,
      async executor(concurrency = 4) {
        const e = await harness.create({ concurrency })
        executors.push(e)
        return e
      },
      async backend() {
        const b = harness.backend ? await harness.backend() : createMemoryBackend()
        await b.init()
        backends.push(b)
        return b
      },
    }
    afterEach(async () => {
      const [e, b] = [executors, backends]
      executors = []
      backends = []
      await Promise.all(e.map((x) => x.close()))
      await Promise.all(b.map((x) => x.close()))
    })
    afterAll(async () => {
      await harness.destroy?.()
    })
    for (const [area, cases] of EXECUTOR_CASES) {
      describe(area, () => {
        for (const c of cases) {
          const reason = harness.skip?.[c.id]
          if (reason) it.skip(`${c.id}: ${c.title} (skipped: ${reason})`, () => {})
          else it(`${c.id}: ${c.title}`, () => c.run(ctx), CASE_TIMEOUT_MS)
        }
      })
    }
  })
}
