/** The shared executor conformance suite against the in-process executor (house style §9.5). */
import { describeExecutor } from '@df/conformance/executor'
import { createInProcessExecutor } from '@df/orchestration'

describeExecutor({
  name: 'in-process',
  create: async ({ concurrency }) => createInProcessExecutor({ concurrency }),
})
