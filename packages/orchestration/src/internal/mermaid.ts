/**
 * Mermaid flowchart of a pipeline (the seed's `visualize()`), optionally coloured by the task
 * states of a run. Node ids are generated (`t0`, `t1`, …) so any task name is safe; labels are
 * quoted with Mermaid's entity escapes.
 */
import type { TaskRecord } from '../backend.js'
import type { Task } from '../task.js'

const COLORS: Readonly<Record<string, string>> = {
  SUCCESS: 'fill:#c8e6c9,stroke:#2e7d32',
  FAILED: 'fill:#ffcdd2,stroke:#c62828',
  UPSTREAM_FAILED: 'fill:#ffe0b2,stroke:#ef6c00',
  SKIPPED: 'fill:#eeeeee,stroke:#9e9e9e',
  RUNNING: 'fill:#bbdefb,stroke:#1565c0',
  QUEUED: 'fill:#e1f5fe,stroke:#0277bd',
  UP_FOR_RETRY: 'fill:#fff9c4,stroke:#f9a825',
  CANCELLED: 'fill:#d7ccc8,stroke:#4e342e',
}

function label(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')
}

/** `graph TD` with one node per task and one edge per dependency. */
export function toMermaid(
  tasks: readonly Task[],
  states?: Readonly<Record<string, TaskRecord>>,
): string {
  const id = new Map<Task, string>()
  tasks.forEach((t, i) => {
    id.set(t, `t${i}`)
  })
  const lines = ['graph TD']
  for (const t of tasks) {
    const state = states?.[t.name]?.state
    const rule = t.triggerRule === 'all_success' ? '' : `<br/><small>${t.triggerRule}</small>`
    lines.push(`  ${id.get(t)}["${label(t.name)}${rule}${state ? ` (${state})` : ''}"]`)
  }
  for (const t of tasks) {
    for (const d of t.downstream) {
      const target = id.get(d)
      if (target) lines.push(`  ${id.get(t)} --> ${target}`)
    }
  }
  if (states) {
    for (const t of tasks) {
      const color = COLORS[states[t.name]?.state ?? '']
      if (color) lines.push(`  style ${id.get(t)} ${color}`)
    }
  }
  return lines.join('\n')
}
