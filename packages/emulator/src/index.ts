export { createEmulator, type Emulator, type EmulatorStats } from './emulator.js'
export { EmulatorError, type EmulatorErrorCode } from './emulator-error.js'
export {
  type AuthOptions,
  DEFAULT_PROJECT_ID,
  type EmulatorOptions,
  type FaultOptions,
} from './emulator-options.js'
export type { JobInfo, JobLatency, JobState, JobStep, JobsView } from './job-types.js'
