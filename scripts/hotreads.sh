#!/usr/bin/env bash
# hotreads.sh: authenticated hot reads against a bare Fiber app, same run.
#
#   bash scripts/hotreads.sh [wushe-binary] [seconds] [connections]
#
# Builds scripts/barefiber (a bare Fiber JSON handler: the baseline) and,
# unless given, the service; starts `wushe serve --demo` (embedded stores)
# on a fresh data directory; signs in as the demo volunteer; then runs
# wrk -t2 on the bare app, the service's /healthz and GET /v1/me, one after
# the other, and prints each one's requests/s, p50 and p99 with /v1/me's
# share of the bare app's throughput. The figures are in docs/performance.md.
set -euo pipefail
bin=${1:-}
secs=${2:-10}
conns=${3:-64}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
dir=$(mktemp -d)
if [ -z "$bin" ]; then
  bin=$dir/wushe
  go build -o "$bin" ./cmd/wushe
fi
go build -o "$dir/barefiber" ./scripts/barefiber
port=$((20000 + RANDOM % 20000))
bare=$((port + 1))
"$dir/barefiber" -addr 127.0.0.1:$bare &
bpid=$!
WUSHE_LOG_LEVEL=warn "$bin" serve --demo --data-dir "$dir/data" --addr 127.0.0.1:$port >"$dir/out" 2>"$dir/log" &
pid=$!
trap 'kill $pid $bpid 2>/dev/null; wait $pid $bpid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 600); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
tok=$(curl -fs "http://127.0.0.1:$port/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"phone":"15600000001","password":"wushe-demo-2025"}' | sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p')
[ -n "$tok" ] || { echo "could not sign in as the demo volunteer" >&2; exit 1; }
measure() { # name url: prints a line, keeps requests/s in $dir/rps-name
  wrk -t2 -c"$conns" -d"${secs}s" --latency -H "Authorization: Bearer $tok" "$2" >"$dir/wrk"
  awk -v n="$1" '/^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /^Requests\/sec/ {rps=$2} /Non-2xx/ {bad=$NF}
    END {printf "%-12s %8.0f req/s  p50 %-9s p99 %-9s %s\n", n, rps, p50, p99, (bad ? "non-2xx " bad : "")}' "$dir/wrk"
  awk '/^Requests\/sec/ {print $2}' "$dir/wrk" >"$dir/rps-$1"
}
echo "wrk -t2 -c$conns -d${secs}s, one after the other ($(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg)):"
measure bare "http://127.0.0.1:$bare/"
measure healthz "http://127.0.0.1:$port/healthz"
measure me "http://127.0.0.1:$port/v1/me"
awk -v b="$(cat "$dir/rps-bare")" -v h="$(cat "$dir/rps-healthz")" -v m="$(cat "$dir/rps-me")" \
  'BEGIN {printf "GET /v1/me: %.0f%% of bare Fiber; /healthz: %.0f%%\n", 100*m/b, 100*h/b}'
