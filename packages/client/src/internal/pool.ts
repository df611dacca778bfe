/**
 * The undici Agent behind a `Transport`, replaced when its pooled keep-alive sockets may be
 * stale. undici closes an idle socket from a JS timer shortly before the server's keep-alive
 * timeout (the server's `Keep-Alive: timeout=N` hint minus 1 s, else 4 s). When the event loop is
 * blocked past that (a CPU-heavy task in the same process), neither that timer nor the server's
 * FIN has been processed when the next request is dispatched: it goes out on a socket the server
 * already closed, and fails with `UND_ERR_SOCKET`/`ECONNRESET` although the server is up and
 * never saw it. So when the pool has been idle for at least that long, the next request gets a
 * fresh Agent (and so a fresh connection, which undici would have opened anyway once its timer
 * ran), and the old Agent is closed. Nothing is retried, so nothing can be submitted twice.
 */
import type { Agent } from 'undici'

/** undici's keep-alive timeout when the server sends no hint (also its own default). */
export const DEFAULT_KEEP_ALIVE_MS = 4000
/** undici's safety margin below the server's `Keep-Alive: timeout=N`. */
const HINT_MARGIN_MS = 1000

export class AgentPool {
  readonly #make: () => Agent
  #agent: Agent
  #inFlight = 0
  #idleSince = performance.now()
  #staleAfterMs = DEFAULT_KEEP_ALIVE_MS

  constructor(make: () => Agent) {
    this.#make = make
    this.#agent = make()
  }

  /**
   * The Agent for a request about to be sent; call {@link AgentPool.done} when its answer has
   * been read (or it failed). A pool idle past the keep-alive window gets a fresh Agent first.
   */
  acquire(): Agent {
    if (this.#inFlight === 0 && performance.now() - this.#idleSince >= this.#staleAfterMs) {
      const old = this.#agent
      this.#agent = this.#make()
      old.close().catch(() => undefined)
    }
    this.#inFlight++
    return this.#agent
  }

  /** Marks a request finished; `keepAlive` is its `Keep-Alive` response header, if any. */
  done(keepAlive?: string | undefined): void {
    this.#inFlight--
    if (this.#inFlight === 0) this.#idleSince = performance.now()
    const hint = keepAlive === undefined ? undefined : /timeout=(\d+)/i.exec(keepAlive)?.[1]
    if (hint !== undefined) {
      this.#staleAfterMs = Math.max(0, Number(hint) * 1000 - HINT_MARGIN_MS)
    }
  }

  /** Closes the current Agent's connections. */
  close(): Promise<void> {
    return this.#agent.close()
  }
}
