import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'packaging',
    // Builds (turbo, cached) and packs the packages once; every test file installs the tarballs.
    globalSetup: ['./test/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    // Installs from the pnpm store (the registry for what it lacks) and child vitest runs.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
