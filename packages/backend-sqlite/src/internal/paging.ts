/** This backend's page limits and keyset cursors: the backend kit's, with its name in messages. */
import { backendPaging } from '@df/orchestration/backend-kit'

export const paging = backendPaging('@df/backend-sqlite')
