/**
 * Which tasks a rerun re-executes: the seeds (every task that did not succeed, or the named
 * task) and everything downstream of them. The rest keeps its earlier state and result.
 */
import type { TaskRecord } from '../backend.js'
import { OrchestrationError } from '../errors.js'
import type { Graph } from './graph.js'

/** Task indexes to re-execute. */
export function rerunSet(graph: Graph, previous: readonly TaskRecord[], from: string): Set<number> {
  const byName = new Map(previous.map((r) => [r.taskId, r]))
  const seeds: number[] = []
  if (from === 'failed') {
    graph.tasks.forEach((t, i) => {
      if (byName.get(t.name)?.state !== 'SUCCESS') seeds.push(i)
    })
  } else {
    const i = graph.index.get(from)
    if (i === undefined) {
      throw new OrchestrationError(
        'DF_OPTION_INVALID',
        `[@df/orchestration] rerun({ from: '${from}' }): pipeline '${graph.pipelineId}' has no task '${from}' (use a task name or 'failed').`,
      )
    }
    seeds.push(i)
  }
  const set = new Set<number>()
  const stack = [...seeds]
  while (stack.length > 0) {
    const i = stack.pop()!
    if (set.has(i)) continue
    set.add(i)
    stack.push(...graph.downstream[i]!)
  }
  return set
}
