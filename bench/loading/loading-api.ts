/** The loading API the benchmark uses, as users import it. */
export { createLocalDirectoryStager, createTable, decimalWords } from '@df/client'
