/**
 * What the connected server supports, from `SELECT VERSION()`.
 *
 * `FOR UPDATE SKIP LOCKED` exists in MySQL 8.0.1+ and MariaDB 10.6+. Older servers get a plain
 * `FOR UPDATE` (claims still never overlap, they wait instead of skipping) and the backend
 * declares `supportsLockingClaims: false`.
 */
export function supportsSkipLocked(version: string): boolean {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version)
  if (match === null) return false
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3])]
  if (/mariadb/i.test(version)) return major > 10 || (major === 10 && minor >= 6)
  return major > 8 || (major === 8 && (minor > 0 || patch >= 1))
}
