#!/usr/bin/env bash
# The README's test command (`pnpm test`): starts the services the tests use, builds (turbo: a
# cache hit when nothing changed; the e2e tests run apps/cli/dist/bin.js and the packaging tests
# pack dist/), runs every test suite once (vitest, then the Airflow module's python3 unittest
# suite), and ends with the plain line `N passed, N failed, N skipped` counting both.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh || exit 1
. scripts/test-env.sh
if ! TURBO_TELEMETRY_DISABLED=1 pnpm exec turbo run build --output-logs=errors-only; then
  echo "0 passed, 1 failed"
  exit 1
fi
# The projects' global setups (scripts/build-for-tests.ts) need not build again.
export DF_TEST_BUILT=1
rm -f .vitest-report.json .python-report.txt
pnpm exec vitest run --reporter=default --reporter=json --outputFile=.vitest-report.json "$@"
rc=$?
# integrations/airflow: python3 unittest against the real dremio-cli and emulator (its last
# stdout line is `python: N passed, N failed, N skipped`).
if command -v python3 >/dev/null; then
  python3 integrations/airflow/tests/run.py | tee .python-report.txt
  prc=${PIPESTATUS[0]}
else
  echo "python3 not found: the Airflow module's tests cannot run" >&2
  echo "python: 0 passed, 1 failed, 0 skipped" > .python-report.txt
  prc=1
fi
[ "$prc" -eq 0 ] || rc=1
if [ -f .vitest-report.json ]; then
  node -e '
    const j = require("./.vitest-report.json")
    const py = /python: (\d+) passed, (\d+) failed, (\d+) skipped/.exec(require("fs").readFileSync(".python-report.txt", "utf8")) ?? [0, 0, 1, 0]
    const [p, f, s] = py.slice(1).map(Number)
    console.log(`${j.numPassedTests + p} passed, ${j.numFailedTests + f} failed, ${j.numPendingTests + j.numTodoTests + s} skipped`)'
else
  echo "0 passed, 1 failed"
  rc=1
fi
exit $rc
