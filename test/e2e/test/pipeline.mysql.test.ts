import { describePipelineCycle } from './pipeline-cycle.js'
import { mysqlStore } from './services.js'

describePipelineCycle('MariaDB (mysql://…/database)', mysqlStore)
