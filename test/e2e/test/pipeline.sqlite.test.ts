import { join } from 'node:path'
import { tempDir } from './helpers.js'
import { describePipelineCycle } from './pipeline-cycle.js'

describePipelineCycle('SQLite (sqlite:////abs/path.db)', async () => {
  const { dir, remove } = tempDir('sqlite')
  return { url: `sqlite:///${join(dir, 'runs.db')}`, drop: async () => remove() }
})
