/**
 * `pnpm add @df/cli` stays small: a user's project installs the packed CLI (and
 * `@df/orchestration`, which pipeline modules import) without its optional peers. The bin runs
 * a pipeline on the default SQLite backend; PostgreSQL, MySQL and the emulator say how to
 * install them. DuckDB and the database drivers are not installed.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { matching, runIn, type TempProject, tempProject } from './helpers.js'

const PIPELINE = `import { type Backend, Pipeline, Task } from '@df/orchestration'

export default ({ backend }: { backend: Backend }) => {
  const one = new Task({ name: 'one', run: () => ({ value: 1 }) })
  const two = new Task({ name: 'two', run: (ctx) => ({ value: ctx.get<{ value: number }>('one').value + 1 }) })
  one.setDownstream(two)
  return new Pipeline('packed_cli', { backend }).addTask(one, two)
}
`

describe('the packed @df/cli without its optional peers', () => {
  const tarballs = inject('tarballs')
  let project: TempProject
  const cli = (...args: string[]) =>
    runIn(project, join(project.dir, 'node_modules/.bin/dremio-cli'), args)

  beforeAll(() => {
    project = tempProject(
      'cli-install',
      {
        name: 'cli-user',
        private: true,
        type: 'module',
        dependencies: {
          '@df/cli': `file:${tarballs['@df/cli']}`,
          '@df/orchestration': `file:${tarballs['@df/orchestration']}`,
        },
      },
      tarballs,
    )
    writeFileSync(join(project.dir, 'pipeline.ts'), PIPELINE)
    project.install()
  })
  afterAll(() => project?.remove())

  it('installs no DuckDB, no database driver, no Redis client and none of the optional peers', () => {
    const installed = project.installed()
    expect(
      matching(
        installed,
        /^(@duckdb\+|pg@|mysql2@|bullmq@|ioredis@|@df\+(emulator|backend-postgres|backend-mysql|executor-bullmq)@)/,
      ),
    ).toEqual([])
    // The default backend URL is SQLite: @df/backend-sqlite (better-sqlite3) is a dependency.
    expect(matching(installed, /^@df\+backend-sqlite@/)).toHaveLength(1)
    expect(matching(installed, /^better-sqlite3@/)).toHaveLength(1)
  })

  it('runs a TypeScript pipeline on the default SQLite backend and lists it', () => {
    const run = cli('pipeline', 'run', 'pipeline.ts')
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/SUCCESS: 2 tasks: 2 succeeded/)
    const list = cli('pipeline', 'list', '--json')
    expect(list.status, list.stderr).toBe(0)
    const runs = JSON.parse(list.stdout) as { pipelineId: string; status: string }[]
    expect(runs.map((r) => [r.pipelineId, r.status])).toEqual([['packed_cli', 'SUCCESS']])
  })

  it.each([
    ['pipeline list --backend-url postgresql://df@127.0.0.1:5432/test', '@df/backend-postgres'],
    ['pipeline list --backend-url mysql://df@127.0.0.1:3306/test', '@df/backend-mysql'],
    ['emulator start --port 0', '@df/emulator'],
    ['worker --redis-url redis://127.0.0.1:6379 --pipelines pipeline.ts', '@df/executor-bullmq'],
    [
      'pipeline run pipeline.ts --executor bullmq --redis-url redis://127.0.0.1:6379',
      '@df/executor-bullmq',
    ],
  ])('%s: one line saying how to install %s, exit 1', (args, name) => {
    const out = cli(...args.split(' '))
    expect(out.status).toBe(1)
    expect(out.stderr).toBe(`[@df/cli] Cannot import ${name}. Install it with: pnpm add ${name}\n`)
  })
})
