#!/usr/bin/env bash
# `npm test`: lint, typecheck, unit + integration tests, then the browser journeys.
# Database tests use TEST_DATABASE_URL when it is set (.ci/run starts a PostgreSQL
# server); otherwise embedded PGlite. Never downloads a browser: on Debian, Chromium
# comes from the distribution's own package.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

current="setup"
step() { current="$*"; printf '\n\033[1m== %s\033[0m\n' "$*"; }
# One summary line either way; set -e stops at the first failing step.
trap 'status=$?; [ "$status" -ne 0 ] && echo && echo "npm test: FAILED in step: $current (exit $status)." >&2' EXIT

if [ ! -d node_modules ] || [ package.json -nt node_modules ]; then
  step "npm install"
  npm install --no-audit --no-fund
fi

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  if [ -f /etc/debian_version ]; then
    step "installing Debian's chromium package (no browser is downloaded from anywhere else)"
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
  else
    echo "No Chromium at $CHROMIUM. Install Chromium with your package manager, or set CHROMIUM_PATH." >&2
    exit 1
  fi
fi

started=$(date +%s)
rm -rf .test-results
step "lint";        npm run lint
step "typecheck";   npm run typecheck
step "unit and integration tests${TEST_DATABASE_URL:+ (PostgreSQL server from TEST_DATABASE_URL)}"
npx vitest run --reporter=default --reporter=json --outputFile.json=.test-results/vitest.json
step "browser tests (Playwright, $CHROMIUM)"
npm run test:e2e

echo
echo "npm test: lint, typecheck, unit/integration and e2e all passed in $(( $(date +%s) - started ))s."
# One plain closing line over both runners, for whoever reads only the last line (CI does).
node -e '
  const fs = require("node:fs");
  const v = JSON.parse(fs.readFileSync(".test-results/vitest.json", "utf8"));
  const p = JSON.parse(fs.readFileSync(".test-results/playwright.json", "utf8")).stats;
  const passed = v.numPassedTests + p.expected + p.flaky, failed = v.numFailedTests + p.unexpected;
  const skipped = v.numPendingTests + v.numTodoTests + p.skipped;
  console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
'

