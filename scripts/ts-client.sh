#!/usr/bin/env bash
# The TypeScript client kit (clients/ts): installs its pinned dev tools
# (npm ci: typescript, openapi-typescript), checks that the generated API
# types (web/src/generated/openapi.d.ts) are current with the OpenAPI document,
# type-checks and builds the kit into a temporary directory, builds the
# service, starts the demo city on a free port and runs the kit's Node test
# (fetch and wx.request transports) against it, then stops the server.
#
#   bash scripts/ts-client.sh      # from anywhere in a clone
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/demo-server.sh

step "npm ci (clients/ts)"
node --version
(cd clients/ts && npm ci --no-audit --no-fund --loglevel=error)

step "the API types are generated from the OpenAPI document"
# handlers/testdata/openapi.json is the served /openapi.json (TestGoldenOpenAPI).
(cd clients/ts && npx openapi-typescript ../../handlers/testdata/openapi.json --output "$work/openapi.d.ts" >/dev/null)
if ! diff -q web/src/generated/openapi.d.ts "$work/openapi.d.ts" >/dev/null; then
  diff -u web/src/generated/openapi.d.ts "$work/openapi.d.ts" | head -40 || true
  echo "web/src/generated/openapi.d.ts is stale: run 'npm run gen:api' in web/ and commit it"
  exit 1
fi

step "type-check and build the kit"
(cd clients/ts && npx tsc -p . --outDir "$work/kit")
# The emitted modules are ES modules; Node reads them as such with this marker.
echo '{"type":"module"}' >"$work/kit/package.json"

start_demo_server

step "Node test of the kit (fetch and wx.request transports)"
status=0
WUSHE_URL="http://127.0.0.1:$port" node --test --test-reporter=spec "$work/kit/test/client.test.js" || status=$?
if [ "$status" -ne 0 ]; then
  echo "the server's last log lines:"
  tail -40 "$work/server.log"
fi
step "done"
exit "$status"
