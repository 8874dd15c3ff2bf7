#!/usr/bin/env bash
# Runs the demo's browser tests (tests/demo) inside the sealed network namespace and prints
#   demo: N passed, N failed, N skipped
# Extra arguments go to Playwright (e.g. -g 'chat'). DEMO_UPDATE_DOCS_SCREENSHOT=1 also refreshes
# docs/screenshot-live.png from the run.
set -uo pipefail
cd "$(dirname "$0")/.."

report=.artifacts/demo/report.json
rm -f "$report"
scripts/netns-run.sh npx playwright test -c tests/demo/playwright.config.ts "$@"
status=$?

if [[ -f "$report" ]]; then
  node -e '
    const stats = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")).stats ?? {};
    const failed = (stats.unexpected ?? 0) + (stats.flaky ?? 0);
    console.log(`demo: ${stats.expected ?? 0} passed, ${failed} failed, ${stats.skipped ?? 0} skipped`);
  ' "$report"
else
  echo "demo: 0 passed, 1 failed, 0 skipped (no report: the run did not start; see above)"
  [[ $status -eq 0 ]] && status=1
fi
exit $status
