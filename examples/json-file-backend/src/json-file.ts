/**
 * The JSON file behind the example backend: the whole store is one JSON document. Every call is
 * synchronous from read to write, so calls in one process never interleave; a lock file makes
 * writers in several processes take turns, and a write goes to a temporary file renamed over the
 * store, so a reader (or a process killed mid-write) never sees half a document.
 */
import {
  closeSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
import type {
  AttemptRecord,
  PipelineRecord,
  RunRecord,
  TaskRecord,
  Watermark,
} from '@df/orchestration'

/** One run with its task instances and, per task (same index), its attempts. */
export interface StoredRun {
  run: RunRecord
  tasks: TaskRecord[]
  attempts: AttemptRecord[][]
}

/** The document. Objects are replaced on change, never mutated, so returned records stay snapshots. */
export interface StoreData {
  pipelines: Record<string, PipelineRecord>
  runs: Record<string, StoredRun>
  watermarks: Record<string, Watermark>
}

const EMPTY = '{"pipelines":{},"runs":{},"watermarks":{}}'
const pause = new Int32Array(new SharedArrayBuffer(4))

/** True when no process has id `pid` (the lock holder died, e.g. SIGKILLed). */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return false
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}

/** A store file; one per backend instance (several may share a path). */
export class JsonFile {
  readonly path: string
  #cache: { stamp: string; data: StoreData } | undefined

  constructor(path: string) {
    this.path = path
  }

  /** Creates the file when it does not exist yet (under the lock: two processes may race). */
  create(): void {
    this.#locked(() => {
      if (this.#stamp() === undefined) this.#store(JSON.parse(EMPTY) as StoreData)
    })
  }

  /** Runs `fn` on the current document (re-read only when the file changed). */
  read<T>(fn: (data: StoreData) => T): T {
    const stamp = this.#stamp()
    if (stamp === undefined) throw new Error(`${this.path} does not exist (call init() first)`)
    if (this.#cache?.stamp !== stamp) {
      this.#cache = { stamp, data: JSON.parse(readFileSync(this.path, 'utf8')) as StoreData }
    }
    return fn(this.#cache.data)
  }

  /** Runs `fn` on a fresh copy of the document under the lock and stores what it changed. */
  write<T>(fn: (data: StoreData) => T): T {
    return this.#locked(() => {
      this.#cache = undefined
      const data = JSON.parse(readFileSync(this.path, 'utf8')) as StoreData
      const result = fn(data)
      this.#store(data)
      return result
    })
  }

  #store(data: StoreData): void {
    const tmp = `${this.path}.${process.pid}.tmp`
    const fd = openSync(tmp, 'w')
    try {
      writeSync(fd, JSON.stringify(data))
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, this.path)
    this.#cache = { stamp: this.#stamp()!, data }
  }

  /** Inode, size and nanosecond mtime of the file: each write (a rename) changes them. */
  #stamp(): string | undefined {
    const s = statSync(this.path, { bigint: true, throwIfNoEntry: false })
    return s && `${s.ino}:${s.size}:${s.mtimeNs}`
  }

  /** Runs `fn` holding `<path>.lock` (created exclusively; taken over when its holder died). */
  #locked<T>(fn: () => T): T {
    const lock = `${this.path}.lock`
    const deadline = Date.now() + 10_000
    while (!this.#tryLock(lock)) {
      if (Date.now() > deadline) throw new Error(`${lock} is held by another process`)
      Atomics.wait(pause, 0, 0, 1)
    }
    try {
      return fn()
    } finally {
      unlinkSync(lock)
    }
  }

  #tryLock(lock: string): boolean {
    try {
      const fd = openSync(lock, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return true
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    try {
      const holder = Number(readFileSync(lock, 'utf8') || 0)
      if (holder > 0 && holder !== process.pid && gone(holder)) unlinkSync(lock)
    } catch {
      // released (or taken over) meanwhile: try again
    }
    return false
  }
}
