#!/usr/bin/env bash
# The README's test command (`pnpm test`): starts the services the tests use, runs every test
# suite once, and ends with the plain line `N passed, N failed, N skipped`.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh || exit 1
. scripts/test-env.sh
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
