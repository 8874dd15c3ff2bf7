#!/usr/bin/env bash
# Media tier: Vitest tests that move WebRTC media between Node peers through ivs-local (bots, WHEP
# viewers, `ivs-local load-test` from dist/), inside a sealed network namespace (scripts/netns-run.sh).
# Needs the build (dist/). Ends with one line: `media: N passed, N failed, N skipped`.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .artifacts
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
rm -f .artifacts/media.json
scripts/netns-run.sh npx vitest run -c tests/media/vitest.config.ts --reporter=default --reporter=json --outputFile=.artifacts/media.json "$@"
status=$?
read -r p f s < <(node -e '
  const fs = require("fs");
  if (!fs.existsSync(".artifacts/media.json")) { console.log(0, 1, 0); process.exit(0); }
  const r = JSON.parse(fs.readFileSync(".artifacts/media.json", "utf8"));
  console.log(r.numPassedTests, r.numFailedTests + (r.numFailedTestSuites || 0), r.numPendingTests + (r.numTodoTests || 0));')
if [[ $status -ne 0 && $f -eq 0 ]]; then f=1; fi
echo "media: $p passed, $f failed, $s skipped"
[[ $status -eq 0 ]]
