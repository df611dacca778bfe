/**
 * Test helpers: real HTTP against a real emulator (no @df/client: it is developed in parallel and
 * these tests pin the wire format on their own).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createEmulator, type Emulator, type EmulatorOptions } from '../src/index.js'

export const PAT = 'df-emulator-token'
export const AUTH = { authorization: `Bearer ${PAT}` }

export interface Answer {
  status: number
  text: string
  json: unknown
  headers: Headers
}

/** Starts an emulator on a free port. */
export function start(options: EmulatorOptions = {}): Promise<Emulator> {
  return createEmulator({ port: 0, ...options })
}

/** A request against the emulator; `path` is relative to the base URL (e.g. `/api/v3/catalog`). */
export async function call(
  emu: Emulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = AUTH,
): Promise<Answer> {
  const init: RequestInit = { method, headers: { ...headers } }
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body)
    ;(init.headers as Record<string, string>)['content-type'] = 'application/json'
  }
  const res = await fetch(emu.url + path, init)
  const text = await res.text()
  let json: unknown
  try {
    json = text === '' ? undefined : JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, text, json, headers: res.headers }
}

/** Submits SQL over REST and returns the job id. */
export async function submit(
  emu: Emulator,
  sql: string,
  context?: string[],
  prefix = '/api/v3',
): Promise<string> {
  const answer = await call(
    emu,
    'POST',
    `${prefix}/sql`,
    context === undefined ? { sql } : { sql, context },
  )
  if (answer.status !== 200) throw new Error(`POST /sql answered ${answer.status}: ${answer.text}`)
  return (answer.json as { id: string }).id
}

/** Polls GET /job/{id} over HTTP until the job is final; returns the last job body. */
export async function waitJob(
  emu: Emulator,
  id: string,
  prefix = '/api/v3',
): Promise<Record<string, unknown>> {
  for (;;) {
    const answer = await call(emu, 'GET', `${prefix}/job/${id}`)
    const job = answer.json as Record<string, unknown>
    if (['COMPLETED', 'FAILED', 'CANCELED'].includes(job.jobState as string)) return job
    await new Promise((r) => setTimeout(r, 5))
  }
}

export interface Page {
  rowCount: number
  schema: { name: string; type: Record<string, unknown> }[]
  rows: Record<string, unknown>[]
}

/** Runs SQL over REST to completion and returns the first page (up to 500 rows). */
export async function run(emu: Emulator, sql: string, context?: string[]): Promise<Page> {
  const id = await submit(emu, sql, context)
  const job = await waitJob(emu, id)
  if (job.jobState !== 'COMPLETED')
    throw new Error(`job ${job.jobState}: ${String(job.errorMessage)}`)
  const answer = await call(emu, 'GET', `/api/v3/job/${id}/results?limit=500`)
  return answer.json as Page
}

/** Runs SQL that must fail; returns the job's errorMessage. */
export async function runFailing(emu: Emulator, sql: string, context?: string[]): Promise<string> {
  const id = await submit(emu, sql, context)
  const job = await waitJob(emu, id)
  if (job.jobState !== 'FAILED') throw new Error(`expected FAILED, got ${String(job.jobState)}`)
  return job.errorMessage as string
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `df-emu-${prefix}-`))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}
