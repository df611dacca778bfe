import type { ResultPage } from '../types.js'

/** Dremio's hard cap on `limit` for `GET /job/{id}/results` (reference §6.1). */
export const MAX_PAGE_SIZE = 500

/**
 * Yields result pages in order while keeping up to `concurrency` requests in flight (a sliding
 * window). `totalHint` is the job's `rowCount`; every page's own `rowCount` (the job total) can
 * extend it. Page 0 is always fetched, so an empty result still yields its schema.
 */
export async function* orderedPages(
  fetchPage: (offset: number, limit: number) => Promise<ResultPage>,
  totalHint: number,
  pageSize: number,
  concurrency: number,
): AsyncGenerator<ResultPage> {
  let total = Math.max(0, totalHint)
  let next = 0
  const window: Promise<ResultPage>[] = []
  const launch = (): void => {
    const p = fetchPage(next, pageSize)
    // The window awaits every promise in order; this only silences the "unhandled" warning for
    // pages still in flight when the consumer stops early or an earlier page failed.
    p.catch(() => {})
    window.push(p)
    next += pageSize
  }
  launch()
  try {
    while (window.length > 0) {
      while (window.length < concurrency && next < total) launch()
      const page = await (window.shift() as Promise<ResultPage>)
      if (page.rowCount > total) total = page.rowCount
      if (window.length === 0 && next < total) launch()
      yield page
    }
  } finally {
    window.length = 0
  }
}
