#!/usr/bin/env bash
# Starts PostgreSQL, MariaDB and Redis where they are not running, and makes the test logins;
# installs Debian's chromium (for the UI's browser tests) where /usr/bin/chromium is missing.
# Idempotent: a second run when everything is up takes well under a second.
# Prints the DF_TEST_* URLs the test suites read (source scripts/test-env.sh to get them exported).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v pg_ctlcluster >/dev/null || ! command -v redis-server >/dev/null || ! command -v mariadbd >/dev/null; then
  echo "[services] installing postgresql, mariadb-server, redis-server from Debian" >&2
  as_root apt-get update -qq && as_root apt-get install -y -qq postgresql mariadb-server redis-server >/dev/null
fi

# Chromium: the @df/ui browser tests and bench drive Debian's build (playwright-core downloads none)
if [ ! -x /usr/bin/chromium ]; then
  echo "[services] installing chromium from Debian" >&2
  as_root apt-get update -qq && as_root apt-get install -y -qq chromium >/dev/null
fi

# PostgreSQL
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  PGV=$(ls /etc/postgresql | sort -V | tail -1)
  as_root pg_ctlcluster --skip-systemctl-redirect "$PGV" main start || true
fi
for _ in $(seq 1 100); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
pg_isready -q -h 127.0.0.1 -p 5432 || { echo "[services] PostgreSQL did not start" >&2; exit 1; }
psql_su() { if [ "$(id -u)" = 0 ]; then su postgres -c "psql -qtAX -c \"$1\""; else sudo -u postgres psql -qtAX -c "$1"; fi; }
psql_su "SELECT 1 FROM pg_roles WHERE rolname='df'" | grep -q 1 || psql_su "CREATE ROLE df LOGIN SUPERUSER PASSWORD 'df'"
psql_su "SELECT 1 FROM pg_database WHERE datname='test'" | grep -q 1 || psql_su "CREATE DATABASE test"

# Redis (keeps nothing on disk)
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/df-services.log
fi
for _ in $(seq 1 100); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.2; done
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { echo "[services] Redis did not start" >&2; exit 1; }

# MariaDB
if ! mariadb-admin ping --silent >/dev/null 2>&1; then
  as_root install -d -o mysql -g mysql /run/mysqld
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
fi
for _ in $(seq 1 150); do mariadb-admin ping --silent >/dev/null 2>&1 && break; sleep 0.2; done
mariadb-admin ping --silent >/dev/null 2>&1 || { echo "[services] MariaDB did not start" >&2; exit 1; }
as_root mariadb -e "CREATE DATABASE IF NOT EXISTS test;
  CREATE USER IF NOT EXISTS 'df'@'127.0.0.1' IDENTIFIED BY 'df';
  CREATE USER IF NOT EXISTS 'df'@'localhost' IDENTIFIED BY 'df';
  GRANT ALL ON *.* TO 'df'@'127.0.0.1' WITH GRANT OPTION;
  GRANT ALL ON *.* TO 'df'@'localhost' WITH GRANT OPTION;"
echo "[services] PostgreSQL, MariaDB and Redis are up" >&2
