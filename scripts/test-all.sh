#!/usr/bin/env bash
# The project's test command (`npm test`): lint, typecheck, build, unit + integration tests (Vitest),
# the package tier (packed tarballs in fresh apps: installs, TypeScript, bundlers, Chromium, CLI),
# end-to-end tests in Chromium (Playwright, inside a sealed network namespace) and the demo's tests.
# Ends with one line: `N passed, N failed, N skipped` summed over every suite.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .artifacts
# The AWS SDK warns once per process that its 2027 releases will need Node 22; the tests run on Node 20.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
passed=0; failed=0; skipped=0; status=0

step() { # name, command...
  local name=$1; shift
  echo "::: $name"
  if "$@"; then passed=$((passed + 1)); echo "::: $name: ok"; else failed=$((failed + 1)); status=1; echo "::: $name: FAILED"; fi
}

# Static checks count as one test each.
step lint npx eslint .
step typecheck npx tsc -p tsconfig.json --noEmit
# Structure of src/ (scripts/check-structure.mjs): no import circles, no file over 400 lines, no copy-paste.
step no-import-circles node scripts/check-structure.mjs circles
step file-size node scripts/check-structure.mjs size
step no-duplicates node scripts/check-structure.mjs duplicates
step build npm run --silent build

# Vitest: unit + integration.
echo "::: vitest"
npx vitest run --reporter=default --reporter=json --outputFile=.artifacts/vitest.json
[ $? -eq 0 ] || status=1
if [ -f .artifacts/vitest.json ]; then
  read -r p f s < <(node -e '
    const r = JSON.parse(require("fs").readFileSync(".artifacts/vitest.json", "utf8"));
    console.log(r.numPassedTests, r.numFailedTests + (r.numFailedTestSuites || 0), r.numPendingTests + (r.numTodoTests || 0));')
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
else
  failed=$((failed + 1))
fi

# The package tier, the media tier and the browser suites print a final line "<suite>: N passed, N failed, N skipped".
for suite in scripts/package-test.sh scripts/media-test.sh scripts/e2e.sh scripts/demo-test.sh; do
  [ -x "$suite" ] || [ -f "$suite" ] || continue
  echo "::: $suite"
  bash "$suite" 2>&1 | tee .artifacts/suite.log
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  line=$(grep -E '^[a-z0-9-]+: [0-9]+ passed, [0-9]+ failed' .artifacts/suite.log | tail -1)
  if [ -n "$line" ]; then
    p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line"); f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
    s=$(grep -oE '[0-9]+ skipped' <<<"$line" | grep -oE '[0-9]+' || echo 0)
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + ${s:-0}))
  else
    failed=$((failed + 1)); status=1
  fi
done

echo "$passed passed, $failed failed, $skipped skipped"
exit $status
