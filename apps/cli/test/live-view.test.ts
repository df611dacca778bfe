import type { PipelineEvent, RunResult } from '@df/orchestration'
import { describe, expect, it } from 'vitest'
import { createRunView } from '../src/live-view.js'

const base = { pipelineId: 'p', runId: 'r1' } as const
const events: PipelineEvent[] = [
  { ...base, type: 'run', state: 'RUNNING', at: 1000, trigger: 'cli' },
  {
    ...base,
    type: 'task',
    taskId: 'extract',
    state: 'RUNNING',
    attempt: 1,
    at: 1000,
    attemptStartedAt: 1000,
  },
  {
    ...base,
    type: 'log',
    taskId: 'extract',
    attempt: 1,
    at: 1001,
    level: 'info',
    message: 'Dremio job j-1 submitted: SELECT 1',
  },
  {
    ...base,
    type: 'task',
    taskId: 'extract',
    state: 'SUCCESS',
    attempt: 1,
    at: 2500,
    durationMs: 1500,
  },
  {
    ...base,
    type: 'task',
    taskId: 'load',
    state: 'RUNNING',
    attempt: 1,
    at: 2500,
    attemptStartedAt: 2500,
  },
  {
    ...base,
    type: 'task',
    taskId: 'load',
    state: 'FAILED',
    attempt: 1,
    at: 2600,
    durationMs: 100,
    error: { message: 'table missing' },
  },
  {
    ...base,
    type: 'run',
    state: 'FAILED',
    at: 2600,
    trigger: 'cli',
    message: '1 task failed: load',
  },
]
const run = {
  id: 'r1',
  status: 'FAILED',
  startedAt: 1000,
  endedAt: 2600,
  message: '1 task failed: load',
  tasks: {
    extract: { taskId: 'extract', state: 'SUCCESS' },
    load: { taskId: 'load', state: 'FAILED', error: { message: 'table missing' } },
  },
} as unknown as RunResult

function capture(mode: 'tty' | 'plain' | 'json', columns?: number): string {
  let text = ''
  const out = { write: (s: string) => (text += s), ...(columns ? { columns } : {}) }
  const view = createRunView(mode, out, 'p', ['extract', 'load'], 'show {RUN}', () => 2000)
  for (const e of events) view.onEvent(e)
  view.finish(run)
  return text
}

describe('createRunView', () => {
  it('plain: one timestamped line per change, with durations, job log lines and errors', () => {
    const text = capture('plain')
    expect(text).toMatch(/\] extract RUNNING attempt 1\n/)
    expect(text).toMatch(/\] {3}extract \| Dremio job j-1 submitted: SELECT 1\n/)
    expect(text).toMatch(/\] extract SUCCESS in 1\.5s\n/)
    expect(text).toMatch(/\] load FAILED in 100ms error: table missing\n/)
    expect(text).toContain(
      'Run r1 FAILED in 1.6s: 1 task failed: load\n  load: table missing\nDetails: show r1\n',
    )
    expect(text).not.toContain('\x1b')
  })

  it('tty: redraws the block in place with a progress bar and job ids, cut to the terminal width', () => {
    const text = capture('tty', 60)
    const frames = text.split('\x1b[4F\x1b[0J')
    expect(frames.length).toBe(events.length + 1)
    const last = frames.at(-1) as string
    expect(last).toContain('[████████████████████████] 2/2 tasks  1.0s')
    expect(last).toMatch(/✔ SUCCESS\s+\S*\s+extract\s+1\.5s\s+job j-1/)
    expect(last).toMatch(/✖ FAILED\s+\S*\s+load\s+100ms/)
    const colour = new RegExp(`${'\x1b'}\\[[0-9;]*m`, 'g')
    for (const line of last.split('\n'))
      expect(line.replace(colour, '').length).toBeLessThanOrEqual(59)
  })

  it('json: every event as one JSON line', () => {
    const lines = capture('json').trim().split('\n')
    expect(lines.map((l) => JSON.parse(l))).toEqual(events)
  })
})

describe('createRunView in a short terminal', () => {
  it('elides tasks so the block never outgrows the screen, keeping the running one', () => {
    let text = ''
    const names = Array.from({ length: 30 }, (_, i) => `t${i}`)
    const view = createRunView(
      'tty',
      { write: (s: string) => (text += s), rows: 12 },
      'p',
      names,
      'x',
      () => 0,
    )
    view.onEvent({
      ...base,
      type: 'task',
      taskId: 't25',
      state: 'RUNNING',
      attempt: 1,
      at: 0,
      attemptStartedAt: 0,
    })
    const frame = text.split(new RegExp(`${'\x1b'}\\[\\d+F${'\x1b'}\\[0J`)).at(-1) as string
    const lines = frame.trimEnd().split('\n')
    expect(lines.length).toBeLessThanOrEqual(12)
    expect(frame).toMatch(/RUNNING\s+\S*\s+t25/)
    expect(frame).toContain('… 22 more (0 finished)')
  })
})
