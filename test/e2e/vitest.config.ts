import { defineProject } from 'vitest/config'

export default defineProject({
  resolve: { conditions: ['@df/source'] },
  ssr: { resolve: { conditions: ['@df/source'] } },
  test: {
    name: 'e2e',
    // Builds apps/cli/dist/bin.js and what it imports (turbo, cached) unless `pnpm test` did.
    globalSetup: ['../../scripts/build-for-tests.ts'],
    // Every test spawns the built CLI against a real emulator: generous limits, the machine is
    // shared by several test runs.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
