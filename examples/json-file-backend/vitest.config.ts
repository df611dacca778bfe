import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // The suites use real files and child processes: generous limits on a busy machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
