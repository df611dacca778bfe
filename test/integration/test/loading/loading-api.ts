/**
 * The loading API under test, in one place. Until the loading functions are wired into
 * `@df/client`'s index (issue 5), they are imported from the client source directly.
 */

export { DremioLoadError } from '../../../../packages/client/src/loading/load-error.js'
export type { LoadProgress } from '../../../../packages/client/src/loading/load-options.js'
export { createTable, insertRows } from '../../../../packages/client/src/loading/load-table.js'
export { createLocalDirectoryStager } from '../../../../packages/client/src/loading/local-directory-stager.js'
export type { Stager } from '../../../../packages/client/src/loading/stager.js'
