/** `/api/pipelines`: the pipelines page, stored definitions, triggers. */
import {
  allPages,
  type JsonObject,
  type PipelineRecord,
  type ScheduleRecord,
} from '@df/orchestration'
import type { RequestContext, Route, UiState } from './context.js'
import { UiError } from './errors.js'
import { readJsonBody, sendJson } from './http-util.js'
import { checkParams, createRunRequest, storedParams } from './run-requests.js'
import { roleAllows } from './users.js'
import { paramsView, redactText, scheduleView } from './views.js'

/** Every stored definition, by id. */
function allDefinitions(state: UiState): Promise<PipelineRecord[]> {
  return allPages((page) => state.backend.listPipelines({ limit: 1000, ...page }))
}

async function allSchedules(state: UiState): Promise<ScheduleRecord[]> {
  const store = state.schedules
  return store === undefined
    ? []
    : allPages((page) => store.listSchedules({ limit: 1000, ...page }))
}

async function listPipelines(ctx: RequestContext): Promise<void> {
  const { state } = ctx
  const [defs, schedules] = await Promise.all([allDefinitions(state), allSchedules(state)])
  const byPipeline = new Map<string, ScheduleRecord[]>()
  for (const s of schedules)
    byPipeline.set(s.pipelineId, [...(byPipeline.get(s.pipelineId) ?? []), s])
  const operator = roleAllows(ctx.principal.role, 'operator')
  const pipelines = await Promise.all(
    defs.map(async (d) => {
      const runs = await state.backend.listRuns({ pipelineId: d.id, limit: 20 })
      const own = byPipeline.get(d.id) ?? []
      const params = storedParams(d)
      return {
        pipelineId: d.id,
        name: d.id,
        definitionHash: d.definitionHash,
        ...(d.description !== undefined ? { description: redactText(d.description) } : {}),
        tasks: d.tasks.length,
        canTrigger: operator,
        inProcess: state.inProcess.has(d.id),
        ...(params !== undefined ? { params: paramsView(params) } : {}),
        ...(own[0] !== undefined ? { schedule: scheduleView(own[0]) } : {}),
        ...(own.length > 1 ? { schedules: own.map(scheduleView) } : {}),
        lastRuns: runs.items.map((r) => ({
          runId: r.id,
          status: r.status,
          startedAt: r.startedAt ?? null,
          ...(r.endedAt !== undefined ? { finishedAt: r.endedAt } : {}),
        })),
      }
    }),
  )
  sendJson(ctx.req, ctx.res, 200, { pipelines })
}

async function definition(ctx: RequestContext): Promise<void> {
  const [pipelineId, hash] = ctx.params as [string, string]
  const d = await ctx.state.backend.getPipeline(pipelineId)
  if (d === undefined) throw new UiError('DF_UI_NOT_FOUND', `No pipeline '${pipelineId}'.`)
  // Only the current definition is stored: for an older hash (a run of an edited pipeline) the
  // current one is sent, marked `current: false` and not cacheable.
  const current = d.definitionHash === hash
  const tasks = d.tasks.map((t) => ({
    id: t.name,
    type: t.type,
    upstream: t.upstream,
    triggerRule: t.triggerRule,
    ...(t.pool !== undefined ? { pool: t.pool } : {}),
    retries: t.retries,
    ...(t.timeoutMs !== undefined ? { timeoutMs: t.timeoutMs } : {}),
  }))
  sendJson(
    ctx.req,
    ctx.res,
    200,
    { pipelineId, definitionHash: d.definitionHash, current, tasks },
    current ? 'private, max-age=31536000, immutable' : 'no-store',
  )
}

function logicalDateOf(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined
  const d = typeof value === 'string' || typeof value === 'number' ? new Date(value) : undefined
  if (d === undefined || Number.isNaN(d.getTime())) {
    throw new UiError('DF_UI_BAD_REQUEST', 'logicalDate must be an ISO 8601 date-time.')
  }
  return d.toISOString()
}

async function trigger(ctx: RequestContext): Promise<void> {
  const [name] = ctx.params as [string]
  const body = await readJsonBody(ctx.req)
  for (const k of Object.keys(body)) {
    if (k !== 'params' && k !== 'logicalDate') {
      throw new UiError('DF_UI_BAD_REQUEST', `Unknown field '${k}' (known: params, logicalDate).`)
    }
  }
  const given = body.params ?? {}
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new UiError('DF_UI_BAD_REQUEST', 'params must be a JSON object.')
  }
  const logicalDate = logicalDateOf(body.logicalDate)
  const { state } = ctx
  const def = await state.backend.getPipeline(name)
  if (state.inProcess.has(name)) {
    if (def !== undefined) checkParams(storedParams(def), given as JsonObject, name)
    const runId = await state.inProcess.trigger(name, given as JsonObject, logicalDate)
    sendJson(ctx.req, ctx.res, 201, { runId })
    return
  }
  if (def === undefined) throw new UiError('DF_UI_NOT_FOUND', `No pipeline '${name}'.`)
  const params = checkParams(storedParams(def), given as JsonObject, name)
  const run = await createRunRequest(
    state.backend,
    def,
    params,
    logicalDate ?? new Date().toISOString(),
  )
  state.live.poke()
  sendJson(ctx.req, ctx.res, 201, { runId: run.id, requested: true })
}

/** The pipeline routes. */
export const PIPELINE_ROUTES: readonly Route[] = [
  { method: 'GET', pattern: /^\/api\/pipelines$/, role: 'viewer', handle: listPipelines },
  {
    method: 'GET',
    pattern: /^\/api\/pipelines\/([^/]+)\/definitions\/([^/]+)$/,
    role: 'viewer',
    handle: definition,
  },
  {
    method: 'POST',
    pattern: /^\/api\/pipelines\/([^/]+)\/trigger$/,
    role: 'operator',
    handle: trigger,
  },
]
