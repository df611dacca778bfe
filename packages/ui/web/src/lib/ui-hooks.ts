/**
 * Measurement hooks for benchmarks and browser tests (no effect otherwise):
 * - `performance.mark('df-graph-drawn')` when a run page's graph first draws in full, with
 *   `detail: { runId, tasks }`;
 * - `window.__dfUiOnDraw(changes)`, when a test or bench defines it (e.g. with Playwright's
 *   `page.exposeFunction`), after each redraw that showed live task changes.
 */

/** One task state change that a redraw made visible. */
export interface DrawnChange {
  taskId: string
  state: string
}

declare global {
  interface Window {
    __dfUiOnDraw?: (report: { at: number; changes: DrawnChange[] }) => void
  }
}

/** Marks the first full draw of a run's graph. */
export function notifyFirstDraw(runId: string, tasks: number): void {
  performance.mark('df-graph-drawn', { detail: { runId, tasks } })
  document.documentElement.dataset.graphDrawn = runId
}

/** Reports task changes that are now on screen. */
export function notifyDrawn(changes: DrawnChange[]): void {
  const hook = window.__dfUiOnDraw
  if (typeof hook === 'function') hook({ at: Date.now(), changes })
}
