/**
 * EmailTask against a real SMTP server on loopback (the smtp-server package, port 0): STARTTLS
 * with auth, implicit TLS, several recipients, text and HTML rendered with the run's context.
 * The servers use smtp-server's built-in self-signed certificate, hence
 * `tlsRejectUnauthorized: false` in these tests only.
 */
import type { AddressInfo } from 'node:net'
import { Pipeline, type TaskRecord } from '@df/orchestration'
import { SMTPServer, type SMTPServerOptions } from 'smtp-server'
import { afterAll, describe, expect, it } from 'vitest'
import { EmailTask } from '../../src/general/email-task.js'
import { importOptional } from '../../src/general/internal/support.js'
import { history } from '../history.js'
import '../../src/task-types.js' // registers the library's task types, as importing @df/tasks does
import { taskFromDescription } from '@df/orchestration'

interface Received {
  from: string
  to: string[]
  raw: string
  secure: boolean
  user: string | undefined
}

const servers: SMTPServer[] = []
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(() => r(undefined)))))
})

async function startSmtp(options: SMTPServerOptions = {}) {
  const received: Received[] = []
  const server = new SMTPServer({
    logger: false,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, cb) {
      if (auth.username === 'etl' && auth.password === 'smtp-pa55') cb(null, { user: 'etl' })
      else cb(new Error('Invalid username or password'))
    },
    onData(stream, session, cb) {
      const parts: Buffer[] = []
      stream.on('data', (c: Buffer) => parts.push(c))
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(parts).toString(),
          secure: session.secure,
          user: session.user as string | undefined,
        })
        cb()
      })
    },
    ...options,
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server as unknown as { server: { address(): AddressInfo } }).server.address().port
  return { port, received }
}

async function runOne(t: EmailTask) {
  const p = new Pipeline(`email_${t.name}`)
  p.addTask(t)
  const run = await p.run({
    logicalDate: '2026-11-27T00:00:00.000Z',
    params: { table: 'sales.orders', note: '<script>x</script>' },
  })
  const attempts = await history(p.backend).listAttempts(run.id, t.name)
  await p.close()
  return { run, task: run.tasks[t.name] as TaskRecord, attempts }
}

describe('EmailTask (real SMTP server on loopback)', { timeout: 30_000 }, () => {
  it('sends over STARTTLS with auth to several recipients, with rendered text and HTML', async () => {
    const { port, received } = await startSmtp()
    process.env.DF_TEST_SMTP_PASSWORD = 'smtp-pa55'
    const t = new EmailTask({
      name: 'notify',
      host: '127.0.0.1',
      port,
      requireTls: true,
      tlsRejectUnauthorized: false,
      user: 'etl',
      passwordEnv: 'DF_TEST_SMTP_PASSWORD',
      from: 'etl@example.com',
      to: ['data@example.com', 'ops@example.com'],
      cc: 'lead@example.com',
      subject: 'Load {{ ds }} done',
      text: 'Run {{ run_id }} loaded {{ params.table }}.',
      html: '<p>Loaded <b>{{ params.table }}</b> ({{ params.note }})</p>',
    })
    const { run, task, attempts } = await runOne(t)
    expect(task.state).toBe('SUCCESS')
    expect(received).toHaveLength(1)
    const mail = received[0] as Received
    expect(mail.secure).toBe(true) // upgraded with STARTTLS
    expect(mail.user).toBe('etl')
    expect(mail.from).toBe('etl@example.com')
    expect(mail.to).toEqual(['data@example.com', 'ops@example.com', 'lead@example.com'])
    expect(mail.raw).toContain('Subject: Load 2026-11-27 done')
    expect(mail.raw).toMatch(/^To: data@example.com, ops@example.com$/m)
    expect(mail.raw).toContain(`Run ${run.id} loaded sales.orders.`)
    expect(mail.raw).toContain('text/html')
    expect(mail.raw).toContain('<b>sales.orders</b> (&lt;script&gt;x&lt;/script&gt;)')
    expect(task.result).toMatchObject({
      accepted: ['data@example.com', 'ops@example.com', 'lead@example.com'],
      rejected: [],
    })
    // The password is neither stored nor logged.
    expect(JSON.stringify(t.options)).not.toContain('smtp-pa55')
    expect(attempts[0]?.log).not.toContain('smtp-pa55')
  })

  it('sends over implicit TLS (secure)', async () => {
    const { port, received } = await startSmtp({ secure: true, authOptional: true })
    const t = new EmailTask({
      name: 'smtps',
      host: '127.0.0.1',
      port,
      secure: true,
      tlsRejectUnauthorized: false,
      from: 'etl@example.com',
      to: 'data@example.com',
      subject: 'hi',
      text: 'plain',
    })
    const { task } = await runOne(t)
    expect(task.state).toBe('SUCCESS')
    expect(received[0]?.secure).toBe(true)
  })

  it('fails without retrying on bad credentials, without the password in the error', async () => {
    const { port, received } = await startSmtp()
    process.env.DF_TEST_SMTP_BAD = 'wrong-pa55'
    const t = new EmailTask({
      name: 'badauth',
      host: '127.0.0.1',
      port,
      tlsRejectUnauthorized: false,
      user: 'etl',
      passwordEnv: 'DF_TEST_SMTP_BAD',
      from: 'etl@example.com',
      to: 'data@example.com',
      subject: 'x',
      text: 'x',
      retries: 2,
    })
    const { task } = await runOne(t)
    expect(task).toMatchObject({ state: 'FAILED', attempt: 1 })
    expect(task.error?.message).toMatch(/Invalid username or password/)
    expect(task.error?.message).not.toContain('wrong-pa55')
    expect(received).toHaveLength(0)
  })

  it('says which environment variable is missing', async () => {
    const t = new EmailTask({
      name: 'noenv',
      host: '127.0.0.1',
      user: 'etl',
      passwordEnv: 'DF_TEST_SMTP_UNSET_VAR',
      from: 'etl@example.com',
      to: 'data@example.com',
      subject: 'x',
      text: 'x',
    })
    const { task } = await runOne(t)
    expect(task.error?.message).toContain('environment variable DF_TEST_SMTP_UNSET_VAR')
  })

  it('is a serialisable description and rejects bad options', () => {
    const base = { host: 'h', from: 'a@b.c', to: 'd@e.f', subject: 's', text: 't' }
    const t = new EmailTask({ name: 'd', ...base })
    const again = taskFromDescription({ name: 'd', type: 'email', options: t.options ?? {} })
    expect(again.options).toEqual(t.options)
    expect(() => new EmailTask({ name: 'x', ...base, to: 'not an address' })).toThrow(/to must be/)
    expect(() => new EmailTask({ name: 'x', ...base, text: undefined })).toThrow(/text, html/)
    expect(() => new EmailTask({ name: 'x', ...base, passwordEnv: 'P' })).toThrow(/needs user/)
  })

  it('a missing optional dependency is a typed DF_DEPENDENCY_MISSING error', async () => {
    await expect(importOptional('df-no-such-optional-package', 't')).rejects.toMatchObject({
      code: 'DF_DEPENDENCY_MISSING',
      message: expect.stringContaining('install df-no-such-optional-package'),
    })
  })
})
