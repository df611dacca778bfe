/**
 * The reconciler's read: the state of a few jobs in one pipelined round trip, turned into the
 * outcome an unsettled attempt should get (or none while the job waits or runs); and the parsing
 * of what workers leave: a job's return value, BullMQ's event-stream entries, and their reading.
 */
import type { TaskDispatch, TaskOutcome } from '@df/orchestration'
import type { Redis } from 'ioredis'
import { type JobResult, type Names, workerLost } from './keys.js'

/** Outcomes of the jobs that finished or were lost; jobs still waiting or active are left out. */
export async function checkJobs(
  redis: Redis,
  names: Names,
  due: ReadonlyArray<readonly [jobId: string, d: TaskDispatch]>,
): Promise<Map<string, TaskOutcome> | undefined> {
  const multi = redis.multi()
  for (const [jobId] of due) {
    multi.zscore(names.completed, jobId)
    multi.zscore(names.failed, jobId)
    multi.exists(names.job(jobId))
    multi.hmget(names.job(jobId), 'returnvalue', 'failedReason')
  }
  const results = await multi.exec().catch(() => null)
  if (!results) return undefined
  const outcomes = new Map<string, TaskOutcome>()
  due.forEach(([jobId, d], n) => {
    const [done, failed, exists, fields] = results.slice(n * 4, n * 4 + 4).map((r) => r[1]) as [
      string | null,
      string | null,
      number,
      (string | null)[],
    ]
    if (done !== null && fields[0] != null) {
      outcomes.set(
        jobId,
        parseResult(fields[0])?.o ?? workerLost(d, 'its job holds no readable outcome'),
      )
    } else if (failed !== null) {
      outcomes.set(jobId, workerLost(d, `BullMQ: ${fields[1] ?? 'job failed'}`))
    } else if (exists === 0) {
      outcomes.set(jobId, workerLost(d, 'its job is gone from Redis'))
    }
  })
  return outcomes
}

/** A job's return value (`{ w, o }`), or undefined when it holds none that reads. */
export function parseResult(text: string): JobResult | undefined {
  try {
    const r = JSON.parse(text) as Partial<JobResult> | null
    if (r === null || typeof r !== 'object' || typeof r.o !== 'object' || r.o === null)
      return undefined
    return { w: typeof r.w === 'string' ? r.w : '', o: r.o }
  } catch {
    return undefined
  }
}

/** One entry of BullMQ's event stream, as far as an engine needs it. */
export interface QueueEvent {
  readonly event: string
  readonly jobId: string
  /** `returnvalue` of `completed`, `failedReason` of `failed`. */
  readonly value?: string
}

/** Parses the flat field list of one event-stream entry (undefined without a job id). */
export function parseEvent(fields: readonly string[]): QueueEvent | undefined {
  let event = ''
  let jobId: string | undefined
  let value: string | undefined
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const f = fields[i]
    if (f === 'event') event = fields[i + 1]!
    else if (f === 'jobId') jobId = fields[i + 1]
    else if (f === 'returnvalue' || f === 'failedReason') value = fields[i + 1]
  }
  if (jobId === undefined) return undefined
  return value === undefined ? { event, jobId } : { event, jobId, value }
}

/**
 * Reads stream `key` after entry `from` with `XREAD BLOCK` until `stopped()`, handing each
 * entry's fields to `onEntry`; a failed read (a blip: ioredis reconnects) is retried after
 * 100 ms from where it stopped.
 */
export async function readStream(
  reader: Redis,
  key: string,
  from: string,
  stopped: () => boolean,
  onEntry: (fields: string[]) => void,
): Promise<void> {
  let last = from
  while (!stopped()) {
    let answer: [string, [string, string[]][]][] | null
    try {
      answer = (await reader.xread('COUNT', 1000, 'BLOCK', 1000, 'STREAMS', key, last)) as
        | [string, [string, string[]][]][]
        | null
    } catch {
      if (stopped()) return
      await new Promise((resolve) => setTimeout(resolve, 100))
      continue
    }
    if (answer === null) continue
    for (const [, entries] of answer) {
      for (const [entryId, fields] of entries) {
        last = entryId
        onEntry(fields)
      }
    }
  }
}
