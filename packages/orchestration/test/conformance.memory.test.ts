/**
 * The shared backend conformance suite against the memory backend: runs on every PR with no
 * services, which keeps the suite itself honest (house style §9.5). No case is skipped.
 */
import { describeBackend } from '@df/conformance/backend'
import { createMemoryBackend } from '@df/orchestration'

describeBackend({
  name: 'memory',
  async create() {
    const backend = createMemoryBackend()
    await backend.init()
    return backend
  },
})
