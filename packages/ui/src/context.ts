/** What every route handler gets: the backend's interfaces, the loaded pipelines, the request. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Backend, Pipeline, RunControl, RunHistory, ScheduleStore } from '@df/orchestration'
import type { Principal } from './auth.js'
import type { InProcessRuns } from './in-process.js'
import type { LiveHub } from './live.js'
import type { UiRole } from './users.js'

/** The server-wide state handlers share. */
export interface UiState {
  readonly backend: Backend & RunHistory
  /** When the backend implements `RunControl` (cross-process cancel). */
  readonly control: (Backend & RunControl) | undefined
  /** When the backend implements `ScheduleStore`. */
  readonly schedules: (Backend & ScheduleStore) | undefined
  /** The pipelines this process holds the code of, by name. */
  readonly pipelines: ReadonlyMap<string, Pipeline>
  readonly inProcess: InProcessRuns
  readonly live: LiveHub
  /** Reports unexpected errors (never sent to the browser). */
  readonly log: (message: string, error?: unknown) => void
}

/** One request, authenticated. */
export interface RequestContext {
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly url: URL
  readonly principal: Principal
  /** The route's captured path segments, decoded. */
  readonly params: readonly string[]
  readonly state: UiState
}

/** A route of the API. */
export interface Route {
  readonly method: 'GET' | 'POST'
  readonly pattern: RegExp
  /** The least role that may call it. */
  readonly role: UiRole
  readonly handle: (ctx: RequestContext) => Promise<void>
}
