/**
 * HTTP plumbing shared by the handlers: Dremio's error bodies (reference §3.2), JSON answers and
 * request body parsing (a body that is not JSON gets 400 with a text/plain parser message, as
 * Jackson's mapper does).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

/** An HTTP failure with Dremio's error body; thrown by handlers, answered by the router. */
export class HttpError extends Error {
  override readonly name = 'HttpError'
  readonly status: number
  /** `moreInfo` is omitted for 409 conflicts, as Dremio does for ConflictException. */
  readonly withMoreInfo: boolean
  readonly plainText: boolean

  constructor(
    status: number,
    message: string,
    options: { withMoreInfo?: boolean; plainText?: boolean } = {},
  ) {
    super(message)
    this.status = status
    this.withMoreInfo = options.withMoreInfo ?? true
    this.plainText = options.plainText ?? false
  }
}

/** JAX-RS answer for a known path with the wrong method. */
export function methodNotAllowed(): HttpError {
  return new HttpError(405, 'HTTP 405 Method Not Allowed')
}

/** Route-level "not found", with Dremio's JAX-RS wording. */
export function routeNotFound(): HttpError {
  return new HttpError(404, 'HTTP 404 Not Found')
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendText(res, status, typeof body === 'string' ? body : JSON.stringify(body), 'application/json')
}

export function sendText(res: ServerResponse, status: number, text: string, type: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

/** Status with no body (401 from the auth filter, 204 for cancel and delete). */
export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'content-length': 0 })
  res.end()
}

export function sendError(res: ServerResponse, error: HttpError): void {
  if (error.plainText) {
    sendText(res, error.status, error.message, 'text/plain')
    return
  }
  const message = error.message.trim() === '' ? 'Something went wrong.' : error.message
  sendJson(
    res,
    error.status,
    error.withMoreInfo ? { errorMessage: message, moreInfo: '' } : { errorMessage: message },
  )
}

/** Reads the whole request body as text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** Parses a JSON request body; malformed JSON is a 400 with a text/plain message. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req)
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    throw new HttpError(400, `Unexpected character in JSON request body: ${detail}`, {
      plainText: true,
    })
  }
}

/**
 * Reads an Integer query parameter the way JAX-RS does: absent (or empty) gives the default, a
 * value that is not an integer gives 404.
 */
export function intParam(params: URLSearchParams, name: string, fallback: number): number {
  const raw = params.get(name)
  if (raw === null || raw === '') return fallback
  if (!/^[+-]?\d+$/.test(raw) || Math.abs(Number(raw)) > 2 ** 31 - 1) {
    throw new HttpError(
      404,
      `HTTP 404 Not Found: Integer ${name} (default: ${fallback}). For input string: ${JSON.stringify(raw)}`,
    )
  }
  return Number(raw)
}
