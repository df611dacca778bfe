/**
 * Authentication as Dremio Software does it (reference §2): `/apiv2/login` issues session tokens;
 * requests carry `Bearer <t>`, `_dremio<t>` or a bare `<t>`, where `<t>` is a session token or a
 * configured personal access token. Failures are 401 with an empty body (decided by the router).
 */
import { randomBytes, randomUUID } from 'node:crypto'

/** Users and tokens the emulator accepts. */
export interface AuthOptions {
  /** User name -> password, for `POST /apiv2/login`. @default { dremio: 'dremio123' } */
  users?: Record<string, string>
  /** Personal access tokens accepted as `Bearer <pat>`. @default ['df-emulator-token'] */
  tokens?: readonly string[]
  /**
   * Lifetime of `/apiv2/login` sessions in ms (the `expires` the login answers is now + this).
   * Short values test clients' renewal. @default 30 hours (Dremio's default)
   */
  sessionMs?: number
}

/** Dremio's default session lifetime: 30 hours. */
const SESSION_MS = 30 * 60 * 60 * 1000

interface Session {
  user: string
  expires: number
}

export class Auth {
  readonly users: Readonly<Record<string, string>>
  readonly tokens: readonly string[]
  private readonly sessions = new Map<string, Session>()
  private readonly userIds = new Map<string, string>()
  private readonly createdAt = Date.now()
  private readonly sessionMs: number
  /** Successful `POST /apiv2/login` calls so far. */
  logins = 0

  constructor(options: AuthOptions | undefined) {
    this.users = options?.users ?? { dremio: 'dremio123' }
    this.tokens = options?.tokens ?? ['df-emulator-token']
    this.sessionMs = options?.sessionMs ?? SESSION_MS
  }

  /** The user a PAT acts as: the first configured user. */
  get patUser(): string {
    return Object.keys(this.users)[0] ?? 'dremio'
  }

  /** The user behind an `Authorization` header, or undefined when it is missing or invalid. */
  check(header: string | undefined): string | undefined {
    if (header === undefined) return undefined
    const token = tokenOf(header)
    if (token === undefined || token === '') return undefined
    if (this.tokens.includes(token)) return this.patUser
    const session = this.sessions.get(token)
    if (session === undefined) return undefined
    if (session.expires <= Date.now()) {
      this.sessions.delete(token)
      return undefined
    }
    return session.user
  }

  /** Login: the response body on success, or an error message (401) on failure. */
  login(
    body: unknown,
  ): { ok: true; body: Record<string, unknown> } | { ok: false; message: string } {
    const { userName, password } = (body ?? {}) as { userName?: unknown; password?: unknown }
    if (
      typeof userName !== 'string' ||
      typeof password !== 'string' ||
      userName === '' ||
      password === ''
    ) {
      return { ok: false, message: 'user name or password cannot be null or empty' }
    }
    if (!Object.hasOwn(this.users, userName) || this.users[userName] !== password) {
      return { ok: false, message: `Login failed: Invalid username or password, user ${userName}` }
    }
    // Dremio: a random 130-bit value in base 32 (about 26 characters).
    const token = BigInt(`0x${randomBytes(17).toString('hex')}`)
      .toString(32)
      .slice(0, 26)
    const expires = Date.now() + this.sessionMs
    this.logins++
    this.sessions.set(token, { user: userName, expires })
    return {
      ok: true,
      body: {
        token,
        userName,
        firstName: userName,
        lastName: '',
        expires,
        email: `${userName}@emulator.local`,
        userId: this.userId(userName),
        admin: true,
        userCreatedAt: this.createdAt,
        clusterId: 'df-emulator',
        clusterCreatedAt: this.createdAt,
        version: '25.2.0-df-emulator',
        permissions: { canUploadProfiles: true, canDownloadProfiles: true },
      },
    }
  }

  /** `DELETE /apiv2/login`: ends the session of the header's token. */
  logout(header: string | undefined): void {
    const token = header === undefined ? undefined : tokenOf(header)
    if (token !== undefined) this.sessions.delete(token)
  }

  /** Invalidates every session token (PATs stay valid). */
  expireSessions(): void {
    this.sessions.clear()
  }

  private userId(user: string): string {
    let id = this.userIds.get(user)
    if (id === undefined) {
      id = randomUUID()
      this.userIds.set(user, id)
    }
    return id
  }
}

/** Extracts the token from `Bearer t` (two parts, scheme in any case), `_dremio t` or bare `t`. */
function tokenOf(header: string): string | undefined {
  const trimmed = header.trim()
  if (trimmed.startsWith('_dremio')) return trimmed.slice('_dremio'.length).trim()
  const parts = trimmed.split(/\s+/)
  if (parts.length === 2 && (parts[0] as string).toLowerCase() === 'bearer') return parts[1]
  if (parts.length === 1) return parts[0]
  return undefined
}
