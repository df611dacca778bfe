/**
 * The operation runner of a pooled SQL backend: what every method of a `Backend` on a client-
 * server database does around its SQL. Connect and migrate once (lazily, on `init()` or the
 * first call; a failed init is retried by the next call), reject after `close()` with
 * `DF_BACKEND_CLOSED`, honour the caller's `AbortSignal`, retry transient driver errors
 * (deadlocks, serialisation failures) with a jittered pause, and translate every driver error
 * into an `OrchestrationError` (see `createErrorTranslator`).
 *
 * Driver-agnostic: it never imports a driver; the backend hands it `connect`/`disconnect`.
 */
import type { OperationOptions } from '../backend.js'
import { OrchestrationError } from '../errors.js'
import { abortable } from './abortable.js'

/** How a backend plugs its driver into {@link createOperationRunner}. */
export interface OperationRunnerConfig<Db> {
  /** `'@df/backend-postgres'`: the prefix of every message. */
  readonly packageName: string
  /** Opens the pool (or takes the injected one) and applies migrations; called once. */
  connect(): Promise<Db>
  /** Releases what `connect` opened (only what the backend owns); called once by `close()`. */
  disconnect(db: Db | undefined): Promise<void>
  /** Maps a driver error to the error to throw (`operation` is the method name, or `'init'`). */
  translate(error: unknown, operation: string): unknown
  /** True for errors after which the whole operation may run again (deadlock, serialisation). */
  isRetryable?(error: unknown): boolean
  /** How many times a retryable error is retried. @default 0 */
  readonly maxRetries?: number
  /** Upper bound of the random pause before retry `n` (1-based) in ms. @default 5 * n */
  retryDelayMs?(retry: number): number
}

/** The lifecycle and `run` wrapper returned by {@link createOperationRunner}. */
export interface OperationRunner<Db> {
  /** Connects and migrates once; idempotent; a failure is thrown (translated) and retried next time. */
  init(options?: OperationOptions): Promise<void>
  /** Idempotent; waits for a running init, then disconnects. Later calls reject `DF_BACKEND_CLOSED`. */
  close(): Promise<void>
  /** True after `close()`. */
  readonly closed: boolean
  /** Runs `fn` on the connected store: init first, abort, retry, translate. */
  run<T>(
    operation: string,
    options: OperationOptions | undefined,
    fn: (db: Db) => Promise<T>,
  ): Promise<T>
}

/**
 * Creates the runner. The backend object stays the owner of its options and SQL; the runner
 * holds only the connection state.
 *
 * @example
 * const runner = createOperationRunner({
 *   packageName: '@df/backend-acme',
 *   connect: async () => openPoolAndMigrate(options),
 *   disconnect: async (pool) => pool?.end(),
 *   translate: (error, operation) => translateAcmeError(error, operation),
 * })
 * const getRun = (id: string, o?: OperationOptions) =>
 *   runner.run('getRun', o, (pool) => pool.query('SELECT …', [id]))
 */
export function createOperationRunner<Db>(config: OperationRunnerConfig<Db>): OperationRunner<Db> {
  let db: Db | undefined
  let initializing: Promise<void> | undefined
  let closed = false
  const maxRetries = config.maxRetries ?? 0
  const delay = config.retryDelayMs ?? ((n: number) => 5 * n)
  const closedError = () =>
    new OrchestrationError(
      'DF_BACKEND_CLOSED',
      `[${config.packageName}] The backend was used after close().`,
    )

  const init = (options?: OperationOptions): Promise<void> => {
    if (closed) return Promise.reject(closedError())
    initializing ??= config.connect().then(
      (connected) => {
        db = connected
      },
      (error: unknown) => {
        initializing = undefined
        throw config.translate(error, 'init')
      },
    )
    return abortable(initializing, options?.signal)
  }

  return {
    init,
    get closed() {
      return closed
    },
    async close() {
      if (closed) return
      closed = true
      await initializing?.catch(() => undefined)
      const owned = db
      db = undefined
      await config.disconnect(owned)
    },
    async run(operation, options, fn) {
      if (closed) throw closedError()
      options?.signal?.throwIfAborted()
      await init(options)
      const current = db
      if (current === undefined || closed) throw closedError()
      for (let retry = 0; ; retry++) {
        try {
          return await abortable(fn(current), options?.signal)
        } catch (error) {
          if (retry < maxRetries && config.isRetryable?.(error) === true) {
            // Jitter, so two transactions that deadlocked do not collide again in lockstep.
            await new Promise((resolve) => setTimeout(resolve, Math.random() * delay(retry + 1)))
            continue
          }
          throw config.translate(error, operation)
        }
      }
    },
  }
}
