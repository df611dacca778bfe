import { inspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { parseAirflowConnection } from '../src/airflow-connection.js'
import { resolveConnection } from '../src/dremio-config.js'

const SECRET = 'S3cr3t-token'

describe('Airflow connections (DREMIO_CONN, AIRFLOW_CONN_*)', () => {
  it("reads the seed's JSON: Dremio Cloud with extra.pat and extra.project_id", () => {
    const conn = parseAirflowConnection(
      JSON.stringify({
        conn_type: 'dremio',
        host: 'data.dremio.cloud',
        port: 443,
        extra: { pat: SECRET, project_id: 'p-1' },
      }),
      'AIRFLOW_CONN_DREMIO_DEFAULT',
    )
    expect(conn.options).toEqual({ pat: SECRET, cloud: { projectId: 'p-1', region: 'us' } })
    expect(conn.describe).toBe('cloud project p-1 (us), PAT')
  })

  it('reads Dremio Software: host + port, login + password, tls and certificate checks', () => {
    const plain = parseAirflowConnection(
      '{"conn_type":"dremio","host":"dremio.internal","port":9047,"login":"etl","password":"pw"}',
      'DREMIO_CONN',
    )
    expect(plain.options).toEqual({
      url: 'http://dremio.internal:9047',
      username: 'etl',
      password: 'pw',
    })
    const tls = parseAirflowConnection(
      JSON.stringify({
        host: 'dremio.internal',
        port: 9047,
        password: SECRET,
        extra: JSON.stringify({ tls: 'true', disable_certificate_verification: true }),
      }),
      'DREMIO_CONN',
    )
    // A password without a login is a PAT (the original hook's rule); extra may be a JSON string.
    expect(tls.options).toEqual({
      url: 'https://dremio.internal:9047',
      pat: SECRET,
      tls: { rejectUnauthorized: false },
    })
    const full = parseAirflowConnection(
      '{"host":"http://localhost:9047","extra":{"token":"t"}}',
      'X',
    )
    expect(full.options).toEqual({ url: 'http://localhost:9047', pat: 't' })
    const defaults = parseAirflowConnection(
      '{"host":"dremio.example.com","extra":{"pat":"t"}}',
      'X',
    )
    expect(defaults.options.url).toBe('https://dremio.example.com')
  })

  it('reads the URI form, with extras as query values or __extra__', () => {
    const uri = parseAirflowConnection(
      `dremio://etl:p%40ss@dremio.internal:9047/?tls=false`,
      'AIRFLOW_CONN_DREMIO_DEFAULT',
    )
    expect(uri.options).toEqual({
      url: 'http://dremio.internal:9047',
      username: 'etl',
      password: 'p@ss',
    })
    const cloud = parseAirflowConnection(
      `dremio://:${SECRET}@api.eu.dremio.cloud/?__extra__=${encodeURIComponent('{"project_id":"p-2"}')}`,
      'X',
    )
    expect(cloud.options).toEqual({ pat: SECRET, cloud: { projectId: 'p-2', region: 'eu' } })
  })

  it('refuses bad values with one line that never shows the value', () => {
    for (const value of [
      `{"host": "h", "password": "${SECRET}"`,
      `{"host": "h", "extra": "{${SECRET}"}`,
      `{"host": "h", "port": "x${SECRET}", "password": "p"}`,
      `{"host": "h", "extra": {"pat": "${SECRET}", "tls": "maybe"}}`,
      `{"host": "h", "login": "etl"}`,
      `ftp://u:${SECRET}@h/`,
      `not a connection ${SECRET}`,
    ]) {
      let error: unknown
      try {
        parseAirflowConnection(value, 'DREMIO_CONN')
      } catch (e) {
        error = e
      }
      expect(error).toMatchObject({ code: 'DF_CLI_CONFIG_INVALID' })
      expect((error as Error).message).toMatch(/^\[@df\/cli\] DREMIO_CONN /)
      expect(inspect(error, { depth: 5 })).not.toContain(SECRET)
      expect((error as Error).cause).toBeUndefined()
    }
  })

  it('is picked up from the environment in its place in the connection order', () => {
    const conn = JSON.stringify({ host: 'a.internal', port: 9047, extra: { pat: SECRET } })
    const none = { profilesFile: '/nonexistent/profiles.yaml' }
    expect(resolveConnection(none, { DREMIO_CONN: conn }).describe).toBe(
      'software http://a.internal:9047, PAT, from DREMIO_CONN',
    )
    expect(resolveConnection(none, { AIRFLOW_CONN_DREMIO_DEFAULT: conn }).describe).toBe(
      'software http://a.internal:9047, PAT, from AIRFLOW_CONN_DREMIO_DEFAULT',
    )
    expect(
      resolveConnection(none, { DREMIO_CONN_ID: 'warehouse', AIRFLOW_CONN_WAREHOUSE: conn })
        .options,
    ).toEqual({ url: 'http://a.internal:9047', pat: SECRET })
    // DREMIO_URL/DREMIO_PAT win over the ambient Airflow connection; DREMIO_CONN wins over both.
    const env = { DREMIO_URL: 'http://b:9047', DREMIO_PAT: 'x', AIRFLOW_CONN_DREMIO_DEFAULT: conn }
    expect(resolveConnection(none, env).options).toMatchObject({ url: 'http://b:9047' })
    expect(resolveConnection(none, { ...env, DREMIO_CONN: conn }).options).toMatchObject({
      url: 'http://a.internal:9047',
    })
    expect(resolveConnection(none, { DREMIO_CONN: conn }).describe).not.toContain(SECRET)
  })
})
