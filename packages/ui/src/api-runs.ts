/** `/api/runs`: the runs list (keyset pages), a run, its task states and attempts. */
import { RUN_STATES, type RunQuery, type RunState } from '@df/orchestration'
import type { RequestContext, Route } from './context.js'
import { UiError } from './errors.js'
import { sendJson } from './http-util.js'
import { attemptView, runDetail, runSummary, taskColumns } from './views.js'

const QUERY_KEYS = new Set(['pipeline', 'status', 'from', 'to', 'limit', 'cursor'])

function instant(name: string, value: string | null): number | undefined {
  if (value === null || value === '') return undefined
  const n = /^\d+$/.test(value) ? Number(value) : Date.parse(value)
  if (!Number.isFinite(n)) {
    throw new UiError('DF_UI_BAD_REQUEST', `${name} must be an ISO 8601 date-time or epoch ms.`)
  }
  return n
}

/** The backend query of `GET /api/runs?…`. @throws UiError 400 naming the bad parameter. */
export function runQueryOf(url: URL): RunQuery {
  for (const k of url.searchParams.keys()) {
    if (!QUERY_KEYS.has(k)) {
      throw new UiError(
        'DF_UI_BAD_REQUEST',
        `Unknown query parameter '${k}' (known: ${[...QUERY_KEYS].join(', ')}).`,
      )
    }
  }
  const q = url.searchParams
  const statuses = (q.get('status') ?? '')
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s !== '')
  for (const s of statuses) {
    if (!RUN_STATES.includes(s as RunState)) {
      throw new UiError('DF_UI_BAD_REQUEST', `status must be one of ${RUN_STATES.join(', ')}.`)
    }
  }
  const limitText = q.get('limit')
  const limit = limitText === null || limitText === '' ? 50 : Number(limitText)
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new UiError('DF_UI_BAD_REQUEST', 'limit must be a whole number from 1 to 1000.')
  }
  const from = instant('from', q.get('from'))
  const to = instant('to', q.get('to'))
  const pipeline = q.get('pipeline')
  const cursor = q.get('cursor')
  return {
    limit,
    ...(pipeline !== null && pipeline !== '' ? { pipelineId: pipeline } : {}),
    ...(statuses.length === 1 ? { status: statuses[0] as RunState } : {}),
    ...(statuses.length > 1 ? { status: statuses as RunState[] } : {}),
    ...(from !== undefined ? { createdAfter: from } : {}),
    ...(to !== undefined ? { createdBefore: to } : {}),
    ...(cursor !== null && cursor !== '' ? { cursor } : {}),
  }
}

async function listRuns(ctx: RequestContext): Promise<void> {
  const query = runQueryOf(ctx.url)
  let page: Awaited<ReturnType<typeof ctx.state.backend.listRuns>>
  try {
    page = await ctx.state.backend.listRuns(query)
  } catch (error) {
    if ((error as { code?: string }).code === 'DF_OPTION_INVALID') {
      throw new UiError('DF_UI_BAD_REQUEST', 'cursor is not one this server handed out.', {
        cause: error,
      })
    }
    throw error
  }
  const now = Date.now()
  sendJson(ctx.req, ctx.res, 200, {
    runs: page.items.map((r) => runSummary(r, now)),
    nextCursor: page.nextCursor ?? null,
  })
}

async function loadRun(ctx: RequestContext, runId: string) {
  const run = await ctx.state.backend.getRun(runId)
  if (run === undefined) throw new UiError('DF_UI_NOT_FOUND', `No run '${runId}'.`)
  return run
}

async function getRun(ctx: RequestContext): Promise<void> {
  const run = await loadRun(ctx, ctx.params[0]!)
  sendJson(ctx.req, ctx.res, 200, { run: runDetail(run) })
}

async function getTasks(ctx: RequestContext): Promise<void> {
  const runId = ctx.params[0]!
  const tasks = await ctx.state.backend.getTasks(runId)
  if (tasks.length === 0) await loadRun(ctx, runId)
  sendJson(ctx.req, ctx.res, 200, { runId, ...taskColumns(tasks) })
}

async function getAttempts(ctx: RequestContext): Promise<void> {
  const [runId, taskId] = ctx.params as [string, string]
  const attempts = await ctx.state.backend.listAttempts(runId, taskId)
  if (attempts.length === 0) {
    const tasks = await ctx.state.backend.getTasks(runId)
    if (tasks.length === 0) await loadRun(ctx, runId)
    if (!tasks.some((t) => t.taskId === taskId)) {
      throw new UiError('DF_UI_NOT_FOUND', `Run '${runId}' has no task '${taskId}'.`)
    }
  }
  sendJson(ctx.req, ctx.res, 200, { runId, taskId, attempts: attempts.map(attemptView) })
}

/** The run routes. */
export const RUN_ROUTES: readonly Route[] = [
  { method: 'GET', pattern: /^\/api\/runs$/, role: 'viewer', handle: listRuns },
  { method: 'GET', pattern: /^\/api\/runs\/([^/]+)$/, role: 'viewer', handle: getRun },
  { method: 'GET', pattern: /^\/api\/runs\/([^/]+)\/tasks$/, role: 'viewer', handle: getTasks },
  {
    method: 'GET',
    pattern: /^\/api\/runs\/([^/]+)\/tasks\/([^/]+)\/attempts$/,
    role: 'viewer',
    handle: getAttempts,
  },
]
