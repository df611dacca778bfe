/**
 * The AWS SDK prints a Node-version notice ("NodeVersionSupportWarning … will require node >=22")
 * on its first client; S3Task silences it (issue 15, item 11). Its own file: the SDK emits the
 * notice once per process, so no other S3 test may run first in this worker.
 */
import { Pipeline } from '@df/orchestration'
import { afterAll, describe, expect, it } from 'vitest'
import { S3Task } from '../../src/general/s3-task.js'

describe('S3Task and the AWS SDK Node-version notice', () => {
  const warnings: string[] = []
  const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`)
  process.on('warning', onWarning)
  afterAll(() => {
    process.off('warning', onWarning)
  })

  it('prints no NodeVersionSupportWarning', async () => {
    process.env.DF_TEST_S3_KEY_ID = 'k'
    process.env.DF_TEST_S3_SECRET = 's'
    const task = new S3Task({
      name: 'list',
      operation: 'list',
      bucket: 'nowhere',
      // Nothing listens on port 9: the task fails, after the SDK client was built.
      endpoint: 'http://127.0.0.1:9',
      forcePathStyle: true,
      accessKeyIdEnv: 'DF_TEST_S3_KEY_ID',
      secretAccessKeyEnv: 'DF_TEST_S3_SECRET',
    })
    const p = new Pipeline('s3_warning').addTask(task)
    const run = await p.run()
    await p.close()
    expect(run.status).toBe('FAILED')
    await new Promise((resolve) => setImmediate(resolve))
    expect(warnings.filter((w) => /NodeVersionSupportWarning/.test(w))).toEqual([])
  })
})
