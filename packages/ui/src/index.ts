/**
 * `@df/ui`: the web UI of `@df/orchestration`: a Node HTTP server with real auth (users file,
 * scrypt hashes, session cookie + CSRF, HTTP Basic), a JSON API over a backend's run history,
 * live updates over one SSE stream per tab, and the Vue SPA built into `dist/web`.
 *
 * @example
 * import { startUi } from '@df/ui'
 * const ui = await startUi({ backend, pipelines: [pipeline], auth: { usersFile: 'ui-users.json' } })
 */
export type { AuthSettings } from './auth.js'
export { SESSION_COOKIE } from './auth.js'
export type { UiErrorCode } from './errors.js'
export { UiError } from './errors.js'
export { CONTENT_SECURITY_POLICY, MAX_BODY_BYTES, SECURITY_HEADERS } from './http-util.js'
export { hashPassword, verifyPassword } from './passwords.js'
export type { UiOptions, UiServer } from './server.js'
export { isLoopbackHost, startUi } from './server.js'
export type { UiAuth, UiRole, UserRecord } from './users.js'
export { checkUsers, loadUsersFile, ROLES } from './users.js'
export type { RunSummary } from './views.js'
export { redactText } from './views.js'
