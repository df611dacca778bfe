/**
 * A stager for an S3 (or S3-compatible) Dremio source, on AWS SDK v3. `@aws-sdk/client-s3` is an
 * optional peer dependency, imported on first use: without it, `open()` throws
 * `DF_LOAD_DEPENDENCY_MISSING` saying to install it.
 */
import { DremioLoadError } from './load-error.js'
import type { Stager, StagingArea } from './stager.js'

/** The part of an `S3Client` the stager uses. */
export interface S3ClientLike {
  send(command: unknown): Promise<unknown>
  destroy?(): void
}

/** Options of {@link createS3Stager}. */
export interface S3StagerOptions {
  /** Bucket the staged files go to. */
  bucket: string
  /** The Dremio S3 source's name (the `s3` of `'@s3/bucket/…'`). */
  source: string
  /** Key prefix for staging areas. @default '_df_staging' */
  prefix?: string
  /**
   * Whether Dremio addresses objects as `@source/<bucket>/<key>` (an S3 source listing buckets,
   * the default) or as `@source/<key>` (a source whose root is the bucket). @default true
   */
  bucketInLocation?: boolean
  /** An existing `S3Client`; the stager never destroys it. */
  client?: S3ClientLike
  /** `new S3Client(config)` when `client` is not given (region, endpoint, credentials…). */
  clientConfig?: Record<string, unknown>
  /** Module to import the SDK from. @default '@aws-sdk/client-s3' */
  sdkModule?: string
}

interface S3Sdk {
  S3Client: new (config: Record<string, unknown>) => S3ClientLike
  PutObjectCommand: new (input: Record<string, unknown>) => unknown
  DeleteObjectCommand: new (input: Record<string, unknown>) => unknown
  ListObjectsV2Command: new (input: Record<string, unknown>) => unknown
}

/**
 * A stager writing to `s3://bucket/prefix/<loadId>/`.
 * @example
 * const stager = createS3Stager({ bucket: 'lake', source: 's3', clientConfig: { region: 'eu-west-1' } })
 * await client.insert('s3.lake.orders', table, { method: 'staging', stager })
 */
export function createS3Stager(options: S3StagerOptions): Stager {
  const prefix = (options.prefix ?? '_df_staging').replace(/\/+$/, '')
  const moduleName = options.sdkModule ?? '@aws-sdk/client-s3'
  let sdk: Promise<S3Sdk> | undefined
  const loadSdk = (): Promise<S3Sdk> => {
    sdk ??= (import(moduleName) as Promise<S3Sdk>).catch((cause: unknown) => {
      sdk = undefined
      throw new DremioLoadError(
        'DF_LOAD_DEPENDENCY_MISSING',
        `The S3 stager needs the AWS SDK: install ${moduleName} (npm install ${moduleName}).`,
        { cause },
      )
    })
    return sdk
  }
  return {
    description: `s3://${options.bucket}/${prefix}`,
    async open(loadId: string): Promise<StagingArea> {
      const mod = await loadSdk()
      const owned = options.client === undefined
      const s3 = options.client ?? new mod.S3Client(options.clientConfig ?? {})
      const keyPrefix = `${prefix}/${loadId}/`
      const put = new Set<string>()
      let removed = false
      const bucketPart = options.bucketInLocation === false ? '' : `${options.bucket}/`
      return {
        location: `@${options.source}/${bucketPart}${keyPrefix.slice(0, -1)}`,
        async put(name, bytes) {
          const Key = keyPrefix + name
          put.add(Key)
          await fail(
            () => s3.send(new mod.PutObjectCommand({ Bucket: options.bucket, Key, Body: bytes })),
            `upload s3://${options.bucket}/${Key}`,
          )
        },
        async remove() {
          if (removed) return
          try {
            // Delete what we put, plus anything a half-finished upload left under the prefix.
            const listed = (await fail(
              () =>
                s3.send(
                  new mod.ListObjectsV2Command({ Bucket: options.bucket, Prefix: keyPrefix }),
                ),
              `list s3://${options.bucket}/${keyPrefix}`,
            )) as { Contents?: { Key?: string }[] }
            for (const o of listed.Contents ?? []) if (o.Key) put.add(o.Key)
            for (const Key of put) {
              await fail(
                () => s3.send(new mod.DeleteObjectCommand({ Bucket: options.bucket, Key })),
                `delete s3://${options.bucket}/${Key}`,
              )
            }
            removed = true
          } finally {
            if (owned && removed) s3.destroy?.()
          }
        },
      }
    },
  }
}

async function fail<T>(fn: () => Promise<T>, what: string): Promise<T> {
  try {
    return await fn()
  } catch (cause) {
    throw new DremioLoadError('DF_LOAD_STAGING_FAILED', `Cannot ${what}.`, { cause })
  }
}
