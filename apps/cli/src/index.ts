/**
 * `@df/cli`: the `dremio-cli` program (also usable in-process through `runCli`), and the pieces
 * it is built from: backend URLs, the Dremio connection (flags, `DREMIO_*`, profiles), and the
 * pipeline-module loader.
 */
export type { ModuleImporter } from './backend-url.js'
export { createBackendFromUrl, DEFAULT_BACKEND_URL, redactUrl } from './backend-url.js'
export type { CliErrorCode } from './cli-error.js'
export { CliError } from './cli-error.js'
export type { CliIo, GlobalFlags } from './context.js'
export type { ConnectionFlags, ResolvedConnection } from './dremio-config.js'
export { resolveConnection, TrackingDremioClient } from './dremio-config.js'
export type { PipelineFactory, PipelineModuleContext } from './load-pipelines.js'
export { isPipeline, loadPipelines, selectPipeline } from './load-pipelines.js'
export type { ProfilesFile } from './profiles.js'
export { defaultProfilesPath, profileToOptions, readProfiles } from './profiles.js'
export { createProgram, describeError, runCli } from './program.js'
