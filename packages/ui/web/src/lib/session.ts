/** The logged-in user (or none), shared by every view. */
import { computed, shallowRef } from 'vue'
import { api, setCsrfToken } from './api.js'
import type { Role, Session } from './types.js'

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 }

/** The current session; `undefined` when logged out. */
export const session = shallowRef<Session | undefined>(undefined)

/** Whether the user may do what `role` may (operator: trigger, cancel, rerun, pause). */
export function can(role: Role): boolean {
  const s = session.value
  return s !== undefined && (RANK[s.role] ?? -1) >= RANK[role]
}

/** True when the user may operate (trigger, cancel, rerun, pause/resume). */
export const canOperate = computed(() => can('operator'))

/** Asks the server who we are; false when not logged in. */
export async function loadSession(): Promise<boolean> {
  try {
    const s = await api.session()
    setCsrfToken(s.csrfToken)
    session.value = s
    return true
  } catch {
    session.value = undefined
    return false
  }
}

/** Logs in and loads the session. @throws ApiError on bad credentials or rate limiting. */
export async function login(username: string, password: string): Promise<void> {
  await api.login(username, password)
  if (!(await loadSession())) throw new Error('Logged in, but the session could not be read.')
}

/** Ends the session on the server and here. */
export async function logout(): Promise<void> {
  try {
    await api.logout()
  } finally {
    session.value = undefined
    setCsrfToken('')
  }
}
