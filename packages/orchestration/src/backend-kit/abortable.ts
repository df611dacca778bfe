/**
 * `AbortSignal` support for driver calls that cannot be cancelled mid-flight (backend kit).
 *
 * The returned promise rejects with the signal's reason as soon as it aborts; the statement
 * itself still finishes on its connection (which then returns to the pool), so an aborted write
 * may or may not have been applied, exactly as with a dropped network connection.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise
  if (signal.aborted) {
    promise.catch(() => undefined)
    return Promise.reject(signal.reason)
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}
