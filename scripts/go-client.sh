#!/usr/bin/env bash
# The Go client of the API (clients/go, its own module): checks that the
# checked-in client is what oapi-codegen generates from the pinned 3.0
# document (handlers/testdata/openapi-3.0.json), vets it, builds the
# service, starts it with the demo city on a free port in a fresh data
# directory, runs the walk-through (clients/go/cmd/walkthrough: every call
# through the generated client, every answer decoded strictly) and stops
# the server. Exits non-zero on any failure.
#
#   bash scripts/go-client.sh            # from anywhere in a clone
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

step "clients/go/wushe/client.gen.go is generated from handlers/testdata/openapi-3.0.json"
gen=$(sed -n 's#^//go:generate ##p' clients/go/generate.go)
[ -n "$gen" ] || { echo "clients/go/generate.go has no //go:generate line"; exit 1; }
# The same command, writing elsewhere (the output file named by -o).
gen=${gen/-o wushe\/client.gen.go/-o $work/client.gen.go}
(cd clients/go && eval "$gen")
if ! diff -q clients/go/wushe/client.gen.go "$work/client.gen.go" >/dev/null; then
  diff -u clients/go/wushe/client.gen.go "$work/client.gen.go" | head -40 || true
  echo "clients/go/wushe/client.gen.go is stale: run 'go generate ./...' in clients/go and commit it"
  exit 1
fi

step "vet and test the client and the walk-through, build the walk-through"
(cd clients/go && go vet ./... && go test ./... && go build -o "$work/walkthrough" ./cmd/walkthrough)

step "build the service"
go build -o "$work/wushe" ./cmd/wushe

step "start the demo city"
while :; do
  port=$((20000 + RANDOM % 20000))
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break # nothing listens there
done
WUSHE_PHONE_CODE_OPTIONAL=1 WUSHE_LOG_LEVEL=warn "$work/wushe" serve --demo --data-dir "$work/data" \
  --addr "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  if ! kill -0 "$server_pid" 2>/dev/null; then echo "the server stopped:"; tail -50 "$work/server.log"; exit 1; fi
  sleep 1
done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { echo "the server is not ready after 300 s:"; tail -50 "$work/server.log"; exit 1; }
echo "ready on 127.0.0.1:$port"

step "the walk-through (clients/go/cmd/walkthrough)"
status=0
"$work/walkthrough" -base "http://127.0.0.1:$port" || status=$?
if [ "$status" -ne 0 ]; then
  echo "the server's last log lines:"
  tail -40 "$work/server.log"
fi
step "done"
exit "$status"
