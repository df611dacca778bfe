/**
 * Runs a child process for a task (ShellTask, DbtTask): its own process group (`detached`), so
 * a timeout or cancel kills the whole tree — SIGTERM to the group, then SIGKILL after a grace
 * period for whatever ignored it (`process.kill(-pid)`). stdout and stderr lines stream into the
 * attempt log as they come (bounded); the tails are kept for the result and the error.
 */
import { spawn } from 'node:child_process'
import { constants } from 'node:os'
import type { TaskContext } from '@df/orchestration'
import { TailBuffer, taskFailed } from './support.js'

/** How to run one process. */
export interface ProcessSpec {
  readonly command: string
  readonly args: readonly string[]
  readonly cwd?: string | undefined
  readonly env?: Readonly<Record<string, string>> | undefined
  readonly shell?: boolean
  /** After SIGTERM, wait this long before SIGKILL. */
  readonly killGrace: number
  /** Stop copying output lines into the log past this many bytes (the tails are still kept). */
  readonly maxLogBytes: number
  /** What to call it in messages, e.g. `dbt run`. */
  readonly label: string
}

/** How a process ended. */
export interface ProcessResult {
  readonly exitCode: number
  readonly stdoutTail: string
  readonly stderrTail: string
}

const TAIL = 4096

/**
 * Runs the process to its end. Rejects with the signal's reason when the attempt is aborted
 * (after starting the kill), and with `DF_TASK_FAILED` when it cannot start. A non-zero exit
 * resolves: the caller decides.
 */
export function runProcess(ctx: TaskContext, spec: ProcessSpec): Promise<ProcessResult> {
  if (ctx.signal.aborted) return Promise.reject(ctx.signal.reason)
  return new Promise<ProcessResult>((resolve, reject) => {
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      detached: true,
      shell: spec.shell === true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const stdout = new TailBuffer(TAIL)
    const stderr = new TailBuffer(TAIL)
    let logged = 0
    let capped = false
    const forward = (
      level: 'info' | 'warn',
      partial: { text: string },
      chunk: Buffer,
      tail: TailBuffer,
    ) => {
      const text = chunk.toString('utf8')
      tail.push(text)
      const lines = (partial.text + text).split('\n')
      partial.text = lines.pop() ?? ''
      for (const line of lines) emit(level, line)
    }
    const emit = (level: 'info' | 'warn', line: string) => {
      if (capped) return
      logged += Buffer.byteLength(line) + 1
      if (logged > spec.maxLogBytes) {
        capped = true
        ctx.log.warn(
          `${spec.label}: output past ${spec.maxLogBytes} bytes is not copied to the log.`,
        )
        return
      }
      ctx.log[level](line)
    }
    const out = { text: '' }
    const err = { text: '' }
    child.stdout?.on('data', (c: Buffer) => forward('info', out, c, stdout))
    child.stderr?.on('data', (c: Buffer) => forward('warn', err, c, stderr))

    let killTimer: ReturnType<typeof setTimeout> | undefined
    const killTree = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return
      try {
        process.kill(-child.pid, signal)
      } catch {
        // The group is gone already.
      }
    }
    const onAbort = () => {
      ctx.log.warn(`${spec.label}: stopping (SIGTERM to the process group).`)
      killTree('SIGTERM')
      // Real time on purpose: the grace period protects the machine, not the run's logic.
      killTimer = setTimeout(() => killTree('SIGKILL'), spec.killGrace)
      killTimer.unref?.()
    }
    ctx.signal.addEventListener('abort', onAbort, { once: true })

    child.once('error', (error) => {
      ctx.signal.removeEventListener('abort', onAbort)
      reject(
        taskFailed(ctx.taskId, `${spec.label} could not start: ${error.message}.`, {
          cause: error,
        }),
      )
    })
    child.once('close', (code, signal) => {
      ctx.signal.removeEventListener('abort', onAbort)
      // The leader is gone; anything left in its group gets SIGKILL at the end of the grace.
      if (out.text) emit('info', out.text)
      if (err.text) emit('warn', err.text)
      if (ctx.signal.aborted) {
        reject(ctx.signal.reason)
        return
      }
      if (killTimer) clearTimeout(killTimer)
      resolve({
        exitCode: code ?? (signal ? 128 + signalNumber(signal) : 1),
        stdoutTail: stdout.toString(),
        stderrTail: stderr.toString(),
      })
    })
  })
}

function signalNumber(signal: NodeJS.Signals): number {
  const n = constants.signals[signal]
  return typeof n === 'number' ? n : 0
}
