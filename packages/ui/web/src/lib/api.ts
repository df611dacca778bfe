/**
 * The SPA's only way to the server: same-origin fetch with the session cookie, JSON in and out,
 * `X-CSRF-Token` on every POST, and the server's `{ error: { code, message } }` turned into an
 * {@link ApiError}.
 */
import type {
  AttemptInfo,
  PipelineInfo,
  RunDetail,
  RunSummary,
  ScheduleInfo,
  Session,
  TaskColumns,
  TaskDefinition,
} from './types.js'

/** A failed API call: the server's `DF_UI_*` code (or `DF_UI_NETWORK`) and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

let csrfToken = ''
let onUnauthenticated: () => void = () => {}

/** Remembers the session's CSRF token, sent on every state-changing request. */
export function setCsrfToken(token: string): void {
  csrfToken = token
}

/** Called when any request answers 401 (the session ended): the app goes to the login page. */
export function setUnauthenticatedHandler(fn: () => void): void {
  onUnauthenticated = fn
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken
  let res: Response
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch (e) {
    throw new ApiError(0, 'DF_UI_NETWORK', `The server did not answer (${(e as Error).message}).`)
  }
  const text = await res.text()
  let json: unknown
  try {
    json = text === '' ? undefined : JSON.parse(text)
  } catch {
    json = undefined
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error
    if (res.status === 401 && path !== '/api/login') onUnauthenticated()
    throw new ApiError(
      res.status,
      err?.code ?? `DF_UI_HTTP_${res.status}`,
      err?.message ?? `${method} ${path} failed with HTTP ${res.status}.`,
    )
  }
  return json as T
}

/** A pipeline definition as the server sends it. */
export interface Definition {
  definitionHash: string
  /** False when the asked-for hash is no longer stored: this is the current definition instead. */
  current: boolean
  tasks: TaskDefinition[]
}

/** Definitions never change for a hash (the server marks them immutable): fetched once each. */
const definitions = new Map<string, Promise<Definition>>()

export interface RunsQuery {
  pipeline?: string
  status?: string
  from?: string
  to?: string
  limit?: number
  cursor?: string
}

function query(q: object): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(q)) {
    if (v !== undefined && v !== null && v !== '') p.set(k, String(v))
  }
  const s = p.toString()
  return s === '' ? '' : `?${s}`
}

const enc = encodeURIComponent

/** Typed calls, one per endpoint. */
export const api = {
  session: () => request<Session>('GET', '/api/session'),
  login: (username: string, password: string) =>
    request<void>('POST', '/api/login', { username, password }),
  logout: () => request<void>('POST', '/api/logout', {}),
  pipelines: () => request<{ pipelines: PipelineInfo[] }>('GET', '/api/pipelines'),
  trigger: (name: string, body: { params?: Record<string, unknown>; logicalDate?: string }) =>
    request<{ runId: string; requested?: boolean }>(
      'POST',
      `/api/pipelines/${enc(name)}/trigger`,
      body,
    ),
  runs: (q: RunsQuery) =>
    request<{ runs: RunSummary[]; nextCursor: string | null }>('GET', `/api/runs${query(q)}`),
  run: (runId: string) => request<{ run: RunDetail }>('GET', `/api/runs/${enc(runId)}`),
  tasks: (runId: string) => request<TaskColumns>('GET', `/api/runs/${enc(runId)}/tasks`),
  attempts: (runId: string, taskId: string) =>
    request<{ attempts: AttemptInfo[] }>(
      'GET',
      `/api/runs/${enc(runId)}/tasks/${enc(taskId)}/attempts`,
    ),
  definition(pipelineId: string, hash: string): Promise<Definition> {
    const key = `${pipelineId}\u0000${hash}`
    let p = definitions.get(key)
    if (p === undefined) {
      p = request<Partial<Definition> & { tasks: TaskDefinition[] }>(
        'GET',
        `/api/pipelines/${enc(pipelineId)}/definitions/${enc(hash)}`,
      ).then((r) => {
        const d: Definition = {
          definitionHash: r.definitionHash ?? hash,
          current: r.current !== false,
          tasks: r.tasks,
        }
        // Another hash's definition stands in for one no longer stored: ask again next time.
        if (d.definitionHash !== hash) definitions.delete(key)
        return d
      })
      p.catch(() => definitions.delete(key))
      definitions.set(key, p)
    }
    return p
  },
  cancel: (runId: string) =>
    request<{ runId: string; cancelRequested: boolean }>(
      'POST',
      `/api/runs/${enc(runId)}/cancel`,
      {},
    ),
  rerun: (runId: string, body: { from: 'failed' } | { fromTask: string }) =>
    request<{ runId: string }>('POST', `/api/runs/${enc(runId)}/rerun`, body),
  pause: (scheduleId: string) =>
    request<{ schedule: ScheduleInfo }>('POST', `/api/schedules/${enc(scheduleId)}/pause`, {}),
  resume: (scheduleId: string) =>
    request<{ schedule: ScheduleInfo }>('POST', `/api/schedules/${enc(scheduleId)}/resume`, {}),
}

/** A message for the user from anything thrown by an API call. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return `${e.message} (${e.code})`
  return e instanceof Error ? e.message : String(e)
}
