import { defineProject } from 'vitest/config'

export default defineProject({
  resolve: { conditions: ['@df/source'] },
  ssr: { resolve: { conditions: ['@df/source'] } },
  test: {
    name: 'e2e',
    // Every test spawns the CLI (tsx on TypeScript source) against a real emulator: generous
    // limits, the machine is shared by several test runs.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
