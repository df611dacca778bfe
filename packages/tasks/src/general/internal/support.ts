/**
 * Helpers shared by the general tasks: secrets read from environment variables at run time
 * (options store only the variable NAME), lazy loading of optional dependencies with a clear
 * "install X" error, and typed failures.
 */
import { OrchestrationError } from '@df/orchestration'
import { taskInvalid } from '../../internal/task-support.js'

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** Checks an env var NAME option at construction. */
export function checkEnvName(task: string, what: string, name: unknown): string | undefined {
  if (name === undefined) return undefined
  if (typeof name !== 'string' || !ENV_NAME.test(name)) {
    throw taskInvalid(
      task,
      `${what} must be the NAME of an environment variable, got ${JSON.stringify(name)}`,
    )
  }
  return name
}

/**
 * Reads a secret from the environment of the process that runs the task. The message names the
 * variable, never its value.
 * @throws OrchestrationError `DF_OPTION_INVALID` when it is unset or empty.
 */
export function secretFromEnv(task: string, what: string, name: string): string {
  const value = process.env[name]
  if (value === undefined || value === '') {
    throw new OrchestrationError(
      'DF_OPTION_INVALID',
      `[@df/orchestration] Task '${task}': ${what} is read from the environment variable ${name}, which is not set in the process that runs the task.`,
    )
  }
  return value
}

/** A general task's work failed (HTTP status, exit code, SMTP or S3 error). */
export function taskFailed(
  task: string,
  what: string,
  options?: { cause?: unknown; retryable?: boolean },
): OrchestrationError {
  const error = new OrchestrationError(
    'DF_TASK_FAILED',
    `[@df/orchestration] Task '${task}': ${what}`,
    options?.cause === undefined ? undefined : { cause: options.cause },
  )
  if (options?.retryable === false)
    Object.defineProperty(error, 'retryable', { value: false, enumerable: true })
  return error
}

/**
 * Imports an optional peer dependency, or throws `DF_DEPENDENCY_MISSING` saying how to install
 * it. The specifier goes through a variable so bundlers and TypeScript do not require it.
 */
export async function importOptional<T>(name: string, task: string): Promise<T> {
  const specifier = name
  try {
    return (await import(specifier)) as T
  } catch (error) {
    const code = (error as { code?: unknown })?.code
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new OrchestrationError(
        'DF_DEPENDENCY_MISSING',
        `[@df/orchestration] Task '${task}' needs the optional dependency '${name}': install ${name} (pnpm add ${name}).`,
        { cause: error },
      )
    }
    throw error
  }
}

/** Keeps the last `max` bytes of a stream of text chunks (for stderr tails). */
export class TailBuffer {
  readonly #max: number
  #chunks: string[] = []
  #bytes = 0
  constructor(max: number) {
    this.#max = max
  }
  push(text: string): void {
    this.#chunks.push(text)
    this.#bytes += Buffer.byteLength(text)
    while (this.#bytes > this.#max * 2 && this.#chunks.length > 1) {
      this.#bytes -= Buffer.byteLength(this.#chunks.shift() as string)
    }
  }
  toString(): string {
    const all = this.#chunks.join('')
    const buf = Buffer.from(all)
    return buf.length <= this.#max ? all : `…${buf.subarray(buf.length - this.#max).toString()}`
  }
}
