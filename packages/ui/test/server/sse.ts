/** A small SSE client over node:http for the tests (EventSource semantics: id, event, data). */
import { type ClientRequest, request } from 'node:http'

export interface SseEvent {
  readonly id?: string
  readonly event: string
  // biome-ignore lint/suspicious/noExplicitAny: tests read event data ad hoc
  readonly data: any
  readonly at: number
}

export interface SseStream {
  readonly status: number
  readonly events: SseEvent[]
  /** Resolves with the first event (seen or coming) matching `match`. */
  next(match: (e: SseEvent) => boolean, ms?: number): Promise<SseEvent>
  readonly ended: Promise<void>
  close(): void
}

/** Opens `path` as an event stream. */
export function openSse(
  base: string,
  path: string,
  headers: Record<string, string>,
): Promise<SseStream> {
  const url = new URL(base)
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = []
    const waiters: { match: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }[] = []
    let req: ClientRequest | undefined
    let endResolve!: () => void
    const ended = new Promise<void>((r) => {
      endResolve = r
    })
    req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        headers: { accept: 'text/event-stream', ...headers },
      },
      (res) => {
        let buffer = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          buffer += chunk
          for (;;) {
            const i = buffer.indexOf('\n\n')
            if (i < 0) break
            const block = buffer.slice(0, i)
            buffer = buffer.slice(i + 2)
            let id: string | undefined
            let event = 'message'
            const data: string[] = []
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) continue
              const [k, ...rest] = line.split(':')
              const v = rest.join(':').replace(/^ /, '')
              if (k === 'id') id = v
              else if (k === 'event') event = v
              else if (k === 'data') data.push(v)
            }
            if (data.length === 0) continue
            const e: SseEvent = {
              ...(id !== undefined ? { id } : {}),
              event,
              data: JSON.parse(data.join('\n')),
              at: Date.now(),
            }
            events.push(e)
            for (const w of [...waiters]) {
              if (w.match(e)) {
                waiters.splice(waiters.indexOf(w), 1)
                w.resolve(e)
              }
            }
          }
        })
        res.on('end', endResolve)
        res.on('close', endResolve)
        resolve({
          status: res.statusCode ?? 0,
          events,
          ended,
          next(match, ms = 10_000) {
            const seen = events.find(match)
            if (seen) return Promise.resolve(seen)
            return new Promise((ok, fail) => {
              const timer = setTimeout(
                () =>
                  fail(
                    new Error(
                      `no matching SSE event within ${ms} ms; got ${events.map((x) => x.event).join(',')}`,
                    ),
                  ),
                ms,
              )
              waiters.push({
                match,
                resolve: (e) => {
                  clearTimeout(timer)
                  ok(e)
                },
              })
            })
          },
          close() {
            req?.destroy()
          },
        })
      },
    )
    req.on('error', (e) => {
      reject(e)
      endResolve()
    })
    req.end()
  })
}
