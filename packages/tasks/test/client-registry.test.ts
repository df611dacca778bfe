import { DremioClient } from '@df/client'
import { describe, expect, it } from 'vitest'
import * as first from '../src/client-registry.js'

describe('the Dremio client registry', () => {
  it('is shared by every copy of the package loaded in the process', async () => {
    // The query string loads a second, separate instance of the module (as a bundled CLI and the
    // pipeline module it imports would each have their own copy).
    const second = (await import(
      /* @vite-ignore */ `../src/client-registry.js?copy=${Date.now()}`
    )) as typeof first
    expect(second.registerDremioClient).not.toBe(first.registerDremioClient)
    const client = new DremioClient({ url: 'http://127.0.0.1:9047', pat: 'x' })
    const unregister = first.registerDremioClient('shared-copy', client)
    try {
      expect(second.resolveDremioClient('shared-copy')).toBe(client)
    } finally {
      unregister()
      await client.close()
    }
    expect(() => second.resolveDremioClient('shared-copy')).toThrow(/No Dremio client/)
  })
})
