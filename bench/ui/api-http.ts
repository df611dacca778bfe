/** A keep-alive HTTP client for the UI benches (node:http, one socket pool per server). */
import { Agent, request } from 'node:http'

const agent = new Agent({ keepAlive: true, maxSockets: 4 })

/** GET/POST over real HTTP; resolves with status, body text and bytes. */
export function call(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  const url = new URL(base)
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers, agent },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            headers: res.headers,
          }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** Logs in; returns the session cookie header. */
export async function sessionCookie(
  base: string,
  username: string,
  password: string,
): Promise<string> {
  const r = await call(
    base,
    'POST',
    '/api/login',
    { 'content-type': 'application/json' },
    JSON.stringify({ username, password }),
  )
  if (r.status !== 204) throw new Error(`login failed: ${r.status} ${r.text}`)
  return String((r.headers['set-cookie'] as string[])[0]).split(';')[0]!
}
