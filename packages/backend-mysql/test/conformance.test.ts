/**
 * The shared conformance suite on real MariaDB/MySQL (house style §9.5). Every `create()` gets its
 * own database `df_t_<random>` so files and cases can run in parallel; `destroy()` drops them all.
 */
import { describeBackend, requireService } from '@df/conformance/backend'
import mysql from 'mysql2/promise'
import { createMysqlBackend, type MysqlBackend } from '../src/index.js'
import { parseMysqlUri } from '../src/mysql-backend-options.js'
import { uniqueDatabase } from './helpers.js'

const url = requireService('DF_TEST_MYSQL_URL')
const databases: string[] = []

async function admin(sql: string): Promise<void> {
  const conn = await mysql.createConnection(parseMysqlUri(url!))
  try {
    await conn.query(sql)
  } finally {
    await conn.end()
  }
}

describeBackend<MysqlBackend>({
  name: 'mysql',
  async create() {
    const database = uniqueDatabase()
    databases.push(database)
    await admin(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`)
    const backend = createMysqlBackend({ uri: url, database, poolSize: 5 })
    await backend.init()
    return backend
  },
  async destroy() {
    for (const database of databases.splice(0)) {
      await admin(`DROP DATABASE IF EXISTS \`${database}\``)
    }
  },
})
