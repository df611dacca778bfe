import { defineProject } from 'vitest/config'

export default defineProject({
  resolve: { conditions: ['@df/source'] },
  ssr: { resolve: { conditions: ['@df/source'] } },
  test: { name: 'executor-bullmq' },
})
