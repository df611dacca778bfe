/** Login, logout and the session (`GET /api/session` gives the CSRF token). */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { type Authenticator, sessionCookie } from './auth.js'
import type { RequestContext, Route } from './context.js'
import { UiError } from './errors.js'
import { clientAddress, isTls, readJsonBody, sendJson } from './http-util.js'

/** `POST /api/login {username, password}` → 204 and the session cookie. */
export async function login(
  req: IncomingMessage,
  res: ServerResponse,
  auth: Authenticator,
  secure: boolean,
): Promise<void> {
  const body = await readJsonBody(req, 16_384)
  const { username, password } = body
  if (typeof username !== 'string' || typeof password !== 'string' || username === '') {
    throw new UiError('DF_UI_BAD_REQUEST', 'Send { "username": "…", "password": "…" }.')
  }
  const user = await auth.check(clientAddress(req), username, password)
  const id = auth.createSession(user)
  res.statusCode = 204
  res.setHeader('Set-Cookie', sessionCookie(id, secure))
  res.setHeader('Cache-Control', 'no-store')
  res.end()
}

async function logout(ctx: RequestContext, auth: Authenticator): Promise<void> {
  const id = ctx.principal.sessionId
  if (id !== undefined) {
    auth.endSession(id)
    ctx.state.live.closeSession(id)
  }
  ctx.res.statusCode = 204
  ctx.res.setHeader('Set-Cookie', sessionCookie('', isTls(ctx.req), 0))
  ctx.res.end()
}

async function session(ctx: RequestContext): Promise<void> {
  const p = ctx.principal
  sendJson(ctx.req, ctx.res, 200, {
    user: p.username,
    role: p.role,
    via: p.via,
    ...(p.csrfToken !== undefined ? { csrfToken: p.csrfToken } : {}),
  })
}

/** The session routes; `logout` needs the server's authenticator, bound in `sessionRoutes`. */
export function sessionRoutes(auth: Authenticator): readonly Route[] {
  return [
    { method: 'GET', pattern: /^\/api\/session$/, role: 'viewer', handle: session },
    {
      method: 'POST',
      pattern: /^\/api\/logout$/,
      role: 'viewer',
      handle: (ctx) => logout(ctx, auth),
    },
  ]
}
