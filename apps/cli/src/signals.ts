/**
 * SIGINT / SIGTERM for commands that submit Dremio work. Schedulers stop a task with SIGTERM to
 * its process group (Airflow on a timeout, "mark failed" or a kill; systemd; Kubernetes), people
 * with Ctrl-C. The first signal aborts `signal` (with reason `cancelled by SIGTERM`), so the
 * command sends Dremio its cancel at once; the process then exits with 130 (SIGINT) or 143
 * (SIGTERM), by itself or, at the latest, `deadlineMs` after the signal. A second signal exits at
 * once.
 */

/** Exit code of a command stopped by `name`: 128 + the signal number, as shells report it. */
export function signalExitCode(name: NodeJS.Signals): number {
  return name === 'SIGINT' ? 130 : 143
}

/** What a command watches while it runs. */
export interface CancelWatch {
  /** Aborted by the first SIGINT/SIGTERM, with `Error('cancelled by SIGTERM')` as its reason. */
  readonly signal: AbortSignal
  /** The signal received, or undefined. */
  readonly received: NodeJS.Signals | undefined
  /** 130 / 143 for the signal received (0 when none). */
  readonly exitCode: number
  /** Removes the handlers (and the deadline timer). */
  dispose(): void
}

/** Options of {@link watchCancelSignals}. */
export interface CancelWatchOptions {
  /** Called once, on the first signal (after `signal` is aborted). */
  readonly onSignal?: (name: NodeJS.Signals) => void
  /**
   * After the first signal, exit anyway this long later (the command should be gone by then);
   * `0` never. @default 900
   */
  readonly deadlineMs?: number
}

/** Starts watching SIGINT and SIGTERM. Call `dispose()` when the command is done. */
export function watchCancelSignals(options: CancelWatchOptions = {}): CancelWatch {
  const abort = new AbortController()
  let received: NodeJS.Signals | undefined
  const deadline = options.deadlineMs ?? 900
  const handler = (name: NodeJS.Signals): void => {
    if (received !== undefined) process.exit(signalExitCode(received))
    received = name
    abort.abort(new Error(`cancelled by ${name}`))
    if (deadline > 0) {
      setTimeout(() => process.exit(signalExitCode(name)), deadline).unref()
    }
    options.onSignal?.(name)
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return {
    signal: abort.signal,
    get received() {
      return received
    },
    get exitCode() {
      return received === undefined ? 0 : signalExitCode(received)
    },
    dispose() {
      process.off('SIGINT', handler)
      process.off('SIGTERM', handler)
      // The deadline stays armed: the process must still be gone in time after a signal.
    },
  }
}

/**
 * For long-running commands (`serve`, `worker`): resolves with the first SIGINT/SIGTERM, after
 * which the command stops gracefully; a second signal exits at once (130). The handlers go when
 * `onClose` runs its callbacks.
 */
export function waitForStopSignal(onClose: (fn: () => void) => void): Promise<NodeJS.Signals> {
  let signalled: NodeJS.Signals | undefined
  return new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (name: NodeJS.Signals) => {
      if (signalled) process.exit(130)
      signalled = name
      resolve(name)
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    onClose(() => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    })
  })
}

/** True when `promise` settled within `ms` (a graceful stop's deadline). */
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms)
  })
  try {
    return await Promise.race([promise.then(() => true), timeout])
  } finally {
    clearTimeout(timer)
  }
}
