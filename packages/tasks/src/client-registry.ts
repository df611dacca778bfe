/**
 * Named Dremio clients. A serialisable task stores a client NAME (never the client, its URL or
 * its token); whoever runs the task resolves the name here. In one process, passing a client
 * instance to a task is enough. A remote worker registers its own client under the same name
 * (usually `'default'`, e.g. `registerDremioClient('default', DremioClient.fromEnv())`) before
 * it runs tasks by type.
 */
import type { DremioClient } from '@df/client'
import { OrchestrationError } from '@df/orchestration'

/** A client, or the name it was registered under. */
export type DremioClientRef = DremioClient | string

/** The name stored by tasks that were given a client instance without a `clientName`. */
export const DEFAULT_CLIENT_NAME = 'default'

/**
 * One registry per process, shared by every copy of this package that is loaded (a bundled CLI
 * and the pipeline module it imports may each carry one): keyed on a global symbol.
 */
const REGISTRY = Symbol.for('@df/tasks.dremioClients')
const shared = globalThis as { [REGISTRY]?: Map<string, DremioClient> }
shared[REGISTRY] ??= new Map<string, DremioClient>()
const clients: Map<string, DremioClient> = shared[REGISTRY]

/**
 * Registers `client` under `name` (replacing an earlier one); returns a function that removes it.
 * @example
 * registerDremioClient('default', DremioClient.fromEnv())
 */
export function registerDremioClient(name: string, client: DremioClient): () => void {
  if (typeof name !== 'string' || name === '') {
    throw new OrchestrationError(
      'DF_OPTION_INVALID',
      '[@df/orchestration] registerDremioClient() needs a non-empty name.',
    )
  }
  if (client === null || typeof client !== 'object' || typeof client.submit !== 'function') {
    throw new OrchestrationError(
      'DF_OPTION_INVALID',
      `[@df/orchestration] registerDremioClient('${name}') needs a DremioClient.`,
    )
  }
  clients.set(name, client)
  return () => {
    if (clients.get(name) === client) clients.delete(name)
  }
}

/**
 * The client for `ref`: the instance itself, or the one registered under the name.
 * @throws OrchestrationError `DF_OPTION_INVALID` when no client has that name.
 */
export function resolveDremioClient(ref: DremioClientRef): DremioClient {
  if (typeof ref !== 'string') return ref
  const client = clients.get(ref)
  if (!client) {
    throw new OrchestrationError(
      'DF_OPTION_INVALID',
      `[@df/orchestration] No Dremio client is registered as '${ref}': call registerDremioClient('${ref}', client) in the process that runs the task.`,
    )
  }
  return client
}

/** The stored name for a client option: the name itself, or `clientName ?? 'default'`. */
export function clientNameOf(ref: DremioClientRef, clientName: string | undefined): string {
  if (typeof ref === 'string') {
    if (ref === '') {
      throw new OrchestrationError(
        'DF_TASK_INVALID',
        '[@df/orchestration] A task client name must be non-empty.',
      )
    }
    return ref
  }
  if (ref === null || typeof ref !== 'object' || typeof ref.submit !== 'function') {
    throw new OrchestrationError(
      'DF_TASK_INVALID',
      '[@df/orchestration] A Dremio task needs `client`: a DremioClient or a registered client name.',
    )
  }
  return clientName ?? DEFAULT_CLIENT_NAME
}
