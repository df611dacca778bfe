/**
 * `DremioTaskError`: a Dremio task's statement failed. It keeps Dremio's error text in the
 * message (so it is what the attempt record shows) and the client error as `cause`.
 */
import { DremioError } from '@df/client'
import { OrchestrationError } from '@df/orchestration'

/** A statement of a Dremio task failed (job FAILED or CANCELED, HTTP or connection error). */
export class DremioTaskError extends OrchestrationError {
  override readonly name: string = 'DremioTaskError'
  /** The Dremio job id, when the statement was accepted. */
  readonly jobId: string | undefined
  /** The `@df/client` error code (`DF_DREMIO_JOB_FAILED`, `DF_DREMIO_CONNECTION`…). */
  readonly dremioCode: string | undefined
  /** Dremio's own error text (`errorMessage` of the job or of the HTTP answer). */
  readonly dremioMessage: string

  constructor(
    message: string,
    init: { jobId?: string | undefined; dremioCode?: string | undefined; dremioMessage: string },
    options?: { cause?: unknown },
  ) {
    super('DF_TASK_FAILED', message, options)
    this.jobId = init.jobId
    this.dremioCode = init.dremioCode
    this.dremioMessage = init.dremioMessage
  }
}

/** Wraps a client error; `where` says which statement (e.g. `Statement 2 of 3`). */
export function wrapDremioError(
  error: unknown,
  jobId: string | undefined,
  where: string | undefined,
): unknown {
  if (!DremioError.is(error)) return error
  const e = error as DremioError & { errorMessage?: unknown; jobId?: unknown }
  const dremioMessage =
    typeof e.errorMessage === 'string' && e.errorMessage !== ''
      ? e.errorMessage
      : e.message.replace(/^\[@df\/client\] /, '')
  const id = typeof e.jobId === 'string' ? e.jobId : jobId
  const excerpt = (e as { sqlExcerpt?: unknown }).sqlExcerpt
  const head = where === undefined ? '' : `${where}: `
  const job = id === undefined ? 'Dremio request' : `Dremio job ${id}`
  const verb = e.code === 'DF_DREMIO_JOB_CANCELLED' ? 'was cancelled' : 'failed'
  const sql = typeof excerpt === 'string' ? ` (SQL: ${excerpt})` : ''
  return new DremioTaskError(
    `[@df/orchestration] ${head}${job} ${verb}: ${dremioMessage}${sql}`,
    { jobId: id, dremioCode: e.code, dremioMessage },
    { cause: error },
  )
}
