/**
 * `startUi`: the HTTP(S) server of the web UI. Every request is authenticated (session cookie or
 * HTTP Basic) except the login call and the files the login page needs; state-changing requests
 * need JSON, a same-origin caller and (for sessions) the CSRF token; every answer carries the
 * security headers.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import {
  type Backend,
  hasRunControl,
  hasScheduleStore,
  type Pipeline,
  requireBackendFeature,
} from '@df/orchestration'
import { ACTION_ROUTES } from './api-actions.js'
import { PIPELINE_ROUTES } from './api-pipelines.js'
import { RUN_ROUTES } from './api-runs.js'
import { login, sessionRoutes } from './api-session.js'
import { Authenticator, type AuthSettings, type Principal, safeEqual } from './auth.js'
import type { Route, UiState } from './context.js'
import { UiError } from './errors.js'
import { applySecurityHeaders, isTls, sendError } from './http-util.js'
import { InProcessRuns } from './in-process.js'
import { LiveHub } from './live.js'
import { defaultWebRoot, resolveStaticPath, serveStatic } from './static-files.js'
import { resolveUsers, roleAllows, type UiAuth } from './users.js'

/** Options of {@link startUi}. */
export interface UiOptions {
  /** Where runs are stored; it must implement `RunHistory` (every bundled backend does). */
  readonly backend: Backend
  /**
   * Pipelines whose code this process holds: triggers and reruns of these run here
   * (`pipeline.run()`); others become run requests that `dremio-cli serve` picks up.
   */
  readonly pipelines?: readonly Pipeline[]
  /** @default 8080 (0 picks a free port) */
  readonly port?: number
  /** @default '127.0.0.1'. A non-loopback host needs `auth`. */
  readonly host?: string
  /** Who may log in. Required unless the host is loopback. */
  readonly auth?: UiAuth
  /** How often the backend is polled for live updates while a tab listens. @default 150 (state change → browser p99 under 250 ms) */
  readonly pollMs?: number
  /** Serve HTTPS with this key and certificate (PEM); the session cookie is then `Secure`. */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer }
  /** Login rate limit and session lifetimes. */
  readonly authSettings?: AuthSettings
  /** The built SPA. @default this package's `dist/web` */
  readonly webRoot?: string
  /** Where unexpected errors are reported (never to the browser). @default console.error */
  readonly log?: (message: string, error?: unknown) => void
}

/** A running UI server. */
export interface UiServer {
  /** E.g. `http://127.0.0.1:8080`. */
  readonly url: string
  readonly port: number
  /** Stops accepting, ends the live streams, waits (≤ 10 s) for runs started here. */
  close(): Promise<void>
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '[::1]'])

/** True for a loopback host name or address. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || /^127(\.\d{1,3}){3}$/.test(host)
}

/** Paths the login page needs before anyone is logged in (they hold no data). */
function isPublicAsset(method: string, path: string): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false
  return path === '/login' || path.startsWith('/assets/') || /^\/favicon\.(ico|svg|png)$/.test(path)
}

/**
 * Starts the web UI.
 * @example
 * const ui = await startUi({ backend, auth: { usersFile: './ui-users.json' } })
 * console.log(`open ${ui.url}`)
 * @throws UiError `DF_UI_CONFIG_INVALID` for a non-loopback host without auth or a bad users
 *   file; OrchestrationError `DF_BACKEND_UNSUPPORTED` for a backend without `RunHistory`.
 */
export async function startUi(options: UiOptions): Promise<UiServer> {
  const host = options.host ?? '127.0.0.1'
  if (!isLoopbackHost(host) && options.auth === undefined) {
    throw new UiError(
      'DF_UI_CONFIG_INVALID',
      `[@df/ui] Refusing to listen on ${host} without auth: give auth (a users file, or a username with a password), or listen on 127.0.0.1.`,
    )
  }
  const users = await resolveUsers(options.auth)
  if (users === undefined) {
    throw new UiError(
      'DF_UI_CONFIG_INVALID',
      '[@df/ui] startUi needs auth: { usersFile }, { users } or { username, password }. Every request is authenticated, also on 127.0.0.1.',
    )
  }
  const backend = requireBackendFeature(options.backend, 'RunHistory', '@df/ui')
  await backend.init()
  const log = options.log ?? ((m: string, e?: unknown) => console.error(m, e))
  const byName = new Map<string, Pipeline>()
  for (const p of options.pipelines ?? []) {
    if (byName.has(p.name)) {
      throw new UiError('DF_UI_CONFIG_INVALID', `[@df/ui] Two pipelines are named '${p.name}'.`)
    }
    if (p.backend !== options.backend) {
      throw new UiError(
        'DF_UI_CONFIG_INVALID',
        `[@df/ui] Pipeline '${p.name}' stores its runs in another backend (${p.backend.name}) than the UI's: build it with the same backend object.`,
      )
    }
    byName.set(p.name, p)
  }
  // Store the current definitions of the given pipelines (a recover() that claims nothing).
  for (const p of byName.values()) await p.recover({ limit: 0, wait: false })

  const live = new LiveHub({
    backend,
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    log,
  })
  const state: UiState = {
    backend,
    control: hasRunControl(backend) ? backend : undefined,
    schedules: hasScheduleStore(backend) ? backend : undefined,
    pipelines: byName,
    inProcess: new InProcessRuns(byName, (e) => live.push(e), log),
    live,
    log,
  }
  const auth = new Authenticator(users, options.authSettings)
  const webRoot = options.webRoot ?? defaultWebRoot()
  const routes = [...sessionRoutes(auth), ...PIPELINE_ROUTES, ...RUN_ROUTES, ...ACTION_ROUTES]
  const env: Env = { state, auth, routes, webRoot, tls: options.tls !== undefined }
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res, env).catch((error: unknown) => {
      log('[@df/ui] request failed', error)
      sendError(req, res, new UiError('DF_UI_INTERNAL', 'Internal error; see the server log.'))
    })
  }
  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : createHttpServer(handler)
  server.headersTimeout = 20_000
  server.requestTimeout = 60_000
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port ?? 8080, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (cause) {
    await live.close()
    await state.inProcess.close(0)
    const code = (cause as { code?: string }).code
    throw new UiError(
      'DF_UI_CONFIG_INVALID',
      code === 'EADDRINUSE'
        ? `[@df/ui] Port ${options.port ?? 8080} on ${host} is already in use: pick another (--port).`
        : `[@df/ui] Cannot listen on ${host}:${options.port ?? 8080} (${code ?? 'error'}).`,
      { cause },
    )
  }
  const port = (server.address() as AddressInfo).port
  const shown = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
  let closing: Promise<void> | undefined
  return {
    url: `${options.tls ? 'https' : 'http'}://${shown}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((r) => server.close(() => r()))
        await live.close()
        server.closeAllConnections()
        await stopped
        await state.inProcess.close(10_000)
      })()
      return closing
    },
  }
}

interface Env {
  readonly state: UiState
  readonly auth: Authenticator
  readonly routes: readonly Route[]
  readonly webRoot: string
  readonly tls: boolean
}

async function handle(req: IncomingMessage, res: ServerResponse, env: Env): Promise<void> {
  applySecurityHeaders(res, env.tls || isTls(req))
  const method = req.method ?? 'GET'
  let url: URL
  try {
    // The raw path is checked before URL parsing, which would resolve `..` silently.
    resolveStaticPath('/', (req.url ?? '/').split('?')[0]!)
    url = new URL(req.url ?? '/', 'http://ui.invalid')
  } catch (error) {
    return sendError(
      req,
      res,
      error instanceof UiError ? error : new UiError('DF_UI_BAD_REQUEST', 'Malformed request URL.'),
    )
  }
  const path = url.pathname
  try {
    if (method === 'POST' && path === '/api/login') {
      checkSameOrigin(req)
      requireJson(req)
      return await loginRoute(req, res, env)
    }
    if (isPublicAsset(method, path) && !path.startsWith('/api/')) {
      if (!(await serveStatic(env.webRoot, req, res, path))) notFound(path)
      return
    }
    const principal = await env.auth.identify(req)
    if (principal === undefined) {
      if ((method === 'GET' || method === 'HEAD') && !path.startsWith('/api/') && wantsHtml(req)) {
        res.statusCode = 302
        res.setHeader('Location', '/login')
        res.setHeader('Cache-Control', 'no-store')
        res.end()
        return
      }
      throw new UiError(
        'DF_UI_UNAUTHENTICATED',
        'Log in first (POST /api/login) or send HTTP Basic credentials.',
      )
    }
    if (method === 'OPTIONS') {
      res.statusCode = 204
      res.setHeader(
        'Allow',
        path.startsWith('/api/') ? allowed(env.routes, path).join(', ') : 'GET, HEAD',
      )
      res.end()
      return
    }
    if (path === '/api/events') {
      if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed(['GET', 'HEAD'])
      env.state.live.attach(req, res, url, principal)
      return
    }
    if (path.startsWith('/api/')) return await apiRoute(req, res, url, principal, env)
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed(['GET', 'HEAD'])
    if (!(await serveStatic(env.webRoot, req, res, path))) notFound(path)
  } catch (error) {
    if (error instanceof UiError) {
      if (error.status >= 500)
        env.state.log(`[@df/ui] ${method} ${path}: ${error.message}`, error.cause)
      return sendError(req, res, error)
    }
    throw error
  }
}

function allowed(routes: readonly Route[], path: string): string[] {
  const methods: string[] = routes.filter((r) => r.pattern.test(path)).map((r) => r.method)
  if (methods.includes('GET')) methods.push('HEAD')
  return [...new Set([...methods, 'OPTIONS'])]
}

function methodNotAllowed(methods: readonly string[]): UiError {
  return new UiError('DF_UI_METHOD_NOT_ALLOWED', `Use ${methods.join(' or ')} here.`, {
    headers: { Allow: methods.join(', ') },
  })
}

function notFound(path: string): never {
  throw new UiError('DF_UI_NOT_FOUND', `Nothing at ${path.slice(0, 200)}.`)
}

function wantsHtml(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').includes('text/html')
}

async function apiRoute(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  principal: Principal,
  env: Env,
): Promise<void> {
  const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET')
  const path = url.pathname
  const matching = env.routes.filter((r) => r.pattern.test(path))
  if (matching.length === 0) notFound(path)
  const route = matching.find((r) => r.method === method)
  if (route === undefined)
    throw methodNotAllowed(allowed(env.routes, path).filter((m) => m !== 'OPTIONS'))
  if (route.method === 'POST') checkCsrf(req, principal)
  if (!roleAllows(principal.role, route.role)) {
    throw new UiError(
      'DF_UI_FORBIDDEN',
      `This needs the ${route.role} role; ${principal.username} is ${principal.role}.`,
    )
  }
  const match = route.pattern.exec(path)!
  let params: string[]
  try {
    params = match.slice(1).map((s) => decodeURIComponent(s))
  } catch {
    throw new UiError('DF_UI_BAD_REQUEST', 'The path is not valid percent-encoding.')
  }
  await route.handle({ req, res, url, principal, params, state: env.state })
}

/** POSTs must be JSON: a cross-site HTML form cannot send that without a CORS preflight. */
function requireJson(req: IncomingMessage): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  if (type !== 'application/json') {
    throw new UiError('DF_UI_UNSUPPORTED_MEDIA_TYPE', 'Send Content-Type: application/json.')
  }
}

/** A browser's cross-site request is refused whatever its credentials. */
function checkSameOrigin(req: IncomingMessage): void {
  const site = req.headers['sec-fetch-site']
  if (site === 'cross-site' || site === 'same-site') {
    throw new UiError('DF_UI_CSRF', 'Cross-site requests are refused.')
  }
  const origin = req.headers.origin
  if (origin !== undefined && origin !== 'null') {
    let host: string
    try {
      host = new URL(origin).host
    } catch {
      throw new UiError('DF_UI_CSRF', 'Malformed Origin header.')
    }
    const forwarded = req.headers['x-forwarded-host']
    const hosts = [req.headers.host, ...(Array.isArray(forwarded) ? forwarded : [forwarded])]
    if (!hosts.includes(host)) throw new UiError('DF_UI_CSRF', 'Cross-origin requests are refused.')
  } else if (origin === 'null') {
    throw new UiError('DF_UI_CSRF', 'Requests from an opaque origin are refused.')
  }
}

function checkCsrf(req: IncomingMessage, principal: Principal): void {
  checkSameOrigin(req)
  requireJson(req)
  if (principal.via !== 'session') return
  const sent = req.headers['x-csrf-token']
  const token = Array.isArray(sent) ? sent[0] : sent
  if (
    token === undefined ||
    principal.csrfToken === undefined ||
    !safeEqual(token, principal.csrfToken)
  ) {
    throw new UiError('DF_UI_CSRF', 'Missing or wrong X-CSRF-Token (GET /api/session gives it).')
  }
}

function loginRoute(req: IncomingMessage, res: ServerResponse, env: Env): Promise<void> {
  return login(req, res, env.auth, env.tls || isTls(req))
}
