#!/usr/bin/env bash
# loadcounts.sh: what anonymous GET /v1/needs/counts traffic does to a
# signed-in user, on the demo city (embedded stores).
#
#   bash scripts/loadcounts.sh [wushe-binary] [wrk-connections] [seconds]
#
# Starts `wushe serve --demo` on a fresh data directory, signs in as the
# demo volunteer, times 40 sequential GET /v1/me of that user with no
# other traffic, then the same while wrk sends anonymous counts from this
# one address with the given connections. Prints wrk's summary (with the
# non-2xx answers: 429 once the anonymous limit is reached) and both
# latency sets. WUSHE_ANON_LIMIT (inherited) sets the anonymous limit; a
# very high value measures the cache alone.
set -euo pipefail
bin=${1:-}
conns=${2:-4}
secs=${3:-15}
if [ -z "$bin" ]; then
  bin=$(mktemp -d)/wushe
  go build -o "$bin" ./cmd/wushe
fi
command -v wrk >/dev/null || { echo "wrk is not installed" >&2; exit 1; }
dir=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
base=http://127.0.0.1:$port
"$bin" serve --demo --data-dir "$dir" --addr 127.0.0.1:$port >"$dir/out" 2>"$dir/log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 600); do
  if grep -qs '^volunteer' "$dir/out" "$dir/log" && curl -fs "$base/readyz" >/dev/null 2>&1; then break; fi
  sleep 0.5
done
phone=$(cat "$dir/out" "$dir/log" | awk '$1 == "volunteer" {print $2; exit}')
pass=$(cat "$dir/out" "$dir/log" | awk '$1 == "volunteer" {print $3; exit}')
[ -n "$phone" ] || { echo "no demo volunteer login in the output" >&2; cat "$dir/log" >&2; exit 1; }
tok=$(curl -fs "$base/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"phone\":\"$phone\",\"password\":\"$pass\"}" | sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p')
curl -fs "$base/v1/needs/counts" >/dev/null # the first read, as a client would see it
probe() {
  for _ in $(seq 1 40); do
    curl -s -o /dev/null -w '%{time_total}\n' "$base/v1/me" -H "Authorization: Bearer $tok"
  done | sort -n | awk '{a[NR]=$1} END {printf "p50 %.1f ms, p95 %.1f ms, max %.1f ms\n", a[int(NR*0.5)]*1000, a[int(NR*0.95)]*1000, a[NR]*1000}'
}
echo "signed-in GET /v1/me, idle:          $(probe)"
wrk -t2 -c"$conns" -d"${secs}s" --timeout 30s --latency "$base/v1/needs/counts" >"$dir/wrk" &
wpid=$!
sleep 2
echo "signed-in GET /v1/me, during the load: $(probe)"
wait $wpid
echo "wrk: $conns anonymous connections on GET /v1/needs/counts for ${secs}s"
grep -E "Requests/sec|Non-2xx|requests in|Latency|50%|99%|Socket errors" "$dir/wrk"
