/**
 * `HttpTask` (type `http`): one HTTP request with `fetch`. 5xx answers and network errors are
 * retried inside the attempt (on the engine clock); an unexpected 4xx fails at once without
 * task retries. The response (JSON or text) is the result, capped in size: return references,
 * not data. Secret headers are read from environment variables when the task runs and are never
 * stored, logged or put in errors.
 */
import type { JsonObject, JsonValue, TaskContext } from '@df/orchestration'
import { renderTemplate, Task } from '@df/orchestration'
import { type BaseTaskOptions, checkPlaceholders, taskInvalid } from '../internal/task-support.js'
import { checkEnvName, secretFromEnv, taskFailed } from './internal/support.js'

/** Options of {@link HttpTask}. Durations in ms. */
export interface HttpTaskOptions extends BaseTaskOptions {
  /** Templated (`{{ ds }}`, `{{ params.X }}`…). */
  readonly url: string
  /** @default 'GET' */
  readonly method?: string
  /** Plain headers, stored with the task: never put secrets here. */
  readonly headers?: Readonly<Record<string, string>>
  /** Header name → NAME of the environment variable holding its value (e.g. a bearer token). */
  readonly secretHeaders?: Readonly<Record<string, string>>
  /** Query parameters, appended to the URL; string values are templated. */
  readonly query?: Readonly<Record<string, string | number | boolean>>
  /** A JSON body (sent with `content-type: application/json`). */
  readonly json?: JsonValue
  /** A text body (templated). */
  readonly body?: string
  /** Per request. @default 30_000 */
  readonly requestTimeout?: number
  /** Statuses that count as success. @default every 2xx */
  readonly expectStatus?: readonly number[]
  /** Extra requests after a 5xx or network error, within the attempt. @default 2 */
  readonly httpRetries?: number
  /** Wait before the first extra request, doubled each time. @default 1000 */
  readonly httpRetryDelay?: number
  /** How to read the response. @default 'auto' (JSON when the content type says so) */
  readonly responseType?: 'auto' | 'json' | 'text'
  /** Larger responses fail the task. @default 65_536 */
  readonly maxResponseBytes?: number
}

/** What an {@link HttpTask} returns. */
export interface HttpTaskResult {
  readonly status: number
  readonly body: JsonValue
}

/**
 * An HTTP request as a task.
 *
 * @example
 * const hook = new HttpTask({
 *   name: 'notify',
 *   method: 'POST',
 *   url: 'https://hooks.example.com/runs',
 *   secretHeaders: { authorization: 'HOOK_TOKEN' },
 *   json: { pipeline: 'daily' },
 * })
 */
export class HttpTask extends Task {
  static readonly TYPE = 'http'

  /** @throws OrchestrationError `DF_TASK_INVALID` for bad options. */
  constructor(options: HttpTaskOptions) {
    const {
      url,
      method,
      headers,
      secretHeaders,
      query,
      json,
      body,
      requestTimeout,
      expectStatus,
      httpRetries,
      httpRetryDelay,
      responseType,
      maxResponseBytes,
      ...taskOptions
    } = options
    const name = String(taskOptions.name)
    if (typeof url !== 'string' || url === '') throw taskInvalid(name, 'url must be a URL')
    checkPlaceholders(name, 'url', url)
    if (!/\{\{/.test(url)) {
      try {
        new URL(url)
      } catch {
        throw taskInvalid(name, `url is not a valid URL: ${JSON.stringify(url)}`)
      }
    }
    if (json !== undefined && body !== undefined)
      throw taskInvalid(name, 'give json or body, not both')
    if (body !== undefined) {
      if (typeof body !== 'string')
        throw taskInvalid(name, 'body must be text (use json for objects)')
      checkPlaceholders(name, 'body', body)
    }
    const m = (method ?? 'GET').toUpperCase()
    if (!/^[A-Z]+$/.test(m)) throw taskInvalid(name, `method is not an HTTP method: ${method}`)
    for (const [k, v] of Object.entries(secretHeaders ?? {}))
      checkEnvName(name, `secretHeaders.${k}`, v)
    for (const [k, v] of Object.entries(headers ?? {})) {
      if (typeof v !== 'string') throw taskInvalid(name, `headers.${k} must be a string`)
    }
    const num = (what: string, v: number | undefined, dflt: number, min: number): number => {
      if (v === undefined) return dflt
      if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
        throw taskInvalid(name, `${what} must be a number >= ${min}, got ${String(v)}`)
      }
      return v
    }
    const type = responseType ?? 'auto'
    if (!['auto', 'json', 'text'].includes(type))
      throw taskInvalid(name, `responseType must be auto, json or text`)
    if (
      expectStatus !== undefined &&
      (!Array.isArray(expectStatus) || !expectStatus.every((s) => Number.isInteger(s)))
    ) {
      throw taskInvalid(name, 'expectStatus must be an array of status codes')
    }
    const stored: JsonObject = {
      url,
      method: m,
      requestTimeout: num('requestTimeout', requestTimeout, 30_000, 1),
      httpRetries: num('httpRetries', httpRetries, 2, 0),
      httpRetryDelay: num('httpRetryDelay', httpRetryDelay, 1000, 0),
      responseType: type,
      maxResponseBytes: num('maxResponseBytes', maxResponseBytes, 65_536, 1),
    }
    if (headers) stored.headers = { ...headers }
    if (secretHeaders) stored.secretHeaders = { ...secretHeaders }
    if (query) stored.query = { ...query }
    if (json !== undefined) stored.json = json
    if (body !== undefined) stored.body = body
    if (expectStatus) stored.expectStatus = [...expectStatus]
    super({
      ...taskOptions,
      type: HttpTask.TYPE,
      options: stored,
      run: (ctx) => request(ctx, stored),
    })
  }
}

async function request(ctx: TaskContext, o: JsonObject): Promise<HttpTaskResult> {
  const task = ctx.taskId
  const url = new URL(renderTemplate(o.url as string, ctx))
  for (const [k, v] of Object.entries((o.query as JsonObject | undefined) ?? {})) {
    url.searchParams.append(k, typeof v === 'string' ? renderTemplate(v, ctx) : String(v))
  }
  const headers = new Headers(o.headers as Record<string, string> | undefined)
  for (const [k, env] of Object.entries(
    (o.secretHeaders as Record<string, string> | undefined) ?? {},
  )) {
    headers.set(k, secretFromEnv(task, `header '${k}'`, env))
  }
  let body: string | undefined
  if (o.json !== undefined) {
    body = JSON.stringify(o.json)
    if (!headers.has('content-type')) headers.set('content-type', 'application/json')
  } else if (o.body !== undefined) {
    body = renderTemplate(o.body as string, ctx)
  }
  const method = o.method as string
  const retries = o.httpRetries as number
  // The URL is logged without its query string: query values may be tokens.
  const where = `${method} ${url.origin}${url.pathname}`
  for (let attempt = 0; ; attempt++) {
    if (ctx.signal.aborted) throw ctx.signal.reason
    let response: Response
    const timeout = AbortSignal.timeout(o.requestTimeout as number)
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: AbortSignal.any([ctx.signal, timeout]),
        redirect: 'follow',
      })
    } catch (error) {
      if (ctx.signal.aborted) throw ctx.signal.reason
      const why = timeout.aborted ? `no answer within ${o.requestTimeout} ms` : errorText(error)
      if (attempt < retries) {
        await backoff(ctx, o, attempt, `${where} failed (${why})`)
        continue
      }
      throw taskFailed(task, `${where} failed: ${why}.`, { cause: error })
    }
    const status = response.status
    const expected = o.expectStatus as number[] | undefined
    const ok = expected ? expected.includes(status) : status >= 200 && status < 300
    ctx.log.info(`${where} → ${status}`)
    if (ok) return { status, body: await readBody(ctx, response, o) }
    const excerpt = await readExcerpt(response)
    if (status >= 500 && attempt < retries) {
      await backoff(ctx, o, attempt, `${where} answered ${status}`)
      continue
    }
    throw taskFailed(task, `${where} answered ${status}${excerpt ? `: ${excerpt}` : ''}.`, {
      retryable: status >= 500 || status === 429 || status === 408,
    })
  }
}

async function backoff(
  ctx: TaskContext,
  o: JsonObject,
  attempt: number,
  what: string,
): Promise<void> {
  const wait = (o.httpRetryDelay as number) * 2 ** attempt
  ctx.log.warn(`${what}; retrying in ${wait} ms.`)
  await ctx.sleep(wait)
}

/** Reads the body up to the cap (streaming: a huge body is never buffered whole). */
async function readBody(ctx: TaskContext, response: Response, o: JsonObject): Promise<JsonValue> {
  const max = o.maxResponseBytes as number
  const chunks: Uint8Array[] = []
  let size = 0
  if (response.body) {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength
      if (size > max) {
        await response.body.cancel().catch(() => undefined)
        throw taskFailed(
          ctx.taskId,
          `the response is larger than maxResponseBytes (${max} bytes): return a reference, not data.`,
          { retryable: false },
        )
      }
      chunks.push(chunk)
    }
  }
  const text = Buffer.concat(chunks).toString('utf8')
  const type = o.responseType as string
  const isJson =
    type === 'json' ||
    (type === 'auto' && /[/+]json\b/i.test(response.headers.get('content-type') ?? ''))
  if (!isJson) return text
  if (text === '') return null
  try {
    return JSON.parse(text) as JsonValue
  } catch (error) {
    throw taskFailed(ctx.taskId, `the response is not valid JSON (status ${response.status}).`, {
      cause: error,
      retryable: false,
    })
  }
}

async function readExcerpt(response: Response): Promise<string> {
  try {
    const text = (await response.text()).replace(/\s+/g, ' ').trim()
    return text.length > 300 ? `${text.slice(0, 299)}…` : text
  } catch {
    return ''
  }
}

function errorText(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } })?.cause
  if (cause && typeof cause.code === 'string') return cause.code
  return error instanceof Error ? error.message : String(error)
}
