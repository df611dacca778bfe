/** An example `Backend` for `@df/orchestration` on one JSON file, tested with `@df/conformance`. */
export type { JsonFileBackendOptions } from './json-file-backend.js'
export { createJsonFileBackend } from './json-file-backend.js'
