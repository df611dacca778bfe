/** UI configuration over real HTTP: hosts without auth, ports in use, users files, password hashes. */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createMemoryBackend, Pipeline } from '@df/orchestration'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashPassword, startUi, UiError, verifyPassword } from '../../src/index.js'
import { basic, http, PASSWORDS, startTestUi, type TestUi, testUsers } from './helpers.js'

let t: TestUi

beforeAll(async () => {
  t = await startTestUi()
})
afterAll(async () => {
  await t.close()
})

describe('configuration', () => {
  it('refuses a non-loopback host without auth, and any host without auth', async () => {
    const err = await startUi({ backend: t.backend, host: '0.0.0.0', port: 0 }).catch(
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(UiError)
    expect((err as UiError).code).toBe('DF_UI_CONFIG_INVALID')
    expect((err as UiError).message).toContain('0.0.0.0')
    const none = await startUi({ backend: t.backend, port: 0 }).catch((e: unknown) => e)
    expect((none as UiError).code).toBe('DF_UI_CONFIG_INVALID')
  })

  it('a port in use is a typed error', async () => {
    const err = await startUi({
      backend: t.backend,
      port: t.ui.port,
      auth: { users: await testUsers() },
    }).catch((e: unknown) => e)
    expect((err as UiError).code).toBe('DF_UI_CONFIG_INVALID')
    expect((err as UiError).message).toContain(`Port ${t.ui.port}`)
  })

  it('refuses a pipeline that stores its runs in another backend', async () => {
    const other = new Pipeline('elsewhere', { backend: createMemoryBackend() })
    const err = await startUi({
      backend: t.backend,
      pipelines: [other],
      port: 0,
      auth: { users: await testUsers() },
    }).catch((e: unknown) => e)
    expect((err as UiError).code).toBe('DF_UI_CONFIG_INVALID')
    expect((err as UiError).message).toContain("'elsewhere'")
  })

  it('binds 127.0.0.1 by default and loads a users file', async () => {
    const file = join(t.dir, 'users.json')
    writeFileSync(file, JSON.stringify(await testUsers()))
    const ui = await startUi({
      backend: t.backend,
      port: 0,
      auth: { usersFile: file },
      log: () => {},
    })
    try {
      expect(ui.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(
        (await http(ui.url, 'GET', '/api/session', { headers: basic('vic', PASSWORDS.viewer) }))
          .status,
      ).toBe(200)
    } finally {
      await ui.close()
    }
  })

  it('rejects a users file with a plain password or an unknown role', async () => {
    const file = join(t.dir, 'bad-users.json')
    writeFileSync(
      file,
      JSON.stringify([{ username: 'a', role: 'viewer', passwordHash: 'hunter2' }]),
    )
    const err = await startUi({ backend: t.backend, port: 0, auth: { usersFile: file } }).catch(
      (e: unknown) => e,
    )
    expect((err as UiError).code).toBe('DF_UI_CONFIG_INVALID')
    expect((err as UiError).message).not.toContain('hunter2')
    writeFileSync(
      file,
      JSON.stringify([{ username: 'a', role: 'root', passwordHash: await hashPassword('x') }]),
    )
    const role = await startUi({ backend: t.backend, port: 0, auth: { usersFile: file } }).catch(
      (e: unknown) => e,
    )
    expect((role as UiError).message).toContain('role')
  })

  it('hashPassword makes salted scrypt hashes that verifyPassword checks', async () => {
    const a = await hashPassword('s3cret')
    const b = await hashPassword('s3cret')
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$/)
    expect(a).not.toBe(b)
    expect(await verifyPassword('s3cret', a)).toBe(true)
    expect(await verifyPassword('s3cret!', a)).toBe(false)
    expect(await verifyPassword('s3cret', undefined)).toBe(false)
  })
})
