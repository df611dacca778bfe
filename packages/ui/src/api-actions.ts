/** The operator actions: cancel, rerun, pause and resume a schedule. */
import { FINISHED_RUN_STATES, setSchedulePaused } from '@df/orchestration'
import type { RequestContext, Route } from './context.js'
import { UiError } from './errors.js'
import { readJsonBody, sendJson } from './http-util.js'
import { createRerunRequest } from './run-requests.js'
import { scheduleView } from './views.js'

async function cancel(ctx: RequestContext): Promise<void> {
  const runId = ctx.params[0]!
  const { state } = ctx
  const body = await readJsonBody(ctx.req)
  const note = typeof body.reason === 'string' ? body.reason.slice(0, 200) : undefined
  const reason = `cancelled by ${ctx.principal.username} in the UI${note ? `: ${note}` : ''}`
  const run = await state.backend.getRun(runId)
  if (run === undefined) throw new UiError('DF_UI_NOT_FOUND', `No run '${runId}'.`)
  if (FINISHED_RUN_STATES.has(run.status)) {
    throw new UiError('DF_UI_CONFLICT', `Run '${runId}' already ended ${run.status}.`)
  }
  const here = state.inProcess.cancel(run.pipelineId, runId, reason)
  if (!here) {
    if (state.control === undefined) {
      throw new UiError(
        'DF_UI_UNSUPPORTED',
        `The '${state.backend.name}' backend has no RunControl, so a run driven by another process cannot be cancelled from here.`,
      )
    }
    const result = await state.control.requestCancel({ runId, reason, at: Date.now() })
    if (!result.ok) {
      throw result.reason === 'not-found'
        ? new UiError('DF_UI_NOT_FOUND', `No run '${runId}'.`)
        : new UiError('DF_UI_CONFLICT', `Run '${runId}' already ended.`)
    }
  }
  state.live.poke()
  sendJson(ctx.req, ctx.res, 202, { runId, cancelRequested: true })
}

async function rerun(ctx: RequestContext): Promise<void> {
  const runId = ctx.params[0]!
  const { state } = ctx
  const body = await readJsonBody(ctx.req)
  for (const k of Object.keys(body)) {
    if (k !== 'from' && k !== 'fromTask') {
      throw new UiError('DF_UI_BAD_REQUEST', `Unknown field '${k}' (known: from, fromTask).`)
    }
  }
  let from: string
  if (typeof body.fromTask === 'string' && body.fromTask !== '') from = body.fromTask
  else if (body.from === undefined || body.from === 'failed') from = 'failed'
  else throw new UiError('DF_UI_BAD_REQUEST', "Give { from: 'failed' } or { fromTask: '<task>' }.")
  if (from !== 'failed' && body.from !== undefined) {
    throw new UiError('DF_UI_BAD_REQUEST', 'Give either from or fromTask, not both.')
  }
  const previous = await state.backend.getRun(runId)
  if (previous === undefined) throw new UiError('DF_UI_NOT_FOUND', `No run '${runId}'.`)
  if (!FINISHED_RUN_STATES.has(previous.status)) {
    throw new UiError(
      'DF_UI_CONFLICT',
      `Run '${runId}' is still ${previous.status}; rerun it once it ended.`,
    )
  }
  if (state.inProcess.has(previous.pipelineId)) {
    const def = await state.backend.getPipeline(previous.pipelineId)
    if (from !== 'failed' && def !== undefined && !def.tasks.some((t) => t.name === from)) {
      throw new UiError(
        'DF_UI_NOT_FOUND',
        `Pipeline '${previous.pipelineId}' has no task '${from}'.`,
      )
    }
    const id = await state.inProcess.rerun(previous.pipelineId, runId, from)
    sendJson(ctx.req, ctx.res, 201, { runId: id })
    return
  }
  const run = await createRerunRequest(state.backend, previous, from)
  state.live.poke()
  sendJson(ctx.req, ctx.res, 201, { runId: run.id, requested: true })
}

function pauseRoute(paused: boolean) {
  return async (ctx: RequestContext): Promise<void> => {
    const id = ctx.params[0]!
    const { state } = ctx
    if (state.schedules === undefined) {
      throw new UiError(
        'DF_UI_UNSUPPORTED',
        `The '${state.backend.name}' backend stores no schedules.`,
      )
    }
    await readJsonBody(ctx.req)
    if ((await state.schedules.getSchedule(id)) === undefined) {
      throw new UiError('DF_UI_NOT_FOUND', `No schedule '${id}'.`)
    }
    const record = await setSchedulePaused(state.schedules, id, paused)
    sendJson(ctx.req, ctx.res, 200, { schedule: scheduleView(record) })
  }
}

/** The action routes (operator). */
export const ACTION_ROUTES: readonly Route[] = [
  { method: 'POST', pattern: /^\/api\/runs\/([^/]+)\/cancel$/, role: 'operator', handle: cancel },
  { method: 'POST', pattern: /^\/api\/runs\/([^/]+)\/rerun$/, role: 'operator', handle: rerun },
  {
    method: 'POST',
    pattern: /^\/api\/schedules\/([^/]+)\/pause$/,
    role: 'operator',
    handle: pauseRoute(true),
  },
  {
    method: 'POST',
    pattern: /^\/api\/schedules\/([^/]+)\/resume$/,
    role: 'operator',
    handle: pauseRoute(false),
  },
]
