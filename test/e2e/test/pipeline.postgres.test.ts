import { describePipelineCycle } from './pipeline-cycle.js'
import { postgresStore } from './services.js'

describePipelineCycle('PostgreSQL (postgresql://…?schema=)', postgresStore)
