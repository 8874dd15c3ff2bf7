#!/usr/bin/env bash
# The `package` test tier (scripts/package-tier/run.mjs): packs aws-ivs-realtime and ivs-local,
# installs them into fresh temporary apps and checks what npm users get (install contents,
# TypeScript consumers, four bundlers, the bundles in Chromium, the server handler, the CLI).
# Builds first when dist/ is missing or older than the sources. Ends with one line:
# `package: N passed, N failed, N skipped`.
set -uo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f dist/index.js || ! -f packages/ivs-local/dist/index.js ]] || [[ -n "$(find src packages/ivs-local/src package.json packages/ivs-local/package.json -newer packages/ivs-local/dist/index.js -print -quit)" ]]; then
  echo "package: building (dist/ is missing or older than the sources)"
  if ! npm run --silent build; then
    echo "package: 0 passed, 1 failed, 0 skipped"
    exit 1
  fi
fi
node scripts/package-tier/run.mjs "$@"
