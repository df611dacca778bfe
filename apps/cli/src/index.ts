/**
 * `@df/cli`: the `dremio-cli` program. A library user needs two things from it: `runCli` (the
 * program in-process, with its own stdout/stderr/env) and the types of a pipeline module's
 * default-export factory (`PipelineModuleContext`). Everything else is the program's inside.
 */
export type { CliErrorCode } from './cli-error.js'
export { CliError } from './cli-error.js'
export type { CliIo } from './context.js'
export type { PipelineFactory, PipelineModuleContext } from './load-pipelines.js'
export { runCli } from './program.js'
