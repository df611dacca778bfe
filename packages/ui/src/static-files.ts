/**
 * The SPA's files (Vite's build in `dist/web`): exact files, `index.html` for page paths (the
 * SPA routes them), 404 for a missing file with an extension, 400 for a path that tries to leave
 * the root. `/assets/*` (hashed names) are cached forever; `index.html` never.
 */
import { createReadStream, existsSync } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { UiError } from './errors.js'

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
}

/** Where the built SPA is: `dist/web` next to this module's package. */
export function defaultWebRoot(): string {
  const here = fileURLToPath(new URL('.', import.meta.url))
  const candidates = [resolve(here, '..', 'dist', 'web'), resolve(here, 'web')]
  return candidates.find((c) => existsSync(join(c, 'index.html'))) ?? candidates[0]!
}

/**
 * The file a request path names under `root`, refusing traversal (`..`, encoded or not, NUL,
 * backslashes) with `DF_UI_BAD_REQUEST`.
 */
export function resolveStaticPath(root: string, pathname: string): string {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    throw new UiError('DF_UI_BAD_REQUEST', 'The path is not valid percent-encoding.')
  }
  const segments = decoded.split('/')
  if (
    decoded.includes('\0') ||
    decoded.includes('\\') ||
    segments.some((s) => s === '..' || s === '.')
  ) {
    throw new UiError('DF_UI_BAD_REQUEST', 'The path may not contain . or .. segments.')
  }
  const full = resolve(root, `.${decoded}`)
  if (full !== root && !full.startsWith(root.endsWith(sep) ? root : root + sep)) {
    throw new UiError('DF_UI_BAD_REQUEST', 'The path leaves the web root.')
  }
  return full
}

/** Serves a static GET/HEAD; false when nothing matched (the caller answers 404). */
export async function serveStatic(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): Promise<boolean> {
  const full = resolveStaticPath(root, pathname)
  const file = await regularFile(root, full)
  if (file !== undefined) {
    sendFile(req, res, file, pathname.startsWith('/assets/'))
    return true
  }
  if (extname(pathname) !== '') return false
  const index = await regularFile(root, join(root, 'index.html'))
  if (index === undefined) return false
  sendFile(req, res, index, false)
  return true
}

/** The real path of a regular file inside `root` (symlinks out of it refused), or undefined. */
async function regularFile(root: string, path: string): Promise<string | undefined> {
  try {
    const real = await realpath(path)
    const realRoot = await realpath(root)
    if (!real.startsWith(realRoot + sep)) return undefined
    return (await stat(real)).isFile() ? real : undefined
  } catch {
    return undefined
  }
}

function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: string,
  immutable: boolean,
): void {
  res.statusCode = 200
  res.setHeader('Content-Type', TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream')
  res.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  const stream = createReadStream(file)
  stream.on('error', () => res.destroy())
  stream.pipe(res)
}
