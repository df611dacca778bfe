/**
 * The S3 stager on AWS SDK v3 against s3rver, a local S3-compatible server started on loopback
 * (no mock of S3). A load whose COPY fails (Dremio unreachable: nothing listens on the port)
 * must leave no staged object behind.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { tableFromArrays } from 'apache-arrow'
import S3rver from 's3rver'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DremioClient } from '../../src/client.js'
import { insertRows } from '../../src/loading/load-table.js'
import { createS3Stager } from '../../src/loading/s3-stager.js'

let server: S3rver
let dir: string
let config: Record<string, unknown>
let s3: S3Client

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'df-s3rver-'))
  server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: dir,
    configureBuckets: [{ name: 'lake' }],
  })
  const { port } = await server.run()
  config = {
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    // s3rver predates the SDK's default CRC32 trailers; plain PUTs are what it understands.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  }
  s3 = new S3Client(config)
}, 60_000)

afterAll(async () => {
  s3?.destroy()
  await server?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function keys(prefix = ''): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'lake', Prefix: prefix }))
  return (listed.Contents ?? []).map((o) => o.Key ?? '').sort()
}

/** A loopback port nothing listens on: connecting is refused at once. */
async function closedPort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
  const { port } = probe.address() as { port: number }
  await new Promise<void>((r) => probe.close(() => r()))
  return port
}

describe('createS3Stager', () => {
  it('uploads files under a per-load prefix and removes them all', async () => {
    const stager = createS3Stager({ bucket: 'lake', source: 's3', clientConfig: config })
    expect(stager.description).toBe('s3://lake/_df_staging')
    const area = await stager.open('load-a')
    expect(area.location).toBe('@s3/lake/_df_staging/load-a')
    await area.put('part-00000.parquet', new Uint8Array([1, 2, 3]))
    await area.put('part-00001.parquet', new Uint8Array([4]))
    expect(await keys('_df_staging/')).toEqual([
      '_df_staging/load-a/part-00000.parquet',
      '_df_staging/load-a/part-00001.parquet',
    ])
    const got = await s3.send(
      new GetObjectCommand({ Bucket: 'lake', Key: '_df_staging/load-a/part-00000.parquet' }),
    )
    expect([...(await got.Body!.transformToByteArray())]).toEqual([1, 2, 3])
    await area.remove()
    await area.remove()
    expect(await keys('_df_staging/')).toEqual([])
  })

  it('addresses a bucket-rooted source without the bucket, with a custom prefix', async () => {
    const stager = createS3Stager({
      bucket: 'lake',
      source: 'bucket_source',
      prefix: 'tmp/loads/',
      bucketInLocation: false,
      client: s3,
    })
    const area = await stager.open('x')
    expect(area.location).toBe('@bucket_source/tmp/loads/x')
    await area.put('f.parquet', new Uint8Array([9]))
    await area.remove()
    expect(await keys('tmp/')).toEqual([])
  })

  it('removes the staged objects when the COPY fails', async () => {
    const client = new DremioClient({
      url: `http://127.0.0.1:${await closedPort()}`,
      pat: 'token',
      retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2 },
    })
    const stager = createS3Stager({ bucket: 'lake', source: 's3', clientConfig: config })
    const table = tableFromArrays({ id: Int32Array.from({ length: 1000 }, (_, i) => i) })
    const error = await insertRows(client, 's3.lake.t', table, { method: 'staging', stager }).catch(
      (e: unknown) => e,
    )
    expect(error).toMatchObject({
      reason: 'DF_LOAD_STATEMENT_FAILED',
      code: 'DF_DREMIO_CONNECTION',
    })
    expect((error as Error).message).toMatch(/COPY INTO from @s3\/lake\/_df_staging\/.+ failed/)
    expect(await keys()).toEqual([])
    await client.close()
  })

  it('says to install @aws-sdk/client-s3 when the SDK is missing', async () => {
    const stager = createS3Stager({
      bucket: 'lake',
      source: 's3',
      sdkModule: '@aws-sdk/client-s3-not-installed',
    })
    await expect(stager.open('x')).rejects.toMatchObject({
      reason: 'DF_LOAD_DEPENDENCY_MISSING',
      code: 'DF_DREMIO_CONFIG',
      message: expect.stringMatching(/install @aws-sdk\/client-s3-not-installed/),
    })
  })
})
