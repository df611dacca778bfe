/**
 * Who is asking: a session cookie (`df_session`, from `POST /api/login`) or HTTP Basic
 * credentials, checked against the users; login attempts are rate-limited per address and user;
 * state-changing requests must carry the session's CSRF token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { UiError } from './errors.js'
import { clientAddress, parseCookies } from './http-util.js'
import { verifyPassword } from './passwords.js'
import type { UiRole, UserRecord } from './users.js'

/** The name of the session cookie. */
export const SESSION_COOKIE = 'df_session'

/** Who made a request. */
export interface Principal {
  readonly username: string
  readonly role: UiRole
  /** How: a session cookie (needs the CSRF token to change state) or Basic credentials. */
  readonly via: 'session' | 'basic'
  /** The session's CSRF token (sessions only). */
  readonly csrfToken?: string
  readonly sessionId?: string
}

interface Session {
  readonly username: string
  readonly csrfToken: string
  readonly createdAt: number
  lastSeen: number
}

/** Failed logins per key within a window. */
class FailureCounter {
  readonly #hits = new Map<string, number[]>()
  readonly max: number
  readonly windowMs: number

  constructor(max: number, windowMs: number) {
    this.max = max
    this.windowMs = windowMs
  }

  /** Milliseconds until `key` may try again, or 0. */
  blockedFor(key: string, now: number): number {
    const hits = this.#recent(key, now)
    if (hits.length < this.max) return 0
    return (hits[0] ?? now) + this.windowMs - now
  }

  fail(key: string, now: number): void {
    const hits = this.#recent(key, now)
    hits.push(now)
    this.#hits.set(key, hits)
    if (this.#hits.size > 100_000) this.#prune(now)
  }

  clear(key: string): void {
    this.#hits.delete(key)
  }

  #recent(key: string, now: number): number[] {
    return (this.#hits.get(key) ?? []).filter((t) => t > now - this.windowMs)
  }

  #prune(now: number): void {
    for (const [k, v] of this.#hits) {
      if (v.every((t) => t <= now - this.windowMs)) this.#hits.delete(k)
    }
  }
}

/** Rate-limit and session settings. */
export interface AuthSettings {
  /** Failed logins allowed per address + username within `windowMs`. @default 5 */
  readonly maxFailures?: number
  /** Failed logins allowed per address (any username) within `windowMs`. @default 50 */
  readonly maxFailuresPerAddress?: number
  /** @default 900_000 (15 min) */
  readonly windowMs?: number
  /** A session ends after this long without a request. @default 28_800_000 (8 h) */
  readonly sessionIdleMs?: number
  /** A session ends this long after login, however active. @default 86_400_000 (24 h) */
  readonly sessionMaxMs?: number
}

/** The users, the sessions and the login rate limit of one UI server. */
export class Authenticator {
  readonly #users: Map<string, UserRecord>
  readonly #sessions = new Map<string, Session>()
  readonly #verified = new Map<string, number>()
  readonly #salt = randomBytes(16)
  readonly #perUser: FailureCounter
  readonly #perAddress: FailureCounter
  readonly #idleMs: number
  readonly #maxMs: number

  constructor(users: readonly UserRecord[], settings: AuthSettings = {}) {
    this.#users = new Map(users.map((u) => [u.username, u]))
    const windowMs = settings.windowMs ?? 900_000
    this.#perUser = new FailureCounter(settings.maxFailures ?? 5, windowMs)
    this.#perAddress = new FailureCounter(settings.maxFailuresPerAddress ?? 50, windowMs)
    this.#idleMs = settings.sessionIdleMs ?? 28_800_000
    this.#maxMs = settings.sessionMaxMs ?? 86_400_000
  }

  /**
   * Checks a username and password, counting failures.
   * @throws UiError `DF_UI_RATE_LIMITED` (with Retry-After) before checking when blocked;
   *   `DF_UI_UNAUTHENTICATED` for wrong credentials.
   */
  async check(address: string, username: string, password: string): Promise<UserRecord> {
    const now = Date.now()
    const userKey = `${address}\u0000${username}`
    const wait = Math.max(
      this.#perUser.blockedFor(userKey, now),
      this.#perAddress.blockedFor(address, now),
    )
    if (wait > 0) {
      throw new UiError(
        'DF_UI_RATE_LIMITED',
        `Too many failed logins; try again in ${Math.ceil(wait / 1000)} s.`,
        { headers: { 'Retry-After': String(Math.ceil(wait / 1000)) } },
      )
    }
    const user = this.#users.get(username)
    // Scripts send Basic credentials on every request: a verified pair is remembered (by a
    // keyed hash, never the password) for a minute, so each request does not cost a scrypt.
    const cacheKey = createHash('sha256')
      .update(this.#salt)
      .update(`${username}\u0000${password}`)
      .digest('base64url')
    const cached = this.#verified.get(cacheKey)
    if (user !== undefined && cached !== undefined && cached > now) return user
    const ok = await verifyPassword(password, user?.passwordHash)
    if (!ok || user === undefined) {
      this.#perUser.fail(userKey, now)
      this.#perAddress.fail(address, now)
      throw new UiError('DF_UI_UNAUTHENTICATED', 'Wrong username or password.')
    }
    this.#perUser.clear(userKey)
    if (this.#verified.size > 1000) this.#verified.clear()
    this.#verified.set(cacheKey, now + 60_000)
    return user
  }

  /** Starts a session; returns its id (the cookie value). */
  createSession(user: UserRecord): string {
    const id = randomBytes(32).toString('base64url')
    const now = Date.now()
    this.#sessions.set(hashId(id), {
      username: user.username,
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: now,
      lastSeen: now,
    })
    if (this.#sessions.size > 10_000) this.#prune(now)
    return id
  }

  endSession(id: string): void {
    this.#sessions.delete(hashId(id))
  }

  /**
   * The principal of a request: its session cookie, else its Basic credentials, else undefined.
   * @throws UiError for wrong Basic credentials (401) or a rate-limited address (429).
   */
  async identify(req: IncomingMessage): Promise<Principal | undefined> {
    const sid = parseCookies(req.headers.cookie).get(SESSION_COOKIE)
    if (sid !== undefined && sid !== '') {
      const p = this.#fromSession(sid)
      if (p !== undefined) return p
    }
    const header = req.headers.authorization
    if (header?.toLowerCase().startsWith('basic ')) {
      const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8')
      const i = decoded.indexOf(':')
      if (i < 0) throw new UiError('DF_UI_UNAUTHENTICATED', 'Malformed Basic credentials.')
      const user = await this.check(clientAddress(req), decoded.slice(0, i), decoded.slice(i + 1))
      return { username: user.username, role: user.role, via: 'basic' }
    }
    return undefined
  }

  #fromSession(id: string): Principal | undefined {
    const key = hashId(id)
    const s = this.#sessions.get(key)
    if (s === undefined) return undefined
    const now = Date.now()
    const user = this.#users.get(s.username)
    if (user === undefined || now - s.lastSeen > this.#idleMs || now - s.createdAt > this.#maxMs) {
      this.#sessions.delete(key)
      return undefined
    }
    s.lastSeen = now
    return {
      username: user.username,
      role: user.role,
      via: 'session',
      csrfToken: s.csrfToken,
      sessionId: id,
    }
  }

  #prune(now: number): void {
    for (const [k, s] of this.#sessions) {
      if (now - s.lastSeen > this.#idleMs || now - s.createdAt > this.#maxMs)
        this.#sessions.delete(k)
    }
  }
}

/** Sessions are kept by hash, so a heap dump does not hand out live cookies. */
function hashId(id: string): string {
  return createHash('sha256').update(id).digest('base64url')
}

/** Constant-time string equality. */
export function safeEqual(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest()
  const y = createHash('sha256').update(b).digest()
  return timingSafeEqual(x, y) && a.length === b.length
}

/** The `Set-Cookie` value of a session. */
export function sessionCookie(id: string, secure: boolean, maxAgeS?: number): string {
  return [
    `${SESSION_COOKIE}=${id}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
    ...(maxAgeS !== undefined ? [`Max-Age=${maxAgeS}`] : []),
  ].join('; ')
}
