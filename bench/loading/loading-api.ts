/**
 * The loading API the benchmark uses, in one place: imported from the client source until the
 * loading functions are exported by `@df/client` (issue 5).
 */
export { decimalWords } from '@df/client'
export { createTable } from '../../packages/client/src/loading/load-table.js'
export { createLocalDirectoryStager } from '../../packages/client/src/loading/local-directory-stager.js'
