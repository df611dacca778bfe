/**
 * The shared remote-executor cases (`describeRemoteExecutor`) on real Redis with real worker
 * processes: each case's deployment is its own queue under a prefix unique to this file.
 */
import { requireService } from '@df/conformance/backend'
import { describeRemoteExecutor } from '@df/conformance/remote-executor'
import { describe } from 'vitest'
import { createBullmqExecutor } from '../src/index.js'
import { dropPrefix, spawnFixture, uniquePrefix } from './helpers.js'

const url = requireService('DF_TEST_REDIS_URL') as string
const prefix = uniquePrefix('remote')

describe.skipIf(url === undefined)('bullmq on Redis, worker processes', () => {
  describeRemoteExecutor({
    name: 'bullmq',
    async create(deployment) {
      return createBullmqExecutor({
        connection: url,
        prefix,
        queue: deployment,
        reconcileIntervalMs: 300,
      })
    },
    async startWorker(deployment, { pipelines }) {
      const proc = spawnFixture('conformance-worker.ts', {
        DF_REDIS_URL: url,
        DF_PREFIX: prefix,
        DF_QUEUE: deployment,
        DF_LOAD_PIPELINES: pipelines ? '1' : '0',
      })
      await proc.waitFor((e) => e.type === 'ready', 60_000)
      const stop = async (signal: NodeJS.Signals) => {
        if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill(signal)
        await proc.exited
      }
      return { pid: proc.pid, kill: () => stop('SIGKILL'), close: () => stop('SIGTERM') }
    },
    async destroy() {
      await dropPrefix(url, prefix)
    },
  })
})
