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
export PATH="$PATH:/usr/local/go/bin:$HOME/go/bin"
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
step() { printf '\n== %s (%ss)\n' "$*" "$SECONDS"; }

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

step "build the service"
go build -o "$work/wushe" ./cmd/wushe

step "start the demo city"
while :; do
  port=$((20000 + RANDOM % 20000))
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break # nothing listens there
done
WUSHE_LOG_LEVEL=warn "$work/wushe" serve --demo --data-dir "$work/data" \
  --addr "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  if ! kill -0 "$server_pid" 2>/dev/null; then echo "the server stopped:"; tail -50 "$work/server.log"; exit 1; fi
  sleep 1
done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { echo "the server is not ready after 300 s:"; tail -50 "$work/server.log"; exit 1; }
echo "ready on 127.0.0.1:$port"

step "Node test of the kit (fetch and wx.request transports)"
status=0
WUSHE_URL="http://127.0.0.1:$port" node --test --test-reporter=spec "$work/kit/test/client.test.js" || status=$?
if [ "$status" -ne 0 ]; then
  echo "the server's last log lines:"
  tail -40 "$work/server.log"
fi
step "done"
exit "$status"
