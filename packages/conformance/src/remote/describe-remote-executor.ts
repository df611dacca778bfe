/**
 * `describeRemoteExecutor`: the cases every executor whose attempts run in other processes must
 * pass, on top of `describeExecutor`.
 */
import { type Backend, createMemoryBackend, type Executor } from '@df/orchestration'
import { afterAll, afterEach, describe, it } from 'vitest'
import { type RemoteCaseContext, remoteCases } from './cases.js'
import type { RemoteExecutorHarness, RemoteWorker } from './harness.js'
import { type ProbeServer, startProbeServer } from './probe-server.js'

/** Worker processes take seconds to start on two busy cores. */
const CASE_TIMEOUT_MS = 120_000

/**
 * Registers the remote-executor suite.
 *
 * @example
 * describeRemoteExecutor({ name: 'bullmq', create: (deployment) => …, startWorker: (deployment, o) => … })
 */
export function describeRemoteExecutor(harness: RemoteExecutorHarness): void {
  const known = new Set(remoteCases.map((c) => c.id as string))
  for (const id of Object.keys(harness.skip ?? {})) {
    if (!known.has(id)) throw new Error(`[@df/conformance] skip names an unknown case id: ${id}`)
  }
  describe(`remote executor conformance [${harness.name}]`, () => {
    let executors: Executor[] = []
    let backends: Backend[] = []
    let workers: RemoteWorker[] = []
    let probes: ProbeServer[] = []
    let seq = 0
    afterEach(async () => {
      const [e, b, w, p] = [executors, backends, workers, probes]
      executors = []
      backends = []
      workers = []
      probes = []
      await Promise.all(w.map((x) => x.kill()))
      await Promise.all(e.map((x) => x.close()))
      await Promise.all(b.map((x) => x.close()))
      await Promise.all(p.map((x) => x.close()))
    })
    afterAll(async () => {
      await harness.destroy?.()
    })
    for (const c of remoteCases) {
      const reason = harness.skip?.[c.id]
      if (reason) {
        it.skip(`${c.id}: ${c.title} (skipped: ${reason})`, () => {})
        continue
      }
      it(
        `${c.id}: ${c.title}`,
        async () => {
          const deployment = `remote${process.pid}x${++seq}`
          const probe = await startProbeServer()
          probes.push(probe)
          const ctx: RemoteCaseContext = {
            harness,
            deployment,
            probe,
            async executor() {
              const e = await harness.create(deployment)
              executors.push(e)
              return e
            },
            async worker(options) {
              const w = await harness.startWorker(deployment, options)
              workers.push(w)
              return w
            },
            async backend() {
              const b = harness.backend ? await harness.backend() : createMemoryBackend()
              await b.init()
              backends.push(b)
              return b
            },
          }
          await c.run(ctx)
        },
        CASE_TIMEOUT_MS,
      )
    }
  })
}
