import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { PAT } from './helpers.js'

const packageDir = fileURLToPath(new URL('..', import.meta.url))

/** Runs the bin from source (tsx, source condition), as `pnpm dremio-emulator` would after a build. */
function spawnCli(args: string[]) {
  return spawn(
    process.execPath,
    ['--conditions=@df/source', '--import', 'tsx', 'src/cli.ts', ...args],
    {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
}

describe('dremio-emulator bin', () => {
  it('prints URL and credentials, answers requests and exits 0 on SIGTERM', async () => {
    const child = spawnCli(['--port', '0', '--job-latency', '0', '--flight-port', '0'])
    let out = ''
    child.stdout.setEncoding('utf8')
    const started = new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        out += chunk
        const match = /listening on (http:\/\/[^\s]+)/.exec(out)
        if (match !== null && out.includes('PAT:')) resolve(match[1] as string)
      })
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)))
    })
    try {
      const url = await started
      expect(out).toContain('user: dremio  password: dremio123')
      expect(out).toContain(`PAT:  ${PAT}`)
      expect(out).toMatch(/Flight: grpc:\/\/127\.0\.0\.1:\d+/)
      const answer = await fetch(`${url}/api/v3/catalog`, {
        headers: { authorization: `Bearer ${PAT}` },
      })
      expect(answer.status).toBe(200)
      child.kill('SIGTERM')
      const [code] = await once(child, 'exit')
      expect(code).toBe(0)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  }, 60_000)

  it('rejects an unknown option with exit code 2 and the usage', async () => {
    const child = spawnCli(['--bogus', 'x'])
    let err = ''
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => {
      err += chunk
    })
    const [code] = await once(child, 'exit')
    expect(code).toBe(2)
    expect(err).toContain('unknown option --bogus')
    expect(err).toContain('Usage: dremio-emulator')
  }, 60_000)
})
