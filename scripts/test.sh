#!/usr/bin/env bash
# The README's test command (`pnpm test`): starts the services the tests use, builds (turbo: a
# cache hit when nothing changed; the e2e tests run apps/cli/dist/bin.js and the packaging tests
# pack dist/), runs every test suite once, and ends with the plain line
# `N passed, N failed, N skipped`.
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
rm -f .vitest-report.json
pnpm exec vitest run --reporter=default --reporter=json --outputFile=.vitest-report.json "$@"
rc=$?
if [ -f .vitest-report.json ]; then
  node -e 'const j=require("./.vitest-report.json");console.log(`${j.numPassedTests} passed, ${j.numFailedTests} failed, ${j.numPendingTests+j.numTodoTests} skipped`)'
else
  echo "0 passed, 1 failed"
  rc=1
fi
exit $rc
