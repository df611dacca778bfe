/**
 * Password hashing for the UI's users file: scrypt from `node:crypto`, stored as
 * `scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>`, compared in constant time.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto'
import { UiError } from './errors.js'

const N = 16_384
const R = 8
const P = 1
const KEY_LENGTH = 32

function scrypt(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(
      password.normalize('NFC'),
      salt,
      KEY_LENGTH,
      { N: n, r, p, maxmem: 128 * n * r * 2 },
      (error, key) => (error ? reject(error) : resolve(key)),
    )
  })
}

/**
 * Hashes a password for the users file.
 * @example
 * const passwordHash = await hashPassword('correct horse battery staple')
 * // 'scrypt$16384$8$1$…$…'
 */
export async function hashPassword(password: string): Promise<string> {
  if (typeof password !== 'string' || password.length === 0) {
    throw new UiError('DF_UI_CONFIG_INVALID', '[@df/ui] A password must be a non-empty string.')
  }
  const salt = randomBytes(16)
  const key = await scrypt(password, salt, N, R, P)
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`
}

/** Parsed `passwordHash`, or undefined when it is not one this module wrote. */
function parseHash(
  stored: string,
): { n: number; r: number; p: number; salt: Buffer; key: Buffer } | undefined {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])]
  if (![n, r, p].every((v) => Number.isInteger(v) && v > 0) || n > 1_048_576 || (n & (n - 1)) !== 0)
    return undefined
  const salt = Buffer.from(parts[4] ?? '', 'base64')
  const key = Buffer.from(parts[5] ?? '', 'base64')
  if (salt.length < 8 || key.length !== KEY_LENGTH) return undefined
  return { n, r, p, salt, key }
}

/** True when `stored` is a well-formed hash from {@link hashPassword}. */
export function isPasswordHash(stored: string): boolean {
  return typeof stored === 'string' && parseHash(stored) !== undefined
}

const DUMMY = { n: N, r: R, p: P, salt: Buffer.alloc(16), key: Buffer.alloc(KEY_LENGTH) }

/**
 * Checks `password` against a stored hash in constant time. With `stored` undefined (unknown
 * user) it still spends the same work, so timing does not tell which usernames exist.
 */
export async function verifyPassword(
  password: string,
  stored: string | undefined,
): Promise<boolean> {
  const parsed = (stored !== undefined ? parseHash(stored) : undefined) ?? DUMMY
  const key = await scrypt(String(password), parsed.salt, parsed.n, parsed.r, parsed.p)
  return timingSafeEqual(key, parsed.key) && parsed !== DUMMY
}
