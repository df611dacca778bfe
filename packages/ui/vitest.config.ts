import { defineProject } from 'vitest/config'

export default defineProject({
  resolve: { conditions: ['@df/source'] },
  ssr: { resolve: { conditions: ['@df/source'] } },
  test: { name: '@df/ui', testTimeout: 30_000, hookTimeout: 60_000 },
})
