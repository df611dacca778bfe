/**
 * `EmailTask` (type `email`): sends one message over SMTP with nodemailer (an optional peer
 * dependency, loaded when the task runs: `DF_DEPENDENCY_MISSING` says to install it). Implicit
 * TLS (`secure`, port 465) or STARTTLS (opportunistic by default, `requireTls` to insist), auth
 * with the password read from an environment variable, several recipients, text and HTML bodies.
 * Subject and bodies are templates rendered with the run (`{{ ds }}`, `{{ run_id }}`,
 * `{{ params.X }}`); values put into the HTML body are HTML-escaped.
 */
import type { JsonObject } from '@df/orchestration'
import { renderTemplate, Task, type TaskContext } from '@df/orchestration'
import { type BaseTaskOptions, checkPlaceholders, taskInvalid } from '../internal/task-support.js'
import { checkEnvName, importOptional, secretFromEnv, taskFailed } from './internal/support.js'

/** Options of {@link EmailTask}. */
export interface EmailTaskOptions extends BaseTaskOptions {
  readonly host: string
  /** @default 465 with `secure`, else 587 */
  readonly port?: number
  /** Implicit TLS from the first byte (SMTPS, usually port 465). @default false */
  readonly secure?: boolean
  /** Fail unless the server upgrades with STARTTLS. @default false (upgrade when offered) */
  readonly requireTls?: boolean
  /** Verify the server certificate. @default true */
  readonly tlsRejectUnauthorized?: boolean
  /** SMTP user name (not a secret). */
  readonly user?: string
  /** NAME of the environment variable holding the SMTP password (never the password). */
  readonly passwordEnv?: string
  readonly from: string
  readonly to: string | readonly string[]
  readonly cc?: string | readonly string[]
  readonly bcc?: string | readonly string[]
  /** Templated. */
  readonly subject: string
  /** Templated plain-text body. */
  readonly text?: string
  /** Templated HTML body (placeholder values are HTML-escaped). */
  readonly html?: string
  /** Connection and greeting timeout, in ms. @default 30_000 */
  readonly connectionTimeout?: number
}

/** What an {@link EmailTask} returns. */
export interface EmailTaskResult {
  readonly messageId: string
  readonly accepted: string[]
  readonly rejected: string[]
}

interface Nodemailer {
  createTransport(options: object): {
    sendMail(
      message: object,
    ): Promise<{ messageId: string; accepted: unknown[]; rejected: unknown[] }>
    close(): void
  }
}

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$|^[^<>]*<[^\s@<>]+@[^\s@<>]+>$/

/**
 * An email as a task.
 *
 * @example
 * new EmailTask({
 *   name: 'report', host: 'smtp.example.com', port: 587, requireTls: true,
 *   user: 'etl', passwordEnv: 'SMTP_PASSWORD', from: 'etl@example.com',
 *   to: ['data@example.com', 'ops@example.com'], subject: 'Daily load {{ ds }}',
 *   text: 'Run {{ run_id }} loaded {{ params.table }}.',
 * })
 */
export class EmailTask extends Task {
  static readonly TYPE = 'email'

  /** @throws OrchestrationError `DF_TASK_INVALID` for bad options. */
  constructor(options: EmailTaskOptions) {
    const {
      host,
      port,
      secure,
      requireTls,
      tlsRejectUnauthorized,
      user,
      passwordEnv,
      from,
      to,
      cc,
      bcc,
      subject,
      text,
      html,
      connectionTimeout,
      ...taskOptions
    } = options
    const name = String(taskOptions.name)
    if (typeof host !== 'string' || host === '')
      throw taskInvalid(name, 'host must be the SMTP server name')
    if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65_535)) {
      throw taskInvalid(name, `port must be 1-65535, got ${String(port)}`)
    }
    const addresses = (what: string, v: unknown, required: boolean): string[] | undefined => {
      if (v === undefined && !required) return undefined
      const list = typeof v === 'string' ? [v] : v
      if (
        !Array.isArray(list) ||
        list.length === 0 ||
        !list.every((a) => typeof a === 'string' && ADDRESS.test(a))
      ) {
        throw taskInvalid(name, `${what} must be an email address or a non-empty array of them`)
      }
      return [...list]
    }
    addresses('from', from, true)
    if (typeof subject !== 'string' || subject === '')
      throw taskInvalid(name, 'subject must be text')
    if (text === undefined && html === undefined) throw taskInvalid(name, 'give text, html or both')
    for (const [what, t] of [
      ['subject', subject],
      ['text', text],
      ['html', html],
    ] as const) {
      if (t !== undefined) {
        if (typeof t !== 'string') throw taskInvalid(name, `${what} must be text`)
        checkPlaceholders(name, what, t)
      }
    }
    if (passwordEnv !== undefined && user === undefined)
      throw taskInvalid(name, 'passwordEnv needs user')
    const stored: JsonObject = {
      host,
      port: port ?? (secure === true ? 465 : 587),
      secure: secure === true,
      requireTls: requireTls === true,
      tlsRejectUnauthorized: tlsRejectUnauthorized !== false,
      from,
      to: addresses('to', to, true) as string[],
      subject,
      connectionTimeout: connectionTimeout ?? 30_000,
    }
    const put = (k: string, v: JsonObject[string] | undefined) => {
      if (v !== undefined) stored[k] = v
    }
    put('cc', addresses('cc', cc, false))
    put('bcc', addresses('bcc', bcc, false))
    put('text', text)
    put('html', html)
    if (user !== undefined) {
      if (typeof user !== 'string' || user === '')
        throw taskInvalid(name, 'user must be a non-empty string')
      stored.user = user
    }
    put('passwordEnv', checkEnvName(name, 'passwordEnv', passwordEnv))
    super({
      ...taskOptions,
      type: EmailTask.TYPE,
      options: stored,
      run: (ctx) => send(ctx, stored),
    })
  }
}

async function send(ctx: TaskContext, o: JsonObject): Promise<EmailTaskResult> {
  const task = ctx.taskId
  // Render first: an unknown param fails before connecting.
  const subject = renderTemplate(o.subject as string, ctx)
  const text = o.text === undefined ? undefined : renderTemplate(o.text as string, ctx)
  const html = o.html === undefined ? undefined : renderHtml(o.html as string, ctx)
  const pass =
    o.passwordEnv === undefined
      ? undefined
      : secretFromEnv(task, 'the SMTP password', o.passwordEnv as string)
  const mailer = await importOptional<Nodemailer>('nodemailer', task)
  const timeout = o.connectionTimeout as number
  const transport = mailer.createTransport({
    host: o.host,
    port: o.port,
    secure: o.secure,
    requireTLS: o.requireTls,
    tls: { rejectUnauthorized: o.tlsRejectUnauthorized },
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    ...(o.user !== undefined ? { auth: { user: o.user, pass } } : {}),
  })
  const onAbort = () => transport.close()
  ctx.signal.addEventListener('abort', onAbort, { once: true })
  try {
    const info = await transport.sendMail({
      from: o.from,
      to: o.to,
      ...(o.cc !== undefined ? { cc: o.cc } : {}),
      ...(o.bcc !== undefined ? { bcc: o.bcc } : {}),
      subject,
      ...(text !== undefined ? { text } : {}),
      ...(html !== undefined ? { html } : {}),
    })
    const accepted = info.accepted.map(String)
    const rejected = info.rejected.map(String)
    ctx.log.info(
      `Email '${subject}' sent to ${accepted.length} recipient(s) via ${o.host}:${o.port}.`,
    )
    if (rejected.length > 0) ctx.log.warn(`Rejected recipients: ${rejected.join(', ')}`)
    return { messageId: info.messageId, accepted, rejected }
  } catch (error) {
    if (ctx.signal.aborted) throw ctx.signal.reason
    // nodemailer's messages carry the server's reply, never the password.
    const message = error instanceof Error ? error.message : String(error)
    throw taskFailed(task, `sending the email via ${o.host}:${o.port} failed: ${message}`, {
      cause: error,
      retryable: (error as { code?: unknown })?.code !== 'EAUTH',
    })
  } finally {
    ctx.signal.removeEventListener('abort', onAbort)
    transport.close()
  }
}

const PLACEHOLDER = /\{\{\s*[^{}]*?\s*\}\}/g

/** Renders an HTML template, escaping each placeholder's value. */
function renderHtml(html: string, ctx: TaskContext): string {
  return html.replace(PLACEHOLDER, (m) => escapeHtml(renderTemplate(m, ctx)))
}

function escapeHtml(s: string): string {
  return s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}
