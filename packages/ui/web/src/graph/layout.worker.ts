/// <reference lib="webworker" />
/** Runs {@link layoutDag} off the main thread; answers `{ id, result }` with transferred arrays. */
import { type LayoutInput, layoutDag } from './layout.js'

declare const self: DedicatedWorkerGlobalScope

self.onmessage = (e: MessageEvent<{ id: number; input: LayoutInput }>) => {
  const result = layoutDag(e.data.input)
  self.postMessage({ id: e.data.id, result }, [result.x.buffer, result.y.buffer])
}
