# Sourced by scripts/test.sh: where the test suites find the real services (override any of them).
export DF_TEST_POSTGRES_URL=${DF_TEST_POSTGRES_URL:-postgres://df:df@127.0.0.1:5432/test}
export DF_TEST_MYSQL_URL=${DF_TEST_MYSQL_URL:-mysql://df:df@127.0.0.1:3306/test}
export DF_TEST_REDIS_URL=${DF_TEST_REDIS_URL:-redis://127.0.0.1:6379}
