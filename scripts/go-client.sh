#!/usr/bin/env bash
# The Go client of the API (clients/go, its own module): generates the
# client with oapi-codegen from the pinned 3.0 document
# (handlers/testdata/openapi-3.0.json; the generated file is not kept in
# the repository, so it is never stale), vets it, builds the
# service, starts it with the demo city on a free port in a fresh data
# directory, runs the walk-through (clients/go/cmd/walkthrough: every call
# through the generated client, every answer decoded strictly) and stops
# the server. Exits non-zero on any failure.
#
#   bash scripts/go-client.sh            # from anywhere in a clone
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/demo-server.sh

step "generate clients/go/wushe/client.gen.go from handlers/testdata/openapi-3.0.json (oapi-codegen, pinned in generate.go)"
(cd clients/go && go generate ./...)

step "vet and test the client and the walk-through, build the walk-through"
(cd clients/go && go vet ./... && go test ./... && go build -o "$work/walkthrough" ./cmd/walkthrough)

start_demo_server WUSHE_PHONE_CODE_OPTIONAL=1

step "the walk-through (clients/go/cmd/walkthrough)"
status=0
"$work/walkthrough" -base "http://127.0.0.1:$port" || status=$?
if [ "$status" -ne 0 ]; then
  echo "the server's last log lines:"
  tail -40 "$work/server.log"
fi
step "done"
exit "$status"
