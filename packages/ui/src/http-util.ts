/** Small HTTP helpers: security headers, JSON answers, bounded body reading. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { gzipSync } from 'node:zlib'
import { UiError } from './errors.js'

/**
 * The Content-Security-Policy of every answer. No inline script or style, no eval: the SPA is
 * plain files under 'self' (Vite's build output). Style changes through the CSSOM
 * (`el.style.width = …`, Vue's `:style`) are not restricted by CSP.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

/** Headers on every answer, whatever its status. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
}

/** Writes the security headers (call first on every answer). */
export function applySecurityHeaders(res: ServerResponse, tls: boolean): void {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v)
  if (tls) res.setHeader('Strict-Transport-Security', 'max-age=31536000')
}

/** Answers at least this long are gzipped when the client accepts it. */
const GZIP_MIN_BYTES = 16_384

/** Answers JSON (no body for HEAD). API answers are never cached unless `cache` says so. */
export function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  cache = 'no-store',
): void {
  const text = JSON.stringify(body)
  res.statusCode = status
  res.setHeader('Content-Type', 'application/json; charset=utf-8')
  res.setHeader('Cache-Control', cache)
  res.setHeader('Vary', 'Accept-Encoding')
  // Large answers (a 10,000-task run's states) go gzipped: ~15x smaller.
  let payload: string | Buffer = text
  if (
    text.length >= GZIP_MIN_BYTES &&
    /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))
  ) {
    payload = gzipSync(text, { level: 4 })
    res.setHeader('Content-Encoding', 'gzip')
  }
  res.setHeader('Content-Length', Buffer.byteLength(payload))
  res.end(req.method === 'HEAD' ? undefined : payload)
}

/** Answers an error as `{ error: { code, message } }`. */
export function sendError(req: IncomingMessage, res: ServerResponse, error: UiError): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  for (const [k, v] of Object.entries(error.headers)) res.setHeader(k, v)
  sendJson(req, res, error.status, { error: { code: error.code, message: error.message } })
}

/** 1 MiB: the largest request body accepted (413 above it). */
export const MAX_BODY_BYTES = 1_048_576

/**
 * Reads and parses a JSON request body (empty → `{}`), refusing more than `maxBytes` (413,
 * without reading the rest) and anything that is not a JSON object (400).
 */
export async function readJsonBody(
  req: IncomingMessage,
  maxBytes = MAX_BODY_BYTES,
): Promise<Record<string, unknown>> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > maxBytes) throw tooLarge(maxBytes)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > maxBytes) throw tooLarge(maxBytes)
    chunks.push(chunk)
  }
  const text = Buffer.concat(chunks).toString('utf8').trim()
  if (text === '') return {}
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new UiError('DF_UI_BAD_REQUEST', 'The request body is not valid JSON.')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UiError('DF_UI_BAD_REQUEST', 'The request body must be a JSON object.')
  }
  return value as Record<string, unknown>
}

function tooLarge(max: number): UiError {
  return new UiError(
    'DF_UI_PAYLOAD_TOO_LARGE',
    `The request body is larger than ${max} bytes; send less.`,
  )
}

/** True when the request came over TLS (directly or through a proxy saying so). */
export function isTls(req: IncomingMessage): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted === true) return true
  const proto = req.headers['x-forwarded-proto']
  return (Array.isArray(proto) ? proto[0] : proto)?.split(',')[0]?.trim() === 'https'
}

/** The client address used for rate limiting. */
export function clientAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown'
}

/** Parses the `Cookie` header. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>()
  if (header === undefined) return out
  for (const part of header.split(';')) {
    const i = part.indexOf('=')
    if (i <= 0) continue
    const name = part.slice(0, i).trim()
    const value = part.slice(i + 1).trim()
    if (!out.has(name)) out.set(name, value)
  }
  return out
}
