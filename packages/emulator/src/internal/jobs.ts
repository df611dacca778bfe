/**
 * The job store and state machine: a job is visible as soon as POST /sql returns, walks through
 * the configured latency steps, runs its SQL on its own DuckDB connection (so a cancel can
 * interrupt exactly that query) and ends COMPLETED, FAILED or CANCELED with Dremio's fields.
 */
import { randomUUID } from 'node:crypto'
import type { DuckDBConnection } from '@duckdb/node-api'
import { EmulatorError } from '../emulator-error.js'
import type { JobInfo, JobLatency, JobState, JobStep, JobsView } from '../job-types.js'
import type { ResultPages } from './job-result.js'

/** Runs a statement on the given connection; supplied by the emulator. */
export type JobRunner = (
  conn: DuckDBConnection,
  sql: string,
  context: readonly string[] | undefined,
) => Promise<ResultPages>

export interface JobRecord extends Omit<JobInfo, 'startedAt' | 'endedAt'> {
  startedAt: string
  endedAt: string | undefined
  result: ResultPages | undefined
  cancelRequested: boolean
  conn: DuckDBConnection | undefined
  wake: (() => void) | undefined
  done: Promise<void>
  /** Dremio's `queryType`: `REST` for POST /sql, `FLIGHT` for Arrow Flight. @default 'REST' */
  queryType?: string
}

const TERMINAL = new Set<JobState>(['COMPLETED', 'FAILED', 'CANCELED'])
/** Results kept in memory across all jobs; the oldest results are dropped beyond this. */
const MAX_RETAINED_ROWS = 4_000_000
const MAX_JOBS = 20_000

export class Jobs implements JobsView {
  private readonly jobs = new Map<string, JobRecord>()
  private readonly connect: () => Promise<DuckDBConnection>
  private readonly runner: JobRunner
  private latency: JobLatency
  private retainedRows = 0

  constructor(connect: () => Promise<DuckDBConnection>, runner: JobRunner, latency: JobLatency) {
    this.connect = connect
    this.runner = runner
    this.latency = latency
  }

  setLatency(latency: JobLatency): void {
    this.latency = latency
  }

  /** Creates and starts a job; returns its id at once (POST /sql semantics). */
  submit(sql: string, context: readonly string[] | undefined, user: string): string {
    const steps = stepsOf(this.latency)
    const job = this.add(sql, context, user, steps[0]?.state ?? 'RUNNING')
    job.done = this.run(job, steps)
    return job.id
  }

  /** A new job record, registered (and old ones trimmed). */
  private add(
    sql: string,
    context: readonly string[] | undefined,
    user: string,
    state: JobState,
  ): JobRecord {
    const job: JobRecord = {
      // Dremio job ids are UUID-shaped and end in the attempt byte `00`.
      id: `${randomUUID().slice(0, 34)}00`,
      sql,
      context,
      user,
      state,
      rowCount: 0,
      errorMessage: '',
      cancellationReason: '',
      startedAt: new Date().toISOString(),
      endedAt: undefined,
      result: undefined,
      cancelRequested: false,
      conn: undefined,
      wake: undefined,
      done: Promise.resolve(),
    }
    this.jobs.set(job.id, job)
    this.trim()
    return job
  }

  /**
   * Starts a job whose results the caller streams itself (Arrow Flight DoGet): RUNNING at once,
   * `work` runs on the job's own DuckDB connection (so a cancel interrupts exactly it) and
   * resolves with the row count. It ends COMPLETED, FAILED with the error's text, or CANCELED
   * after `cancel(id)`; `done` settles then.
   */
  runExternal(
    sql: string,
    context: readonly string[] | undefined,
    user: string,
    work: (conn: DuckDBConnection, job: JobRecord) => Promise<number>,
  ): JobRecord {
    const job = this.add(sql, context, user, 'RUNNING')
    job.queryType = 'FLIGHT'
    job.done = (async () => {
      let conn: DuckDBConnection | undefined
      try {
        conn = await this.connect()
        job.conn = conn
        if (job.cancelRequested) return this.finish(job, 'CANCELED')
        job.rowCount = await work(conn, job)
        this.finish(job, job.cancelRequested ? 'CANCELED' : 'COMPLETED')
      } catch (error) {
        if (job.cancelRequested) return this.finish(job, 'CANCELED')
        job.errorMessage = errorText(error)
        this.finish(job, 'FAILED')
      } finally {
        job.conn = undefined
        conn?.closeSync()
      }
    })()
    return job
  }

  record(id: string): JobRecord | undefined {
    return this.jobs.get(id)
  }

  /** Requests a cancel; false when the job is unknown or already finished (REST answers 404). */
  cancel(id: string): boolean {
    const job = this.jobs.get(id)
    if (job === undefined || TERMINAL.has(job.state) || job.cancelRequested) return false
    job.cancelRequested = true
    job.cancellationReason = `Query cancelled by user '${job.user}'`
    job.wake?.()
    // A statement may run several DuckDB calls (prepare, then run); an interrupt between two
    // of them is lost, so keep interrupting until the job has stopped.
    const interrupt = (): void => job.conn?.interrupt()
    interrupt()
    const timer = setInterval(interrupt, 20)
    void job.done.finally(() => clearInterval(timer))
    return true
  }

  get(id: string): JobInfo | undefined {
    const job = this.jobs.get(id)
    return job === undefined ? undefined : snapshot(job)
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map(snapshot)
  }

  async settled(id: string): Promise<JobInfo> {
    const job = this.jobs.get(id)
    if (job === undefined)
      throw new EmulatorError('DF_EMULATOR_JOB_NOT_FOUND', `[@df/emulator] Unknown job ${id}`)
    await job.done
    return snapshot(job)
  }

  /** Cancels every unfinished job and waits for them (used by close()). */
  async drain(): Promise<void> {
    for (const job of this.jobs.values()) this.cancel(job.id)
    await Promise.all([...this.jobs.values()].map((j) => j.done))
  }

  private async run(job: JobRecord, steps: readonly JobStep[]): Promise<void> {
    for (const step of steps) {
      if (job.cancelRequested) break
      job.state = step.state
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, step.ms)
        job.wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      job.wake = undefined
    }
    if (job.cancelRequested) return this.finish(job, 'CANCELED')
    job.state = 'RUNNING'
    let conn: DuckDBConnection | undefined
    try {
      conn = await this.connect()
      job.conn = conn
      if (job.cancelRequested) return this.finish(job, 'CANCELED')
      const result = await this.runner(conn, job.sql, job.context)
      job.result = result
      job.rowCount = result.rowCount
      this.retainedRows += result.rowCount
      this.finish(job, 'COMPLETED')
    } catch (error) {
      if (job.cancelRequested) return this.finish(job, 'CANCELED')
      job.errorMessage = errorText(error)
      this.finish(job, 'FAILED')
    } finally {
      job.conn = undefined
      conn?.closeSync()
    }
  }

  private finish(job: JobRecord, state: JobState): void {
    job.state = state
    job.endedAt = new Date().toISOString()
    if (state !== 'CANCELED') job.cancellationReason = ''
    this.trim(job)
  }

  /** Drops the oldest results (and the oldest jobs) beyond the retention limits, never `keep`'s. */
  private trim(keep?: JobRecord): void {
    for (const job of this.jobs.values()) {
      if (this.retainedRows <= MAX_RETAINED_ROWS && this.jobs.size <= MAX_JOBS) break
      if (!TERMINAL.has(job.state) || job === keep) continue
      if (job.result !== undefined) {
        this.retainedRows -= job.result.rowCount
        job.result = undefined
      }
      if (this.jobs.size > MAX_JOBS) this.jobs.delete(job.id)
    }
  }
}

function stepsOf(latency: JobLatency): readonly JobStep[] {
  if (typeof latency === 'number') return latency > 0 ? [{ state: 'RUNNING', ms: latency }] : []
  return latency
}

function snapshot(job: JobRecord): JobInfo {
  return {
    id: job.id,
    sql: job.sql,
    context: job.context,
    state: job.state,
    rowCount: job.rowCount,
    errorMessage: job.errorMessage,
    cancellationReason: job.cancellationReason,
    user: job.user,
    startedAt: new Date(job.startedAt),
    endedAt: job.endedAt === undefined ? undefined : new Date(job.endedAt),
  }
}

function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.trim() === '' ? 'Something went wrong.' : message
}

/** The JSON body of GET /job/{id}, with Dremio's field order and null-omission. */
export function jobJson(job: JobRecord): string {
  const body: Record<string, unknown> = {
    jobState: job.state,
    rowCount: job.rowCount,
    errorMessage: job.errorMessage,
    startedAt: job.startedAt,
  }
  if (job.endedAt !== undefined) body.endedAt = job.endedAt
  body.queryType = job.queryType ?? 'REST'
  body.cancellationReason = job.cancellationReason
  return JSON.stringify(body)
}

export { TERMINAL }
