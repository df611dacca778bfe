/**
 * `POST /sql`, `GET /job/{id}`, `GET /job/{id}/results` and `POST /job/{id}/cancel`, with the
 * status codes and messages of reference §4-7.
 */
import {
  HttpError,
  intParam,
  methodNotAllowed,
  readJson,
  routeNotFound,
  sendEmpty,
  sendJson,
  sendText,
} from './http.js'
import { type Jobs, jobJson } from './jobs.js'
import type { RouteRequest } from './router.js'

export interface JobsRoutesCore {
  jobs: Jobs
}

const SQL_FIELDS = new Set(['sql', 'context', 'references', 'engineName', 'requestId'])
const MAX_LIMIT = 500

export async function handleJobRoute(core: JobsRoutesCore, route: RouteRequest): Promise<void> {
  const { segments, method, req, res } = route
  if (segments[0] === 'sql' && segments.length === 1) {
    if (method !== 'POST') throw methodNotAllowed()
    const { sql, context } = parseSqlBody(await readJson(req))
    return sendJson(res, 200, { id: core.jobs.submit(sql, context, route.user) })
  }
  req.resume()
  const id = segments[1]
  if (segments[0] !== 'job' || id === undefined || segments.length > 3) throw routeNotFound()
  const action = segments[2]
  if (action === undefined) {
    if (method !== 'GET') throw methodNotAllowed()
    const job = core.jobs.record(id)
    if (job === undefined) throw jobNotFound(id)
    return sendText(res, 200, jobJson(job), 'application/json')
  }
  if (action === 'results') {
    if (method !== 'GET') throw methodNotAllowed()
    const limit = intParam(route.params, 'limit', 100)
    const offset = intParam(route.params, 'offset', 0)
    // Dremio checks the limit before it looks the job up.
    if (limit > MAX_LIMIT) throw new HttpError(400, `limit can not exceed ${MAX_LIMIT} rows`)
    if (limit < 0 || offset < 0) throw new HttpError(400, 'offset and limit must not be negative')
    const job = core.jobs.record(id)
    if (job === undefined) throw jobNotFound(id)
    if (job.state !== 'COMPLETED') {
      throw new HttpError(400, `Can not fetch details for a job that is in [${job.state}] state.`)
    }
    if (job.result === undefined) {
      throw new HttpError(
        400,
        `The results of job [${id}] were cleaned up by @df/emulator (memory limit).`,
      )
    }
    return sendText(res, 200, job.result.pageBody(offset, limit), 'application/json')
  }
  if (action === 'cancel') {
    if (method !== 'POST') throw methodNotAllowed()
    // Unknown and already finished jobs both answer 404, as Dremio 25 does.
    if (!core.jobs.cancel(id)) throw jobNotFound(id)
    return sendEmpty(res, 204)
  }
  throw routeNotFound()
}

function jobNotFound(id: string): HttpError {
  return new HttpError(404, `Could not find a job with id [${id}]`)
}

function parseSqlBody(body: unknown): { sql: string; context: string[] | undefined } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'Invalid value.')
  }
  const record = body as Record<string, unknown>
  for (const key of Object.keys(record)) {
    if (!SQL_FIELDS.has(key)) throw new HttpError(400, `Invalid value found at: ${key}`)
  }
  if (typeof record.sql !== 'string') throw new HttpError(400, 'Invalid value found at: sql')
  const context = record.context
  if (context === undefined || context === null) return { sql: record.sql, context: undefined }
  if (!Array.isArray(context) || !context.every((s) => typeof s === 'string')) {
    throw new HttpError(400, 'Invalid value found at: context')
  }
  return { sql: record.sql, context: context as string[] }
}
