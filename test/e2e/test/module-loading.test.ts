/**
 * Pipeline modules load in any folder (issue 15, item 1): `.ts`, `.mts`, `.js`, `.mjs`, in a
 * folder without a package.json, with one that has no `type` (what `npm init` writes), with
 * `"type": "commonjs"` and with `"type": "module"`. A module that throws on import, does not
 * compile, or exports no pipeline gets one clear line and exit 1.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cleanEnv, ROOT, runCliProcess, tempDir } from './helpers.js'

const PIPELINE = (name: string, ts: boolean) => `import { Pipeline, Task } from '@df/orchestration'
const answer${ts ? ': number' : ''} = await Promise.resolve(42)
export default (ctx${ts ? ': { backend: import("@df/orchestration").Backend }' : ''}) =>
  new Pipeline('${name}', { backend: ctx.backend }).addTask(new Task({ name: 'step', run: () => ({ answer }) }))
`

const FOLDERS = {
  'no-package-json': undefined,
  'package-json-without-type': { name: 'daily', version: '1.0.0' },
  'type-commonjs': { name: 'daily', type: 'commonjs' },
  'type-module': { name: 'daily', type: 'module' },
} as const

describe('pipeline modules in any folder', () => {
  let tmp: ReturnType<typeof tempDir>
  const env = cleanEnv()
  beforeAll(() => {
    // Under the OS temp directory: no package.json above it.
    tmp = tempDir('modules')
    for (const [folder, pkg] of Object.entries(FOLDERS)) {
      const dir = join(tmp.dir, folder)
      mkdirSync(join(dir, 'node_modules', '@df'), { recursive: true })
      // What `npm install @df/orchestration` gives the folder.
      symlinkSync(
        join(ROOT, 'packages/orchestration'),
        join(dir, 'node_modules/@df/orchestration'),
        'dir',
      )
      if (pkg) writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg))
      for (const ext of ['ts', 'mts', 'js', 'mjs']) {
        writeFileSync(join(dir, `daily.${ext}`), PIPELINE(`daily_${ext}`, ext.endsWith('ts')))
      }
      writeFileSync(join(dir, 'throws.ts'), "throw new Error('no warehouse configured')\n")
      writeFileSync(join(dir, 'broken.ts'), 'export const x: number = \n')
      writeFileSync(join(dir, 'nothing.ts'), 'export const x: number = 1\n')
    }
  })
  afterAll(() => tmp?.remove())

  for (const folder of Object.keys(FOLDERS)) {
    for (const ext of ['ts', 'mts', 'js', 'mjs']) {
      it(`loads daily.${ext} in a folder with ${folder}`, async () => {
        const cwd = join(tmp.dir, folder)
        const r = await runCliProcess(
          ['pipeline', 'run', `daily.${ext}`, '--backend-url', 'sqlite::memory:'],
          { env, cwd },
        )
        expect(r.stderr).toBe('')
        expect(r.code).toBe(0)
        expect(r.stdout).toContain(`run`)
        expect(r.stdout).toMatch(/step SUCCESS/)
      })
    }
  }

  it('says in one line when a module throws, does not compile, or exports no pipeline', async () => {
    const cwd = join(tmp.dir, 'package-json-without-type')
    const run = (file: string) =>
      runCliProcess(['pipeline', 'run', file, '--backend-url', 'sqlite::memory:'], { env, cwd })
    const throws = await run('throws.ts')
    expect(throws.code).toBe(1)
    expect(throws.stderr).toBe('[@df/cli] Cannot load throws.ts: no warehouse configured\n')
    const broken = await run('broken.ts')
    expect(broken.code).toBe(1)
    expect(broken.stderr).toMatch(
      /^\[@df\/cli\] Cannot load broken\.ts: .*broken\.ts:2:\d+: ERROR: /,
    )
    expect(broken.stderr.trim().split('\n')).toHaveLength(1)
    const nothing = await run('nothing.ts')
    expect(nothing.code).toBe(1)
    expect(nothing.stderr).toBe(
      '[@df/cli] nothing.ts exports no pipeline: export a Pipeline, an array of them, or a default function (ctx) => Pipeline.\n',
    )
  })
})
