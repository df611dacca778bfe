/** SPA entry: read the session, then mount; logged-out users land on /login. */
import { createApp, watch } from 'vue'
import App from './App.vue'
import { setUnauthenticatedHandler } from './lib/api.js'
import { connectEvents, setSessionCheck, stopEvents } from './lib/events.js'
import { navigate, route } from './lib/router.js'
import { loadSession, session } from './lib/session.js'
import './styles/base.css'
import './styles/layout.css'
import './styles/lists.css'
import './styles/run.css'

function toLogin(): void {
  if (route.value.name === 'login') return
  const here = location.pathname + location.search
  navigate(`/login?next=${encodeURIComponent(here)}`, true)
}

setUnauthenticatedHandler(() => {
  session.value = undefined
  stopEvents()
  toLogin()
})

// A stream the browser gave up on (e.g. the session expired: 401) re-opens only if the session
// still holds; loadSession's 401 sends the user to the login page.
setSessionCheck(loadSession)

watch(session, (s) => {
  if (s !== undefined) connectEvents()
})

// On /login (where the server sends the logged-out) there is no session to ask about.
const ready = route.value.name === 'login' ? Promise.resolve(true) : loadSession()
void ready.then((ok) => {
  if (!ok) toLogin()
  createApp(App).mount('#app')
})
