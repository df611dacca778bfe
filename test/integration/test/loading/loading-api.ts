/** The loading API under test, as users import it. */
export {
  createLocalDirectoryStager,
  createTable,
  DremioLoadError,
  insertRows,
  type LoadProgress,
  type Stager,
} from '@df/client'
