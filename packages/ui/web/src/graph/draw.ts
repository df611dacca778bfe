/**
 * Draws a laid-out DAG on a 2D canvas: only what is in view (culled), one path per state colour
 * for the boxes and one for all edges, labels only when they are big enough to read. 10,000
 * tasks draw in a few milliseconds; no DOM node per task.
 */
import { stateColor } from '../lib/format.js'
import { GAP_Y, NODE_H, NODE_W } from './layout.js'
import type { Graph } from './layout-client.js'

/** Screen = world × scale + offset (CSS pixels). */
export interface View {
  scale: number
  tx: number
  ty: number
}

/** A scale and offset that fit the whole graph in a `w` × `h` box. */
export function fitView(graph: Graph, w: number, h: number): View {
  const pad = 24
  const gw = Math.max(graph.layout.width, 1)
  const gh = Math.max(graph.layout.height, 1)
  const scale = Math.max(0.01, Math.min((w - 2 * pad) / gw, (h - 2 * pad) / gh, 1.2))
  return { scale, tx: (w - gw * scale) / 2, ty: (h - gh * scale) / 2 }
}

/** The node under a screen point, or -1. */
export function hitTest(graph: Graph, view: View, sx: number, sy: number): number {
  const wx = (sx - view.tx) / view.scale
  const wy = (sy - view.ty) / view.scale
  const { x, y } = graph.layout
  for (let i = 0; i < graph.ids.length; i++) {
    const nx = x[i] as number
    const ny = y[i] as number
    if (wx >= nx && wx <= nx + NODE_W && wy >= ny && wy <= ny + NODE_H) return i
  }
  return -1
}

function textColor(fill: string): string {
  const n = Number.parseInt(fill.slice(1), 16)
  const lum = 0.299 * ((n >> 16) & 255) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255)
  return lum > 150 ? '#1d232b' : '#ffffff'
}

/** Draws `graph` coloured by `states` (graph order) into a canvas of `w` × `h` CSS pixels. */
export function drawGraph(
  ctx: CanvasRenderingContext2D,
  graph: Graph,
  states: readonly string[],
  view: View,
  w: number,
  h: number,
  selected: number,
  dpr: number,
): void {
  const { scale, tx, ty } = view
  const { x, y } = graph.layout
  const x0 = -tx / scale
  const y0 = -ty / scale
  const x1 = (w - tx) / scale
  const y1 = (h - ty) / scale
  ctx.setTransform(1, 0, 0, 1, 0, 0)
  ctx.clearRect(0, 0, w * dpr, h * dpr)
  ctx.setTransform(dpr * scale, 0, 0, dpr * scale, dpr * tx, dpr * ty)

  // Edges: upstream's right middle → downstream's left middle.
  const { edgeFrom, edgeTo } = graph
  const curves = scale > 0.25 || edgeFrom.length < 3000
  ctx.beginPath()
  for (let k = 0; k < edgeFrom.length; k++) {
    const a = edgeFrom[k] as number
    const b = edgeTo[k] as number
    const ax = (x[a] as number) + NODE_W
    const ay = (y[a] as number) + NODE_H / 2
    const bx = x[b] as number
    const by = (y[b] as number) + NODE_H / 2
    if (Math.max(ax, bx) < x0 || Math.min(ax, bx) > x1) continue
    if (Math.max(ay, by) < y0 || Math.min(ay, by) > y1) continue
    ctx.moveTo(ax, ay)
    if (curves) {
      const mx = (ax + bx) / 2
      ctx.bezierCurveTo(mx, ay, mx, by, bx, by)
    } else ctx.lineTo(bx, by)
  }
  // Dense overviews: faint edges, so the state colours stay readable.
  ctx.strokeStyle =
    scale < 0.2 && edgeFrom.length > 2000 ? 'rgba(80, 92, 110, 0.14)' : 'rgba(80, 92, 110, 0.45)'
  ctx.lineWidth = Math.max(1 / scale, 1)
  ctx.stroke()

  // Boxes: visible nodes bucketed by state, one fill per colour.
  const buckets = new Map<string, number[]>()
  const visible: number[] = []
  for (let i = 0; i < graph.ids.length; i++) {
    const nx = x[i] as number
    const ny = y[i] as number
    if (nx + NODE_W < x0 || nx > x1 || ny + NODE_H < y0 || ny > y1) continue
    const s = states[i] ?? 'PENDING'
    const list = buckets.get(s)
    if (list === undefined) buckets.set(s, [i])
    else list.push(i)
    visible.push(i)
  }
  // Zoomed far out, boxes fill their row (no gaps): columns read as blocks of state colour.
  const boxH = NODE_H * scale < 3 ? NODE_H + GAP_Y : NODE_H
  // Rare states last (on top), and never smaller than 4 px: one failure in 10,000 stays visible.
  const min = 4 / scale
  const ordered = [...buckets].sort((a, b) => b[1].length - a[1].length)
  for (const [state, list] of ordered) {
    const loud = !QUIET.has(state)
    const h = loud ? Math.max(boxH, min) : boxH
    const dy = (h - boxH) / 2
    ctx.beginPath()
    for (const i of list) ctx.rect(x[i] as number, (y[i] as number) - dy, NODE_W, h)
    ctx.fillStyle = stateColor(state)
    ctx.fill()
  }
  if (selected >= 0 && selected < graph.ids.length) {
    ctx.lineWidth = Math.max(3, 3 / scale)
    ctx.strokeStyle = '#111827'
    ctx.strokeRect(x[selected] as number, y[selected] as number, NODE_W, NODE_H)
  }

  // Labels, once a box is at least ~9 px tall on screen.
  if (NODE_H * scale >= 9 && visible.length <= 4000) {
    ctx.font = '12px system-ui, sans-serif'
    ctx.textBaseline = 'middle'
    for (const i of visible) {
      const s = states[i] ?? 'PENDING'
      const label = graph.ids[i] as string
      ctx.fillStyle = textColor(stateColor(s))
      const text = label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label
      ctx.fillText(text, (x[i] as number) + 6, (y[i] as number) + NODE_H / 2)
    }
  }
}

/** States that need no emphasis in an overview. */
const QUIET = new Set(['SUCCESS', 'PENDING', 'SKIPPED', 'REMOVED'])

/** Characters of a task id that fit a box at 12 px. */
const MAX_LABEL = 24
