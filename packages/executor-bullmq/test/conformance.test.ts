/**
 * `describeExecutor` on real Redis: each executor gets its own queue under a prefix unique to
 * this file, and a worker in this process (the generic suite drives the executor with its own
 * hooks, which only an in-process worker can call). The remote semantics (worker processes,
 * kill -9, adoption) are in the other files.
 */
import { requireService } from '@df/conformance/backend'
import { describeExecutor } from '@df/conformance/executor'
import { describe } from 'vitest'
import { createBullmqExecutor } from '../src/index.js'
import { dropPrefix, uniquePrefix } from './helpers.js'

const url = requireService('DF_TEST_REDIS_URL') as string
const prefix = uniquePrefix('conf')
let n = 0

// requireService fails the file on CI when Redis is missing, and skips it locally.
describe.skipIf(url === undefined)('bullmq on Redis', () => {
  describeExecutor({
    name: 'bullmq',
    async create({ concurrency }) {
      return createBullmqExecutor({
        connection: url,
        prefix,
        queue: `q${++n}`,
        reconcileIntervalMs: 500,
        // The generic redelivery case expects a new attempt after a lease expiry; adoption is
        // covered by the remote cases.
        resumeAttempts: false,
        worker: { concurrency, lockDurationMs: 2000, stalledIntervalMs: 1000 },
      })
    },
    async destroy() {
      await dropPrefix(url, prefix)
    },
  })
})
