/**
 * S3Task against s3rver, a local S3-compatible server, on loopback (port 0) through the real
 * AWS SDK v3: custom endpoint, path-style URLs, SigV4 with the credentials read from env vars
 * (s3rver's built-in test key pair S3RVER/S3RVER).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Pipeline, type TaskRecord } from '@df/orchestration'
import S3rver from 's3rver'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { S3Task, type S3TaskOptions } from '../../src/general/s3-task.js'
import '../../src/task-types.js' // registers the library's task types, as importing @df/tasks does
import { taskFromDescription } from '@df/orchestration'

const dir = mkdtempSync(join(tmpdir(), 'df-s3-'))
let server: S3rver
let endpoint: string

beforeAll(async () => {
  server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: join(dir, 'store'),
    configureBuckets: [
      { name: 'lake', configs: [] },
      { name: 'archive', configs: [] },
    ],
  })
  const address = (await server.run()) as AddressInfo
  endpoint = `http://127.0.0.1:${address.port}`
  process.env.DF_TEST_S3_KEY_ID = 'S3RVER'
  process.env.DF_TEST_S3_SECRET = 'S3RVER'
})
afterAll(async () => {
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

function s3(name: string, o: Omit<S3TaskOptions, 'name' | 'bucket'> & { bucket?: string }) {
  return new S3Task({
    name,
    bucket: 'lake',
    endpoint,
    forcePathStyle: true,
    accessKeyIdEnv: 'DF_TEST_S3_KEY_ID',
    secretAccessKeyEnv: 'DF_TEST_S3_SECRET',
    ...o,
  })
}

async function runAll(...tasks: S3Task[]) {
  const p = new Pipeline(`s3_${tasks[0]?.name}`, { maxWorkers: 1 })
  for (let i = 1; i < tasks.length; i++) tasks[i - 1]?.setDownstream(tasks[i] as S3Task)
  p.addTask(...tasks)
  const run = await p.run({ logicalDate: '2026-11-27T00:00:00.000Z' })
  await p.close()
  return run.tasks as Record<string, TaskRecord>
}

describe('S3Task (s3rver on loopback)', { timeout: 60_000 }, () => {
  it('uploads, lists, copies, downloads and deletes', async () => {
    const src = join(dir, 'report.csv')
    writeFileSync(src, 'id,amount\n1,10\n2,20\n')
    const out = join(dir, 'out', 'copy-{{ ds }}.csv')
    const tasks = await runAll(
      s3('up', {
        operation: 'upload',
        key: 'daily/{{ ds }}/report.csv',
        localPath: src,
        contentType: 'text/csv',
      }),
      s3('up2', { operation: 'upload', key: 'daily/{{ ds }}/extra.csv', localPath: src }),
      s3('ls', { operation: 'list', prefix: 'daily/{{ ds }}/' }),
      s3('cp', {
        operation: 'copy',
        bucket: 'archive',
        key: 'kept/report.csv',
        sourceBucket: 'lake',
        sourceKey: 'daily/{{ ds }}/report.csv',
      }),
      s3('down', {
        operation: 'download',
        bucket: 'archive',
        key: 'kept/report.csv',
        localPath: out,
      }),
      s3('rm', {
        operation: 'delete',
        keys: ['daily/{{ ds }}/report.csv', 'daily/{{ ds }}/extra.csv'],
      }),
      s3('ls_after', { operation: 'list', prefix: 'daily/' }),
    )
    for (const t of Object.values(tasks))
      expect([t.taskId, t.state, t.error?.message]).toEqual([t.taskId, 'SUCCESS', undefined])
    expect(tasks.up?.result).toMatchObject({
      bucket: 'lake',
      key: 'daily/2026-11-27/report.csv',
      size: 20,
    })
    expect(tasks.ls?.result).toMatchObject({
      objects: [
        { key: 'daily/2026-11-27/extra.csv', size: 20 },
        { key: 'daily/2026-11-27/report.csv', size: 20 },
      ],
      truncated: false,
    })
    const local = join(dir, 'out', 'copy-2026-11-27.csv')
    expect(tasks.down?.result).toEqual({
      bucket: 'archive',
      key: 'kept/report.csv',
      path: local,
      size: 20,
    })
    expect(readFileSync(local, 'utf8')).toBe('id,amount\n1,10\n2,20\n')
    expect(tasks.rm?.result).toEqual({
      bucket: 'lake',
      deleted: ['daily/2026-11-27/report.csv', 'daily/2026-11-27/extra.csv'],
    })
    expect(tasks.ls_after?.result).toMatchObject({ objects: [] })
  })

  it('fails a missing object without leaving a partial file, and bad credentials without retries', async () => {
    const target = join(dir, 'missing.bin')
    process.env.DF_TEST_S3_WRONG = 'NOT-A-KEY-ID'
    const tasks = await runAll(
      s3('missing', {
        operation: 'download',
        key: 'nope/none.bin',
        localPath: target,
        triggerRule: 'all_done',
      }),
      s3('badkey', {
        operation: 'list',
        accessKeyIdEnv: 'DF_TEST_S3_WRONG', // an unknown key id
        retries: 2,
        triggerRule: 'all_done',
      }),
    )
    expect(tasks.missing?.state).toBe('FAILED')
    expect(tasks.missing?.error?.message).toMatch(/S3 GetObject on bucket 'lake' failed: NoSuchKey/)
    expect(existsSync(target)).toBe(false)
    expect(tasks.badkey).toMatchObject({ state: 'FAILED', attempt: 1 })
    expect(tasks.badkey?.error?.message).toMatch(/HTTP 403/)
    expect(tasks.badkey?.error?.message).toContain('InvalidAccessKeyId')
    expect(tasks.badkey?.error?.message).not.toContain('S3RVER')
  })

  it('is a serialisable description without secrets, and rejects bad options', () => {
    const t = s3('d', { operation: 'upload', key: 'k', localPath: '/tmp/x' })
    expect(JSON.stringify(t.options)).not.toContain('S3RVER')
    const again = taskFromDescription({ name: 'd', type: 's3', options: t.options ?? {} })
    expect(again.options).toEqual(t.options)
    expect(() => s3('x', { operation: 'move' as never })).toThrow(/operation must be/)
    expect(() => s3('x', { operation: 'upload', key: 'k' })).toThrow(/upload needs localPath/)
    expect(() => s3('x', { operation: 'list', secretAccessKeyEnv: undefined })).toThrow(/both/)
  })
})
