/**
 * The UI's users: `{ username, role, passwordHash }` records, from a JSON users file, a list, or
 * one `{ username, password }` (hashed in memory at start).
 */
import { readFile } from 'node:fs/promises'
import { UiError } from './errors.js'
import { hashPassword, isPasswordHash } from './passwords.js'

/** What a user may do: `viewer` reads, `operator` also triggers, cancels, reruns and pauses; `admin` all. */
export type UiRole = 'viewer' | 'operator' | 'admin'

export const ROLES: readonly UiRole[] = ['viewer', 'operator', 'admin']

/** One user of the users file. */
export interface UserRecord {
  readonly username: string
  readonly role: UiRole
  /** From `hashPassword` (scrypt). Plain passwords are never stored. */
  readonly passwordHash: string
}

/** How `startUi` authenticates. */
export type UiAuth =
  | { readonly users: readonly UserRecord[] }
  | { readonly usersFile: string }
  | { readonly username: string; readonly password: string; readonly role?: UiRole }

/** True when `role` may do what `needed` allows. */
export function roleAllows(role: UiRole, needed: UiRole): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed)
}

/**
 * Checks a users list: unique non-empty usernames, known roles, well-formed hashes.
 * @throws UiError `DF_UI_CONFIG_INVALID` naming the entry (never the hash).
 */
export function checkUsers(users: unknown, where = 'users'): UserRecord[] {
  if (!Array.isArray(users) || users.length === 0) {
    throw new UiError(
      'DF_UI_CONFIG_INVALID',
      `[@df/ui] ${where} must be a non-empty JSON array of { username, role, passwordHash }.`,
    )
  }
  const seen = new Set<string>()
  return users.map((u, i) => {
    const rec = u as Partial<UserRecord> | null
    const name = typeof rec?.username === 'string' ? rec.username : ''
    if (name === '' || name.length > 200 || name.includes(':')) {
      throw new UiError(
        'DF_UI_CONFIG_INVALID',
        `[@df/ui] ${where}[${i}]: username must be 1 to 200 characters without ':'.`,
      )
    }
    if (seen.has(name)) {
      throw new UiError(
        'DF_UI_CONFIG_INVALID',
        `[@df/ui] ${where}: user '${name}' is listed twice.`,
      )
    }
    seen.add(name)
    if (!ROLES.includes(rec?.role as UiRole)) {
      throw new UiError(
        'DF_UI_CONFIG_INVALID',
        `[@df/ui] ${where}: user '${name}' needs a role: ${ROLES.join(', ')}.`,
      )
    }
    if (typeof rec?.passwordHash !== 'string' || !isPasswordHash(rec.passwordHash)) {
      throw new UiError(
        'DF_UI_CONFIG_INVALID',
        `[@df/ui] ${where}: user '${name}' needs a passwordHash from hashPassword() (dremio-cli pipeline ui hash-password).`,
      )
    }
    return { username: name, role: rec.role as UiRole, passwordHash: rec.passwordHash }
  })
}

/** Reads and checks a users file. @throws UiError `DF_UI_CONFIG_INVALID`. */
export async function loadUsersFile(path: string): Promise<UserRecord[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (cause) {
    throw new UiError('DF_UI_CONFIG_INVALID', `[@df/ui] Cannot read the users file ${path}.`, {
      cause,
    })
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new UiError('DF_UI_CONFIG_INVALID', `[@df/ui] The users file ${path} is not valid JSON.`)
  }
  return checkUsers(parsed, `users file ${path}`)
}

/** The users `auth` describes. @throws UiError `DF_UI_CONFIG_INVALID`. */
export async function resolveUsers(auth: UiAuth | undefined): Promise<UserRecord[] | undefined> {
  if (auth === undefined) return undefined
  if ('users' in auth) return checkUsers(auth.users, 'auth.users')
  if ('usersFile' in auth) return loadUsersFile(auth.usersFile)
  if ('username' in auth) {
    if (typeof auth.password !== 'string' || auth.password.length === 0) {
      throw new UiError(
        'DF_UI_CONFIG_INVALID',
        '[@df/ui] auth.password must be a non-empty string.',
      )
    }
    return checkUsers(
      [
        {
          username: auth.username,
          role: auth.role ?? 'admin',
          passwordHash: await hashPassword(auth.password),
        },
      ],
      'auth',
    )
  }
  throw new UiError(
    'DF_UI_CONFIG_INVALID',
    '[@df/ui] auth must be { users }, { usersFile } or { username, password }.',
  )
}
