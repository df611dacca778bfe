/**
 * `S3Task` (type `s3`): upload, download, copy, delete or list objects with the AWS SDK v3
 * (`@aws-sdk/client-s3`, an optional peer dependency loaded when the task runs). `endpoint` and
 * `forcePathStyle` address S3-compatible stores (MinIO, Ceph, s3rver). Credentials come from
 * environment variables NAMED in the options, or from the SDK's default chain; keys are never
 * stored in the options. Uploads are one PutObject (up to 5 GB); downloads stream to a temporary
 * file renamed into place, so a failed download never leaves a partial file.
 */
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { JsonObject, JsonValue } from '@df/orchestration'
import { renderTemplate, Task, type TaskContext } from '@df/orchestration'
import { type BaseTaskOptions, checkPlaceholders, taskInvalid } from '../internal/task-support.js'
import { checkEnvName, importOptional, secretFromEnv, taskFailed } from './internal/support.js'

/** What an {@link S3Task} does. */
export type S3Operation = 'upload' | 'download' | 'copy' | 'delete' | 'list'

/** Options of {@link S3Task}. `key`, `keys`, `prefix`, `localPath` and `sourceKey` are templated. */
export interface S3TaskOptions extends BaseTaskOptions {
  readonly operation: S3Operation
  readonly bucket: string
  /** upload, download, copy (destination), delete. */
  readonly key?: string
  /** delete: several keys. */
  readonly keys?: readonly string[]
  /** upload (source) and download (destination) file. */
  readonly localPath?: string
  /** copy: the source. @default sourceBucket = bucket */
  readonly sourceBucket?: string
  readonly sourceKey?: string
  /** list: key prefix. */
  readonly prefix?: string
  /** list: at most this many keys (1-10,000). @default 1000 */
  readonly maxKeys?: number
  /** upload: the object's content type. */
  readonly contentType?: string
  /** @default 'us-east-1' */
  readonly region?: string
  /** An S3-compatible endpoint, e.g. `http://127.0.0.1:9000`. */
  readonly endpoint?: string
  /** Path-style URLs (`endpoint/bucket/key`), needed by most S3-compatible stores. */
  readonly forcePathStyle?: boolean
  /** NAMES of the environment variables with the credentials (else the SDK's default chain). */
  readonly accessKeyIdEnv?: string
  readonly secretAccessKeyEnv?: string
  readonly sessionTokenEnv?: string
}

const OPERATIONS: readonly S3Operation[] = ['upload', 'download', 'copy', 'delete', 'list']

type S3Module = Record<string, new (input: object) => object> & {
  S3Client: new (
    config: object,
  ) => {
    send(command: object, options?: { abortSignal?: AbortSignal }): Promise<Record<string, unknown>>
    destroy(): void
  }
}

/**
 * An S3 operation as a task.
 *
 * @example
 * new S3Task({ name: 'publish', operation: 'upload', bucket: 'reports',
 *   key: 'daily/{{ ds }}.csv', localPath: '/data/out/{{ ds }}.csv',
 *   accessKeyIdEnv: 'REPORTS_KEY_ID', secretAccessKeyEnv: 'REPORTS_SECRET' })
 */
export class S3Task extends Task {
  static readonly TYPE = 's3'

  /** @throws OrchestrationError `DF_TASK_INVALID` for bad options. */
  constructor(options: S3TaskOptions) {
    const {
      operation,
      bucket,
      key,
      keys,
      localPath,
      sourceBucket,
      sourceKey,
      prefix,
      maxKeys,
      contentType,
      region,
      endpoint,
      forcePathStyle,
      accessKeyIdEnv,
      secretAccessKeyEnv,
      sessionTokenEnv,
      ...taskOptions
    } = options
    const name = String(taskOptions.name)
    if (!OPERATIONS.includes(operation)) {
      throw taskInvalid(
        name,
        `operation must be one of ${OPERATIONS.join(', ')}, got ${JSON.stringify(operation)}`,
      )
    }
    const str = (what: string, v: unknown, required: boolean): string | undefined => {
      if (v === undefined && !required) return undefined
      if (typeof v !== 'string' || v === '')
        throw taskInvalid(name, `${operation} needs ${what} (a non-empty string)`)
      checkPlaceholders(name, what, v)
      return v
    }
    const stored: JsonObject = { operation, bucket: str('bucket', bucket, true) as string }
    const put = (k: string, v: JsonValue | undefined) => {
      if (v !== undefined) stored[k] = v
    }
    const needsKey = operation === 'upload' || operation === 'download' || operation === 'copy'
    put('key', str('key', key, needsKey || (operation === 'delete' && keys === undefined)))
    put(
      'localPath',
      str('localPath', localPath, operation === 'upload' || operation === 'download'),
    )
    if (operation === 'copy') {
      put('sourceBucket', str('sourceBucket', sourceBucket, false))
      put('sourceKey', str('sourceKey', sourceKey, true))
    }
    if (keys !== undefined) {
      if (!Array.isArray(keys) || keys.length === 0 || keys.length > 1000) {
        throw taskInvalid(name, 'keys must be an array of 1 to 1000 keys')
      }
      for (const k of keys) str('keys[]', k, true)
      stored.keys = [...keys]
    }
    put('prefix', str('prefix', prefix, false))
    if (maxKeys !== undefined && (!Number.isInteger(maxKeys) || maxKeys < 1 || maxKeys > 10_000)) {
      throw taskInvalid(name, 'maxKeys must be an integer from 1 to 10000')
    }
    if (operation === 'list') stored.maxKeys = maxKeys ?? 1000
    put('contentType', str('contentType', contentType, false))
    stored.region = str('region', region, false) ?? 'us-east-1'
    if (endpoint !== undefined) {
      try {
        new URL(endpoint)
      } catch {
        throw taskInvalid(name, `endpoint is not a URL: ${JSON.stringify(endpoint)}`)
      }
      stored.endpoint = endpoint
    }
    if (forcePathStyle === true) stored.forcePathStyle = true
    put('accessKeyIdEnv', checkEnvName(name, 'accessKeyIdEnv', accessKeyIdEnv))
    put('secretAccessKeyEnv', checkEnvName(name, 'secretAccessKeyEnv', secretAccessKeyEnv))
    put('sessionTokenEnv', checkEnvName(name, 'sessionTokenEnv', sessionTokenEnv))
    if ((accessKeyIdEnv === undefined) !== (secretAccessKeyEnv === undefined)) {
      throw taskInvalid(name, 'give both accessKeyIdEnv and secretAccessKeyEnv, or neither')
    }
    super({ ...taskOptions, type: S3Task.TYPE, options: stored, run: (ctx) => runS3(ctx, stored) })
  }
}

async function runS3(ctx: TaskContext, o: JsonObject): Promise<JsonObject> {
  const task = ctx.taskId
  const t = (k: string) => (o[k] === undefined ? undefined : renderTemplate(o[k] as string, ctx))
  // The SDK's own notice about future Node versions ("NodeVersionSupportWarning … node >=22")
  // is printed on stderr of every CLI run that uses S3: off unless the user set the variable.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  const sdk = await importOptional<S3Module>('@aws-sdk/client-s3', task)
  const config: Record<string, unknown> = { region: o.region }
  if (o.endpoint !== undefined) {
    config.endpoint = o.endpoint
    // S3-compatible stores often lack the SDK's newer default checksums (aws-chunked uploads).
    config.requestChecksumCalculation = 'WHEN_REQUIRED'
    config.responseChecksumValidation = 'WHEN_REQUIRED'
  }
  if (o.forcePathStyle === true) config.forcePathStyle = true
  if (o.accessKeyIdEnv !== undefined) {
    config.credentials = {
      accessKeyId: secretFromEnv(task, 'the S3 access key id', o.accessKeyIdEnv as string),
      secretAccessKey: secretFromEnv(task, 'the S3 secret key', o.secretAccessKeyEnv as string),
      ...(o.sessionTokenEnv !== undefined
        ? { sessionToken: secretFromEnv(task, 'the S3 session token', o.sessionTokenEnv as string) }
        : {}),
    }
  }
  const client = new sdk.S3Client(config)
  const bucket = t('bucket') as string
  const send = async (command: string, input: object): Promise<Record<string, unknown>> => {
    const Cmd = sdk[command] as new (input: object) => object
    try {
      return await client.send(new Cmd(input), { abortSignal: ctx.signal })
    } catch (error) {
      if (ctx.signal.aborted) throw ctx.signal.reason
      const e = error as {
        name?: string
        message?: string
        $metadata?: { httpStatusCode?: number }
      }
      const status = e.$metadata?.httpStatusCode
      throw taskFailed(
        task,
        `S3 ${command.replace(/Command$/, '')} on bucket '${bucket}' failed: ${e.name ?? 'Error'}: ${e.message ?? String(error)}${status ? ` (HTTP ${status})` : ''}`,
        {
          cause: error,
          retryable: status === undefined || status >= 500 || status === 429,
        },
      )
    }
  }
  try {
    switch (o.operation as S3Operation) {
      case 'upload': {
        const path = resolve(t('localPath') as string)
        const key = t('key') as string
        const size = (await stat(path)).size
        const out = await send('PutObjectCommand', {
          Bucket: bucket,
          Key: key,
          Body: createReadStream(path),
          ContentLength: size,
          ...(o.contentType !== undefined ? { ContentType: o.contentType } : {}),
        })
        ctx.log.info(`Uploaded ${path} (${size} bytes) to s3://${bucket}/${key}.`)
        return { bucket, key, size, ...(typeof out.ETag === 'string' ? { etag: out.ETag } : {}) }
      }
      case 'download': {
        const path = resolve(t('localPath') as string)
        const key = t('key') as string
        const out = await send('GetObjectCommand', { Bucket: bucket, Key: key })
        await mkdir(dirname(path), { recursive: true })
        const partial = `${path}.df-partial-${process.pid}`
        try {
          await pipeline(out.Body as Readable, createWriteStream(partial), { signal: ctx.signal })
          await rename(partial, path)
        } catch (error) {
          await rm(partial, { force: true })
          throw error
        }
        const size = (await stat(path)).size
        ctx.log.info(`Downloaded s3://${bucket}/${key} (${size} bytes) to ${path}.`)
        return { bucket, key, path, size }
      }
      case 'copy': {
        const from = (t('sourceBucket') ?? bucket) as string
        const sourceKey = t('sourceKey') as string
        const key = t('key') as string
        const encoded = sourceKey.split('/').map(encodeURIComponent).join('/')
        await send('CopyObjectCommand', {
          Bucket: bucket,
          Key: key,
          CopySource: `${from}/${encoded}`,
        })
        ctx.log.info(`Copied s3://${from}/${sourceKey} to s3://${bucket}/${key}.`)
        return { bucket, key, sourceBucket: from, sourceKey }
      }
      case 'delete': {
        const keys =
          o.keys !== undefined
            ? (o.keys as string[]).map((k) => renderTemplate(k, ctx))
            : [t('key') as string]
        for (const key of keys) await send('DeleteObjectCommand', { Bucket: bucket, Key: key })
        ctx.log.info(`Deleted ${keys.length} object(s) from s3://${bucket}.`)
        return { bucket, deleted: keys }
      }
      case 'list': {
        const prefix = t('prefix')
        const max = o.maxKeys as number
        const objects: JsonObject[] = []
        let token: string | undefined
        let truncated = false
        do {
          const page = await send('ListObjectsV2Command', {
            Bucket: bucket,
            ...(prefix !== undefined ? { Prefix: prefix } : {}),
            MaxKeys: Math.min(1000, max - objects.length),
            ...(token !== undefined ? { ContinuationToken: token } : {}),
          })
          for (const c of (page.Contents as Record<string, unknown>[] | undefined) ?? []) {
            objects.push({
              key: String(c.Key),
              size: Number(c.Size ?? 0),
              ...(c.LastModified instanceof Date
                ? { lastModified: c.LastModified.toISOString() }
                : {}),
            })
          }
          token =
            page.IsTruncated === true
              ? (page.NextContinuationToken as string | undefined)
              : undefined
          truncated = token !== undefined && objects.length >= max
        } while (token !== undefined && objects.length < max)
        return { bucket, ...(prefix !== undefined ? { prefix } : {}), objects, truncated }
      }
    }
  } finally {
    client.destroy()
  }
}
