/**
 * A tiny History-API router (four pages need no router library): `route` is the parsed current
 * location, `navigate()` changes it. The server answers index.html for every non-/api path.
 */
import { shallowRef } from 'vue'

export type RouteName = 'login' | 'pipelines' | 'runs' | 'run' | 'notfound'

export interface Route {
  name: RouteName
  /** Path parameters (`runId` on the run page). */
  params: Record<string, string>
  query: URLSearchParams
  path: string
}

function parse(pathname: string, search: string): Route {
  const query = new URLSearchParams(search)
  const path = pathname.replace(/\/+$/, '') || '/'
  if (path === '/login') return { name: 'login', params: {}, query, path }
  if (path === '/' || path === '/pipelines') return { name: 'pipelines', params: {}, query, path }
  if (path === '/runs') return { name: 'runs', params: {}, query, path }
  const m = /^\/runs\/([^/]+)$/.exec(path)
  if (m?.[1] !== undefined) {
    return { name: 'run', params: { runId: decodeURIComponent(m[1]) }, query, path }
  }
  return { name: 'notfound', params: {}, query, path }
}

/** The current route; views watch it. */
export const route = shallowRef<Route>(parse(location.pathname, location.search))

/** Goes to `to` (a path with an optional query), pushing a history entry unless `replace`. */
export function navigate(to: string, replace = false): void {
  const url = new URL(to, location.origin)
  if (url.pathname + url.search === location.pathname + location.search) {
    route.value = parse(url.pathname, url.search)
    return
  }
  if (replace) history.replaceState(null, '', url.pathname + url.search)
  else history.pushState(null, '', url.pathname + url.search)
  route.value = parse(url.pathname, url.search)
}

window.addEventListener('popstate', () => {
  route.value = parse(location.pathname, location.search)
})

/** The run page's path. */
export function runPath(runId: string): string {
  return `/runs/${encodeURIComponent(runId)}`
}
