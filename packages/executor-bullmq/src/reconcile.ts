/**
 * The reconciler's read: the state of a few jobs in one pipelined round trip, turned into the
 * outcome an unsettled attempt should get (or none while the job waits or runs).
 */
import type { TaskDispatch, TaskOutcome } from '@df/orchestration'
import type { Redis } from 'ioredis'
import { type Names, workerLost } from './keys.js'

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
      try {
        outcomes.set(jobId, JSON.parse(fields[0]) as TaskOutcome)
      } catch {
        outcomes.set(jobId, workerLost(d, 'its job holds no readable outcome'))
      }
    } else if (failed !== null) {
      outcomes.set(jobId, workerLost(d, `BullMQ: ${fields[1] ?? 'job failed'}`))
    } else if (exists === 0) {
      outcomes.set(jobId, workerLost(d, 'its job is gone from Redis'))
    }
  })
  return outcomes
}

/** Parses one reply stream entry: start (`t=s`, worker `w`) or outcome (`t=o`, JSON `o`). */
export function parseReply(
  fields: readonly string[],
): { kind: 's' | 'o'; jobId: string; worker: string; outcome?: TaskOutcome } | undefined {
  let t: string | undefined
  let k: string | undefined
  let w = ''
  let body: string | undefined
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const f = fields[i]
    if (f === 't') t = fields[i + 1]
    else if (f === 'k') k = fields[i + 1]
    else if (f === 'w') w = fields[i + 1]!
    else if (f === 'o') body = fields[i + 1]
  }
  if (k === undefined) return undefined
  if (t === 's') return { kind: 's', jobId: k, worker: w }
  if (t !== 'o' || body === undefined) return undefined
  try {
    return { kind: 'o', jobId: k, worker: w, outcome: JSON.parse(body) as TaskOutcome }
  } catch {
    return undefined // malformed: the reconciler reads the job's return value instead
  }
}
