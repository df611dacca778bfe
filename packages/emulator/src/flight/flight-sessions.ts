/**
 * Flight authentication and sessions as Dremio does them (services/arrow-flight, auth2 mode):
 * every call carries `authorization`; `Basic user:password` logs in and the answer carries
 * `authorization: Bearer <token>`; `Bearer <t>` accepts a personal access token or such a token.
 * The first call without a `SESSION_ID` cookie creates a session (answered with `set-cookie`),
 * taking its default schema from the `schema` header; an unknown cookie is UNAUTHENTICATED.
 * Dremio Cloud binds a session to a project with the `SetSessionOptions` action (`project_id`).
 */
import { randomUUID } from 'node:crypto'
import { parsePath } from '@df/client'
import { Metadata, status } from '@grpc/grpc-js'
import type { Auth } from '../internal/auth.js'

/** A Flight session: its user, default schema and (Cloud) project. */
export interface FlightSession {
  id: string
  user: string
  schema: readonly string[] | undefined
  projectId: string | undefined
}

/** An error to answer a call with. */
export interface CallError {
  code: number
  details: string
}

/** What a call is allowed to do, and the headers to answer it with. */
export interface CallAuth {
  user: string
  session: FlightSession
  /** Response headers: a new bearer token and/or a new session cookie. */
  headers: Metadata
}

const MAX_SESSIONS = 10_000

export class FlightSessions {
  readonly #auth: Auth
  readonly #sessions = new Map<string, FlightSession>()

  constructor(auth: Auth) {
    this.#auth = auth
  }

  /** Authenticates a call and finds or creates its session. @throws CallError */
  authenticate(md: Metadata): CallAuth {
    const headers = new Metadata()
    const header = String(md.get('authorization')[0] ?? '')
    let user: string | undefined
    if (/^basic /i.test(header)) {
      const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      const login = this.#auth.login({
        userName: colon < 0 ? decoded : decoded.slice(0, colon),
        password: colon < 0 ? '' : decoded.slice(colon + 1),
      })
      if (!login.ok) throw callError(status.UNAUTHENTICATED, login.message)
      user = String(login.body.userName)
      headers.set('authorization', `Bearer ${String(login.body.token)}`)
    } else if (/^bearer /i.test(header)) {
      user = this.#auth.check(header)
      if (user === undefined)
        throw callError(status.UNAUTHENTICATED, 'Unable to authenticate: invalid bearer token.')
      // Dremio answers every authenticated call with the bearer token it accepted.
      headers.set('authorization', header)
    } else {
      throw callError(status.UNAUTHENTICATED, 'Unable to authenticate: no authorization header.')
    }
    const cookie = sessionCookie(md)
    if (cookie !== undefined) {
      const session = this.#sessions.get(cookie)
      if (session === undefined || session.user !== user) {
        throw callError(status.UNAUTHENTICATED, 'UserSession is not available in the cache')
      }
      return { user, session, headers }
    }
    const session: FlightSession = {
      id: randomUUID(),
      user,
      schema: schemaOf(md),
      projectId: undefined,
    }
    this.#sessions.set(session.id, session)
    if (this.#sessions.size > MAX_SESSIONS) {
      const oldest = this.#sessions.keys().next().value
      if (oldest !== undefined) this.#sessions.delete(oldest)
    }
    headers.set('set-cookie', `SESSION_ID=${session.id}`)
    return { user, session, headers }
  }
}

/** A gRPC error with Dremio's message. */
export function callError(code: number, details: string): CallError {
  return { code, details }
}

function sessionCookie(md: Metadata): string | undefined {
  for (const value of md.get('cookie')) {
    for (const pair of String(value).split(';')) {
      const [name, ...rest] = pair.trim().split('=')
      if (name === 'SESSION_ID') return rest.join('=')
    }
  }
  return undefined
}

/** The `schema` header (a dotted, possibly quoted path), or undefined. */
function schemaOf(md: Metadata): readonly string[] | undefined {
  const value = md.get('schema')[0]
  if (value === undefined || String(value).trim() === '') return undefined
  try {
    return parsePath(String(value))
  } catch {
    throw callError(
      status.INVALID_ARGUMENT,
      `Invalid schema property ${JSON.stringify(String(value))}.`,
    )
  }
}
