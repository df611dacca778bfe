/**
 * The request router: fault injection first, then `/apiv2/login`, then the authenticated REST
 * surface under `/api/v3/...` and `/v0/projects/{projectId}/...` (same handlers for both; Cloud
 * differs only where Dremio Cloud does, e.g. 400 instead of 409 for duplicates).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Auth } from './auth.js'
import type { CatalogApi } from './catalog-api.js'
import type { Faults } from './faults.js'
import {
  HttpError,
  methodNotAllowed,
  readJson,
  routeNotFound,
  sendEmpty,
  sendError,
  sendJson,
  sendText,
} from './http.js'
import { handleJobRoute, type JobsRoutesCore } from './job-routes.js'

export interface RouterCore extends JobsRoutesCore {
  auth: Auth
  faults: Faults
  catalogApi: CatalogApi
  projectId: string
  /** Counters behind `emulator.stats()`. */
  counters: { requests: number; unauthorized: number }
}

/** Everything a handler knows about the request. */
export interface RouteRequest {
  req: IncomingMessage
  res: ServerResponse
  method: string
  /** Decoded path segments after the API prefix (e.g. `['job', '<id>', 'results']`). */
  segments: string[]
  params: URLSearchParams
  user: string
  /** True for `/v0/projects/{id}/...` requests. */
  cloud: boolean
}

export function createRequestListener(
  core: RouterCore,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(core, req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy()
        return
      }
      if (error instanceof HttpError) sendError(res, error)
      else
        sendError(res, new HttpError(500, error instanceof Error ? error.message : String(error)))
    })
  }
}

async function handle(core: RouterCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator')
  // Dremio tolerates a trailing slash (the docs post views to `/api/v3/catalog/`).
  const pathname = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname
  const method = req.method ?? 'GET'
  core.counters.requests++
  const fault = core.faults.pick(pathname)
  if (fault !== undefined) {
    req.resume()
    res.writeHead(fault.status, {
      ...fault.headers,
      'content-length': Buffer.byteLength(fault.body),
    })
    res.end(fault.body)
    return
  }
  if (pathname === '/apiv2/login') return login(core, req, res, method)
  let rest: string
  let cloud = false
  if (pathname === '/api/v3' || pathname.startsWith('/api/v3/')) {
    rest = pathname.slice('/api/v3'.length)
  } else if (pathname === '/v0/projects' || pathname.startsWith('/v0/projects/')) {
    cloud = true
    rest = pathname.slice('/v0/projects'.length)
  } else {
    req.resume()
    throw routeNotFound()
  }
  const user = core.auth.check(req.headers.authorization)
  if (user === undefined) {
    req.resume()
    core.counters.unauthorized++
    return sendEmpty(res, 401)
  }
  let segments: string[]
  try {
    segments = rest
      .split('/')
      .filter((s) => s !== '')
      .map(decodeURIComponent)
  } catch {
    throw new HttpError(400, 'Malformed percent-encoding in the request path')
  }
  if (cloud) {
    const projectId = segments.shift()
    if (projectId === undefined) {
      return sendJson(res, 200, {
        data: [{ id: core.projectId, name: 'df-emulator', state: 'ACTIVE' }],
      })
    }
    if (projectId !== core.projectId) {
      req.resume()
      throw new HttpError(404, `Could not find project with id [${projectId}]`)
    }
  }
  const route: RouteRequest = { req, res, method, segments, params: url.searchParams, user, cloud }
  const head = segments[0]
  if (head === 'sql' || head === 'job') return handleJobRoute(core, route)
  if (head === 'catalog') return core.catalogApi.handle(route)
  req.resume()
  throw routeNotFound()
}

async function login(
  core: RouterCore,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
): Promise<void> {
  if (method === 'GET') {
    req.resume()
    if (core.auth.check(req.headers.authorization) === undefined) return sendEmpty(res, 401)
    return sendText(res, 200, 'true', 'application/json')
  }
  if (method === 'DELETE') {
    req.resume()
    core.auth.logout(req.headers.authorization)
    return sendEmpty(res, 204)
  }
  if (method !== 'POST') {
    req.resume()
    throw methodNotAllowed()
  }
  const result = core.auth.login(await readJson(req))
  if (!result.ok) throw new HttpError(401, result.message)
  return sendJson(res, 200, result.body)
}
