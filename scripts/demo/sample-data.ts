/**
 * Sample raw events for the demo: a few hundred click/view/purchase events of 25 users over the
 * three days up to the logical date, deterministic (a fixed-seed generator), plus the
 * `analytics.user_metrics` table the pipeline loads into.
 */

/** SQL statements that create and fill `raw.events` and create `analytics.user_metrics`. */
export function sampleDataSql(logicalDay: string, events = 300): string[] {
  let seed = 42
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed / 2 ** 31
  }
  const day0 = Date.parse(`${logicalDay}T00:00:00Z`)
  const types = ['view', 'view', 'view', 'click', 'click', 'purchase']
  const rows: string[] = []
  for (let i = 1; i <= events; i++) {
    const at = new Date(day0 - 2 * 86_400_000 + Math.floor(next() * 3 * 86_400_000))
    const ts = at.toISOString().replace('T', ' ').slice(0, 19)
    const type = types[Math.floor(next() * types.length)] as string
    rows.push(`(${i}, ${1 + Math.floor(next() * 25)}, '${type}', TIMESTAMP '${ts}')`)
  }
  return [
    'CREATE TABLE raw.events (event_id BIGINT, user_id BIGINT, event_type VARCHAR, event_time TIMESTAMP)',
    `INSERT INTO raw.events VALUES ${rows.join(', ')}`,
    'CREATE TABLE analytics.user_metrics ("date" VARCHAR, user_id BIGINT, event_count BIGINT, last_event TIMESTAMP)',
  ]
}
