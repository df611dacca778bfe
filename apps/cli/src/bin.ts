#!/usr/bin/env node
/**
 * The `dremio-cli` executable: runs one invocation and exits with its code (see `runCli`).
 *
 * A reader that goes away early (`dremio-cli sql … | head -c 100`) closes the pipe: the CLI then
 * stops writing quietly and exits 0, as Unix filters do, instead of dying on an unhandled EPIPE.
 */
import { setFlagsFromString } from 'node:v8'
import { runCli } from './program.js'

// The short commands that talk HTTP: compile undici's llhttp parser (WebAssembly) with V8's
// baseline compiler only. Otherwise V8 also optimises it on a background thread, and the process
// waits for that job before it can exit: 100-150 ms added to every `dremio-cli sql` on these
// machines (bench/cli-start), for no gain on a short command. Long-lived commands keep the
// optimising compiler.
const args = process.argv.slice(2)
const command = args.find(
  (a, i) =>
    !a.startsWith('-') && !['--profile', '--url', '--profiles-file'].includes(args[i - 1] ?? ''),
)
if (command === 'sql' || command === 'dq' || command === 'catalog') {
  setFlagsFromString('--liftoff-only')
}

let outputClosed = false
const onOutputError = (error: NodeJS.ErrnoException): void => {
  if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
    outputClosed = true
    return
  }
  throw error
}
process.stdout.on('error', onOutputError)
process.stderr.on('error', onOutputError)

runCli(args).then(
  (code) => {
    process.exitCode = outputClosed ? 0 : code
  },
  (error: unknown) => {
    process.stderr.write(`[@df/cli] ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = outputClosed ? 0 : 1
  },
)
