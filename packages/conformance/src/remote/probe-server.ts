/** An HTTP endpoint on loopback collecting the reports tasks send from worker processes. */
import { createServer } from 'node:http'

export interface Report {
  readonly event: string
  readonly taskId: string
  readonly attempt: number
  readonly pid: number
  readonly code?: string
}

export interface ProbeServer {
  readonly url: string
  readonly reports: Report[]
  /** The first report (seen or future) matching `pred`. */
  waitFor(pred: (r: Report) => boolean, timeoutMs?: number): Promise<Report>
  close(): Promise<void>
}

export async function startProbeServer(): Promise<ProbeServer> {
  const reports: Report[] = []
  let waiters: Array<{ pred: (r: Report) => boolean; resolve: (r: Report) => void }> = []
  const server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => {
      body += c
    })
    req.on('end', () => {
      try {
        const r = JSON.parse(body) as Report
        reports.push(r)
        const left: typeof waiters = []
        for (const w of waiters) {
          if (w.pred(r)) w.resolve(r)
          else left.push(w)
        }
        waiters = left
      } catch {
        // not a report
      }
      res.end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${address.port}/report`,
    reports,
    waitFor(pred, timeoutMs = 30_000) {
      const seen = reports.find(pred)
      if (seen) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`[@df/conformance] no matching report from a worker in ${timeoutMs} ms`),
            ),
          timeoutMs,
        )
        waiters.push({
          pred,
          resolve: (r) => {
            clearTimeout(timer)
            resolve(r)
          },
        })
      })
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
