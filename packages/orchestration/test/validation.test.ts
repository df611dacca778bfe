import { describe, expect, it } from 'vitest'
import {
  createMemoryBackend,
  OrchestrationError,
  Pipeline,
  renderTemplate,
  Task,
  type TaskOptions,
  task,
} from '../src/index.js'

const t = (name: string, extra: Partial<TaskOptions> = {}) =>
  new Task({ name, run: () => name, ...extra })

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    return OrchestrationError.is(error) ? error.code : 'not an OrchestrationError'
  }
  return undefined
}

describe('validation before anything runs or is stored', () => {
  it('names the cycle and stores nothing', async () => {
    const a = t('a')
    const b = t('b')
    const c = t('c')
    const lone = t('lone')
    a.setDownstream(b).setDownstream(c).setDownstream(a)
    const backend = createMemoryBackend()
    const p = new Pipeline('cyclic', { backend }).addTask(lone, a, b, c)
    await expect(p.run()).rejects.toMatchObject({
      code: 'DF_PIPELINE_INVALID',
      message: expect.stringContaining('cycle: a → b → c → a'),
    })
    expect((await backend.listRuns({})).items).toEqual([])
    expect(await backend.getPipeline('cyclic')).toBeUndefined()
  })

  it('rejects edges to tasks outside the pipeline and duplicate names', async () => {
    const a = t('a')
    a.setDownstream(t('elsewhere'))
    await expect(new Pipeline('outside').addTask(a).run()).rejects.toMatchObject({
      code: 'DF_PIPELINE_INVALID',
      message: expect.stringContaining("'elsewhere' depends on 'a' but is not in this pipeline"),
    })
    const p = new Pipeline('dup').addTask(t('x'))
    expect(codeOf(() => p.addTask(t('x')))).toBe('DF_PIPELINE_INVALID')
    expect(codeOf(() => a.setDownstream(a))).toBe('DF_TASK_INVALID')
  })

  it('rejects unknown trigger rules and bad retry, timeout and pool values', () => {
    expect(codeOf(() => t('r', { triggerRule: 'none_failed_or_skipped' as never }))).toBe(
      'DF_TASK_INVALID',
    )
    expect(codeOf(() => t('r', { retries: -1 }))).toBe('DF_TASK_INVALID')
    expect(codeOf(() => t('r', { retries: 1.5 }))).toBe('DF_TASK_INVALID')
    expect(codeOf(() => t('r', { retryDelay: Number.NaN }))).toBe('DF_TASK_INVALID')
    expect(codeOf(() => t('r', { retryBackoff: 'linear' as never }))).toBe('DF_TASK_INVALID')
    expect(codeOf(() => t('r', { retryMultiplier: 0.5 }))).toBe('DF_TASK_INVALID')
    expect(codeOf(() => t('r', { retryJitter: 2 }))).toBe('DF_TASK_INVALID')
    expect(codeOf(() => t('r', { maxRetryDelay: -5 }))).toBe('DF_TASK_INVALID')
    expect(codeOf(() => t('r', { timeoutMs: 0 }))).toBe('DF_TASK_INVALID')
    expect(codeOf(() => t('a/b'))).toBe('DF_TASK_INVALID')
    expect(codeOf(() => t(''))).toBe('DF_TASK_INVALID')
    expect(codeOf(() => new Pipeline('p', { maxWorkers: 0 }))).toBe('DF_OPTION_INVALID')
    expect(codeOf(() => new Pipeline('p', { maxActiveRuns: 1.5 }))).toBe('DF_OPTION_INVALID')
    expect(
      codeOf(() => new Pipeline('p').addTask(t('q', { pool: 'undefined-pool' })).validate()),
    ).toBe('DF_PIPELINE_INVALID')
  })

  it('stores the definition (putPipeline) with a hash that changes with the DAG', async () => {
    const backend = createMemoryBackend()
    const a = t('a', { retries: 2, timeoutMs: 1000 })
    const b = t('b', { triggerRule: 'all_done' })
    a.setDownstream(b)
    const p = new Pipeline('stored', { backend, maxWorkers: 3 }).addTask(a, b)
    const run = await p.run()
    const stored = await backend.getPipeline('stored')
    expect(stored?.tasks).toEqual([
      {
        name: 'a',
        type: 'function',
        upstream: [],
        triggerRule: 'all_success',
        retries: 2,
        timeoutMs: 1000,
      },
      { name: 'b', type: 'function', upstream: ['a'], triggerRule: 'all_done', retries: 0 },
    ])
    expect(stored?.options).toMatchObject({ maxWorkers: 3 })
    expect(run.definitionHash).toBe(stored?.definitionHash)
    p.addTask(t('c'))
    await p.run()
    expect((await backend.getPipeline('stored'))?.definitionHash).not.toBe(run.definitionHash)
  })
})

describe('task() factory', () => {
  it('gives fan-out calls distinct names and rejects duplicate explicit names', async () => {
    const extract = task({ name: 'extract', retries: 1 }, async (_ctx, table: string) => ({
      table,
    }))
    const users = extract('users')
    const orders = extract('orders')
    const again = extract('users')
    expect([users.name, orders.name, again.name]).toEqual([
      'extract_users',
      'extract_orders',
      'extract_users__2',
    ])
    expect(users.retry.retries).toBe(1)
    const named = extract.named('load_products')('products')
    expect(named.name).toBe('load_products')
    expect(codeOf(() => extract.named('load_products'))).toBe('DF_TASK_INVALID')
    const consolidate = task(function consolidate(ctx) {
      return [ctx.get('extract_users'), ctx.get('extract_orders')]
    })()
    consolidate.setUpstream([users, orders])
    const run = await new Pipeline('fanout').addTask(users, orders, consolidate).run()
    expect(run.tasks.consolidate?.result).toEqual([{ table: 'users' }, { table: 'orders' }])
    expect(codeOf(() => task({}, (() => 1) as never))).toBe('DF_TASK_INVALID') // anonymous, no name
    expect(codeOf(() => task({}, undefined as never))).toBe('DF_TASK_INVALID')
  })
})

describe('results and templates', () => {
  it('caps results and rejects non-JSON values with an error that says to pass references', async () => {
    const big = t('big', { run: () => 'x'.repeat(2000) })
    const map = t('map', { run: () => ({ rows: new Map() }) })
    const fine = t('fine', { run: () => ({ table: 'warehouse.orders', n: 3, skip: undefined }) })
    const run = await new Pipeline('results', { maxResultBytes: 1000 })
      .addTask(big, map, fine)
      .run()
    expect(run.tasks.big?.state).toBe('FAILED')
    expect(run.tasks.big?.error).toMatchObject({ code: 'DF_RESULT_INVALID' })
    expect(run.tasks.big?.error?.message).toContain('return a reference')
    expect(run.tasks.map?.error?.message).toContain('$.rows is a Map')
    expect(run.tasks.fine?.result).toEqual({ table: 'warehouse.orders', n: 3 })
  })

  it('renders {{ ds }}, {{ ds_nodash }}, {{ ts }}, {{ run_id }} and {{ params.NAME }}', async () => {
    const ctx = {
      logicalDate: '2026-11-27T08:30:00.000Z',
      runId: 'r1',
      params: { table: 'sales', n: 3, nested: { a: 'b' } },
    }
    expect(
      renderTemplate(
        "SELECT * FROM {{ params.table }} WHERE d = '{{ ds }}' AND k = '{{ds_nodash}}' AND t = '{{ ts }}' -- {{ run_id }} {{ params.n }} {{ params.nested.a }}",
        ctx,
      ),
    ).toBe(
      "SELECT * FROM sales WHERE d = '2026-11-27' AND k = '20261127' AND t = '2026-11-27T08:30:00.000Z' -- r1 3 b",
    )
    expect(() => renderTemplate('{{ yesterday_ds }}', ctx)).toThrow(
      /unknown placeholder '\{\{ yesterday_ds \}\}'/,
    )
    expect(() => renderTemplate('{{ params.missing }}', ctx)).toThrowError(
      expect.objectContaining({ code: 'DF_TEMPLATE_INVALID' }),
    )
    // From a task: the run's logical date and params.
    const sql = t('sql', {
      run: (c) =>
        renderTemplate("DELETE FROM t WHERE day = '{{ ds }}' AND r = '{{ params.region }}'", c),
    })
    const run = await new Pipeline('tpl')
      .addTask(sql)
      .run({ logicalDate: '2026-01-02T00:00:00Z', params: { region: 'eu' } })
    expect(run.tasks.sql?.result).toBe("DELETE FROM t WHERE day = '2026-01-02' AND r = 'eu'")
    await expect(new Pipeline('bad-date').run({ logicalDate: 'yesterday' })).rejects.toMatchObject({
      code: 'DF_OPTION_INVALID',
    })
  })
})
