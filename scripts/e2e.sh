#!/usr/bin/env bash
# End-to-end tests of the web console (web/e2e) in a real browser: installs
# what they need if missing (Debian's chromium, a CJK font for readable
# screenshots, the npm packages of web/), checks that the console's API types
# are generated from the OpenAPI document and type-check and that the
# committed web/dist is the build of web/src, builds the service, starts it
# with the demo city on a free port in a fresh data directory, runs the
# Playwright tests (playwright-core driving /usr/bin/chromium, node's test
# runner) and stops the server. Screenshots land in web/e2e/screenshots/.
#
#   bash scripts/e2e.sh            # from anywhere in a clone
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/demo-server.sh

step "tools"
missing=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-wqy-microhei)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian's ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
"${CHROMIUM_PATH:-/usr/bin/chromium}" --version
node --version

step "npm ci (web/)"
(cd web && npm ci --no-audit --no-fund --loglevel=error)

step "web/src/generated/openapi.d.ts is generated from the OpenAPI document; the console type-checks"
# handlers/testdata/openapi.json is the served /openapi.json (TestGoldenOpenAPI).
(cd web && npx openapi-typescript ../handlers/testdata/openapi.json --output "$work/openapi.d.ts" >/dev/null)
if ! diff -q web/src/generated/openapi.d.ts "$work/openapi.d.ts" >/dev/null; then
  diff -u web/src/generated/openapi.d.ts "$work/openapi.d.ts" | head -40 || true
  echo "web/src/generated/openapi.d.ts is stale: run 'npm run gen:api' in web/ and commit it"
  exit 1
fi
(cd web && npm run --silent typecheck)

step "web/dist is the build of web/src (the console, and the volunteers' app in dist/m)"
(cd web && npx vite build --outDir "$work/dist" --emptyOutDir --logLevel warn &&
  npx vite build -c vite.m.config.ts --outDir "$work/dist/m" --emptyOutDir --logLevel warn)
if ! diff -r web/dist "$work/dist"; then
  echo "web/dist is stale: run 'npm run build' in web/ and commit web/dist"
  exit 1
fi
(cd web && node scripts/size.mjs)

start_demo_server WUSHE_PHONE_CODE_OPTIONAL=1
# The volunteers' app registers with a real SMS code: the test reads it from
# the log adapter's line in the server's log (development only).
export WUSHE_SERVER_LOG="$work/server.log"

step "Playwright tests (web/e2e)"
status=0
# Every web/e2e/*.test.mjs (node's runner takes them in name order, whatever
# the order given: each file sets up what it reads, or reads only what the
# demo city has); E2E_TESTS="e2e/a.test.mjs e2e/b.test.mjs" runs only those.
if [ -z "${E2E_TESTS:-}" ]; then
  E2E_TESTS="e2e/console.test.mjs $(cd web && ls e2e/*.test.mjs | grep -v '^e2e/console.test.mjs$' | tr '\n' ' ')"
fi
# shellcheck disable=SC2086 # a list of files
(cd web && WUSHE_URL="http://127.0.0.1:$port" node --test --test-concurrency=1 --test-reporter=spec $E2E_TESTS) || status=$?
if [ "$status" -ne 0 ]; then
  echo "the server's last log lines:"
  tail -40 "$work/server.log"
fi
echo "screenshots: web/e2e/screenshots/"
step "done"
exit "$status"
