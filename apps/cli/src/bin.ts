#!/usr/bin/env node
/**
 * The `dremio-cli` executable: runs one invocation and exits with its code (see `runCli`).
 */
import { runCli } from './program.js'

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`[@df/cli] ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  },
)
