#!/usr/bin/env bash
# End-to-end suite: Playwright drives Debian Chromium (fake camera and microphone) against the built
# package and ivs-local, everything inside a sealed network namespace (scripts/netns-run.sh).
#
#   scripts/e2e.sh [playwright test args…]     e.g. scripts/e2e.sh -g "mute"
#
# Builds the package first when dist/ is missing or older than src/ (E2E_SOURCE=1 tests src/
# instead, without building). Ends with one line: `e2e: N passed, N failed, N skipped`.
set -uo pipefail
cd "$(dirname "$0")/.."

if [[ "${E2E_SOURCE:-}" != "1" ]]; then
  if [[ ! -f dist/index.js || ! -f packages/ivs-local/dist/index.js ]] || [[ -n "$(find src packages/ivs-local/src package.json packages/ivs-local/package.json -newer packages/ivs-local/dist/index.js -print -quit)" ]]; then
    echo "e2e: building the package (dist/ is missing or older than src/)"
    if ! npm run --silent build; then
      echo "e2e: the build failed"
      echo "e2e: 0 passed, 1 failed, 0 skipped"
      exit 1
    fi
  fi
fi

# Each run writes into its own directory (concurrent runs share nothing); the last report is
# copied to tests/e2e/.out/report.json.
export E2E_OUT_DIR="$PWD/tests/e2e/.out/run-$$"
report="$E2E_OUT_DIR/report.json"
rm -rf "$E2E_OUT_DIR"
mkdir -p "$E2E_OUT_DIR"
scripts/netns-run.sh node node_modules/@playwright/test/cli.js test -c tests/e2e/playwright.config.ts "$@"
status=$?

summary=$(node -e '
  const fs = require("fs");
  const file = process.argv[1];
  if (!fs.existsSync(file)) { console.log("0 0 0 1"); process.exit(0); }
  const r = JSON.parse(fs.readFileSync(file, "utf8"));
  const s = r.stats || {};
  const errors = (r.errors || []).length; // global setup/teardown failures, no tests run
  console.log((s.expected || 0) + (s.flaky || 0), (s.unexpected || 0) + errors, s.skipped || 0, 0);
' "$report")
read -r passed failed skipped missing <<<"$summary"
if [[ "$missing" == "1" ]]; then
  echo "e2e: Playwright wrote no report ($report)"
  failed=$((failed + 1))
fi
if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi
[[ -f "$report" ]] && cp "$report" tests/e2e/.out/report.json
# Keep the test results of failed runs for inspection; drop the rest (harness build, data file).
if [[ $failed -eq 0 ]]; then rm -rf "$E2E_OUT_DIR"; else echo "e2e: results kept in $E2E_OUT_DIR"; fi
echo "e2e: $passed passed, $failed failed, $skipped skipped"
[[ $failed -eq 0 && $status -eq 0 ]]
