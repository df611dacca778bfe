/** Shared setup: an emulator on a free loopback port and clients pointed at it. */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DremioClient, type DremioClientOptions } from '@df/client'
import { createEmulator } from '@df/emulator'

export type Emulator = Awaited<ReturnType<typeof createEmulator>>
export type EmulatorOptions = NonNullable<Parameters<typeof createEmulator>[0]>

/** The emulator's default credentials (printed at its start). */
export const PAT = 'df-emulator-token'
export const USER = 'dremio'
export const PASSWORD = 'dremio123'

/** Starts an emulator on port 0 (unique per test file, safe in parallel runs). */
export function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return createEmulator({ port: 0, ...options })
}

/** A PAT client with fast retries, so fault tests stay quick. */
export function patClient(emu: Emulator, extra: Partial<DremioClientOptions> = {}): DremioClient {
  return new DremioClient({
    url: emu.url,
    pat: PAT,
    retry: { retries: 3, minDelayMs: 1, maxDelayMs: 20 },
    ...extra,
  })
}

/** Collects warn lines, to count retries and re-logins. */
export function recordingLogger(): { warn(m: string): void; lines: string[] } {
  const lines: string[] = []
  return { lines, warn: (m: string) => void lines.push(m) }
}

/** Runs `fn` and returns what it threw (fails when it did not throw). */
export async function thrown(fn: () => Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await fn()
  } catch (error) {
    return error as Error & Record<string, unknown>
  }
  throw new Error('expected the call to throw')
}

/** A unique name per call, so files running in parallel never collide. */
export function unique(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
}

/**
 * Arrow values as plain data, for comparing two tables: vectors and typed arrays (Decimal128
 * words, binary) become arrays, struct rows objects; nulls stay null.
 */
export function plain(value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<unknown>)
  if (Array.isArray(value)) return value.map(plain)
  if (typeof value === 'object') {
    if (Symbol.iterator in value && 'length' in value)
      return [...(value as Iterable<unknown>)].map(plain)
    const json = (value as { toJSON?: () => unknown }).toJSON
    const entries = Object.entries(
      typeof json === 'function' ? (json.call(value) as object) : value,
    )
    return Object.fromEntries(entries.map(([k, v]) => [k, plain(v)]))
  }
  return value
}

/** A self-signed certificate for 127.0.0.1 and localhost (openssl), as PEM key and cert. */
export function selfSignedCert(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'df-cert-'))
  try {
    const subject = [
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ]
    const out = ['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', ...subject, ...out],
      {
        stdio: 'ignore',
      },
    )
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
