/**
 * `describeBackend`: the one conformance suite every `Backend` runs against its real store
 * (house style §9.5). Each case gets a fresh backend from `harness.create()` and closes it after.
 */
import {
  type Backend,
  type FullBackend,
  hasRunControl,
  hasRunHistory,
  hasScheduleStore,
  hasWatermarkStore,
} from '@df/orchestration'
import { afterAll, afterEach, beforeEach, describe, it } from 'vitest'
import { claimCases } from './cases/claims-and-leases.js'
import { concurrencyCases } from './cases/concurrency.js'
import { controlCases } from './cases/control.js'
import { lifecycleCases } from './cases/lifecycle.js'
import { pipelineCases } from './cases/pipelines.js'
import { runCases } from './cases/runs.js'
import { runListCases } from './cases/runs-list.js'
import { scheduleCases } from './cases/schedules.js'
import { sizeAndNameCases } from './cases/sizes-and-names.js'
import { taskResultCases } from './cases/task-results.js'
import { taskCases } from './cases/tasks.js'
import { watermarkCases } from './cases/watermarks.js'
import type { BackendCase, CaseId } from './define-case.js'
import { missingServices } from './require-service.js'

/** How a backend package plugs its store into the suite. */
export interface BackendHarness<B extends Backend = Backend> {
  /** Shown in test names: `backend conformance [postgres]`. */
  readonly name: string
  /** A fresh, initialised backend in its own namespace (schema, database or temp file). */
  create(): Promise<B>
  /** Drops what `create` made. Runs once after the suite. */
  destroy?(): Promise<void>
  /** Cases this backend cannot pass, keyed by case id, each with a reason (shown in the title). */
  readonly skip?: Readonly<Partial<Record<CaseId, string>>>
  /** Backend-specific cases that reuse the suite's setup (unstorage `additionalTests`). */
  readonly extra?: (ctx: ConformanceContext<B>) => void
}

/** Given to `extra`: the backend of the running test (fresh per test, closed after it). */
export interface ConformanceContext<B extends Backend = Backend> {
  readonly harness: BackendHarness<B>
  /** The current test's backend; only valid inside a test. */
  readonly backend: B
}

/** Every case by area, in the order they run. */
export const BACKEND_CASES: ReadonlyArray<readonly [string, readonly BackendCase[]]> = [
  ['lifecycle', lifecycleCases],
  ['pipelines', pipelineCases],
  ['runs', runCases],
  ['runs (listing)', runListCases],
  ['tasks', taskCases],
  ['tasks (results)', taskResultCases],
  ['sizes and names', sizeAndNameCases],
  ['claims and leases', claimCases],
  ['cancel requests (RunControl)', controlCases],
  ['watermarks', watermarkCases],
  ['schedules (ScheduleStore)', scheduleCases],
  ['concurrency', concurrencyCases],
]

const FEATURE_CHECKS = {
  RunHistory: hasRunHistory,
  RunControl: hasRunControl,
  WatermarkStore: hasWatermarkStore,
  ScheduleStore: hasScheduleStore,
} as const

/** Generous: real I/O on two shared, busy cores. */
const CASE_TIMEOUT_MS = 60_000

/**
 * Registers the conformance suite for one backend. Call it once per store flavour from the
 * package's `test/conformance.test.ts`.
 *
 * @example
 * describeBackend({ name: 'memory', create: async () => { const b = createMemoryBackend(); await b.init(); return b } })
 */
export function describeBackend<B extends Backend>(harness: BackendHarness<B>): void {
  const known = new Set(BACKEND_CASES.flatMap(([, cases]) => cases.map((c) => c.id as string)))
  for (const id of Object.keys(harness.skip ?? {})) {
    // A stale skip hides nothing on purpose: it is an error, so skips get cleaned up.
    if (!known.has(id)) throw new Error(`[@df/conformance] skip names an unknown case id: ${id}`)
  }
  const missing = [...missingServices().entries()]
  if (missing.length > 0) {
    const why = missing.map(([envVar, problem]) => `${envVar}: ${problem}`).join('; ')
    describe.skip(`backend conformance [${harness.name}] (service missing: ${why})`, () => {
      it('needs its service', () => {})
    })
    return
  }

  describe(`backend conformance [${harness.name}]`, () => {
    let current: B | undefined
    const ctx: ConformanceContext<B> = {
      harness,
      get backend(): B {
        if (!current)
          throw new Error('[@df/conformance] ctx.backend is only available inside a test')
        return current
      },
    }
    beforeEach(async () => {
      current = await harness.create()
    }, CASE_TIMEOUT_MS)
    afterEach(async () => {
      const backend = current
      current = undefined
      await backend?.close()
    }, CASE_TIMEOUT_MS)
    afterAll(async () => {
      await harness.destroy?.()
    }, CASE_TIMEOUT_MS)

    for (const [area, cases] of BACKEND_CASES) {
      describe(area, () => {
        for (const c of cases) {
          const reason = harness.skip?.[c.id]
          if (reason !== undefined) {
            it.skip(`${c.id}: ${c.title} [skipped: ${reason}]`, () => {})
          } else {
            it(
              `${c.id}: ${c.title}`,
              (test) => {
                const backend = ctx.backend
                const missing = c.needs.filter((f) => !FEATURE_CHECKS[f](backend))
                // A backend without an optional interface is not judged on it; the
                // 'lifecycle.features.whole' case makes sure it lacks it whole, not in part.
                if (missing.length > 0)
                  return test.skip(`${harness.name} has no ${missing.join(', ')}`)
                return c.fn({ backend: backend as unknown as FullBackend })
              },
              CASE_TIMEOUT_MS,
            )
          }
        }
      })
    }
    if (harness.extra) describe('extra', () => harness.extra?.(ctx))
  })
}
