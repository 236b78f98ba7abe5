#!/usr/bin/env bash
# Runs the README's walk-throughs as written, against fresh servers, and
# fails on any command that fails or any HTTP answer outside 2xx that the
# block itself does not show (its text must contain the status, e.g. 422).
# Other markdown files can be checked the same way: name them (paths from the
# repository root); with none, README.md.
#
# A fenced sh block runs when the line before it is one of:
#   <!-- readme-check: server -->   with this script's server running (started as the README
#                                   says: go run ./cmd/wushe > server.log, in a fresh directory)
#   <!-- readme-check: offline -->  with that server stopped (the data directory is one process's)
#   <!-- readme-check: self -->     the block starts its own server in the background; everything
#                                   the block started is stopped after it
# Blocks run in order, in one scratch directory, each in `bash -eo pipefail`.
# Differences from a reader's terminal, all mechanical: `go run ./cmd/wushe` runs a binary built
# once; localhost:8080 is a free port of this script (WUSHE_ADDR and API point there too).
#
#   bash scripts/readme-check.sh [FILE.md ...]   # needs curl and jq (installed from Debian when missing)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(README.md)
for f in "${files[@]}"; do [ -f "$repo/$f" ] || { echo "$f: no such file under $repo"; exit 1; }; done
export PATH="$PATH:/usr/local/go/bin"
for tool in curl jq; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$tool missing: installing Debian's package"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null; }
  fi
done
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
bin="$work/bin/wushe"
(cd "$repo" && go build -o "$bin" ./cmd/wushe)
cd "$work"
ln -s "$repo/scripts" scripts

# What every block sees: `go run ./cmd/wushe` is the built binary; curl
# reports each answer's status on the side (a block's own -w is left alone).
cat > prelude.sh <<PRELUDE
export WUSHE_ADDR=127.0.0.1:$port API=http://127.0.0.1:$port WUSHE_LOG_LEVEL=info
go() {
  if [ "\${1:-}" = run ] && [ "\${2:-}" = ./cmd/wushe ]; then shift 2; "$bin" "\$@"; else command go "\$@"; fi
}
curl() {
  local a
  for a in "\$@"; do case \$a in -w|--write-out|-w*) command curl "\$@"; return;; esac; done
  command curl -w '%{stderr}readme-check: HTTP %{http_code} %{method} %{url_effective}\n' "\$@"
}
export -f go curl
PRELUDE

start_server() {
  [ -n "$server_pid" ] && return
  WUSHE_ADDR=127.0.0.1:$port "$bin" serve >>server.log 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do
    command curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return
    kill -0 "$server_pid" 2>/dev/null || { echo "the server stopped:"; tail -20 server.log; exit 1; }
    sleep 0.1
  done
  echo "the server did not become ready:"; tail -20 server.log; exit 1
}
stop_server() {
  [ -z "$server_pid" ] && return
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

# Extract the marked blocks, file by file in the order given:
# blocks/NN.MODE.sh, each starting with its file and line number.
mkdir blocks
for f in "${files[@]}"; do
  awk -v dir=blocks -v n="$(ls blocks | wc -l)" -v name="$f" '
    /^<!-- readme-check: (server|offline|self) -->$/ { mode=$3; next }
    mode != "" && /^```sh$/ { n++; file=sprintf("%s/%02d.%s.sh", dir, n, mode); print "# " name " line " NR+1 > file; inblock=1; next }
    inblock && /^```$/ { inblock=0; mode=""; close(file); next }
    inblock { print > file; next }
    { if (!/^$/) mode="" }
  ' "$repo/$f"
done
count=$(ls blocks | wc -l)
[ "$count" -gt 0 ] || { echo "no block of ${files[*]} is marked for checking"; exit 1; }

failed=0
for f in blocks/*.sh; do
  mode=$(basename "$f" .sh); mode=${mode#*.}
  where=$(head -1 "$f")
  sed -i "s#localhost:8080#127.0.0.1:$port#g" "$f"
  case $mode in server) start_server ;; offline|self) stop_server ;; esac
  printf '\n== %s (%s)\n' "${where#\# }" "$mode"
  set +e
  if [ "$mode" = self ]; then
    setsid bash -c "source prelude.sh; set -eo pipefail; source $f" >"$f.out" 2>"$f.err" &
    pgid=$!; wait "$pgid"; rc=$?
    kill -- -"$pgid" 2>/dev/null; sleep 0.5; kill -9 -- -"$pgid" 2>/dev/null
  else
    bash -c "source prelude.sh; set -eo pipefail; source $f" >"$f.out" 2>"$f.err"; rc=$?
  fi
  set -e
  grep -v -e "^readme-check: HTTP" -e "^{\"time\":" "$f.out" | head -40 || true
  answers=$(grep -c '^readme-check: HTTP' "$f.err" || true)
  bad=""
  while read -r _ _ code method url; do
    case $code in 2??) continue ;; esac
    grep -q "$code" "$f" || bad="$bad\n  HTTP $code $method $url"
  done < <(grep '^readme-check: HTTP' "$f.err" || true)
  if [ "$rc" != 0 ] || [ -n "$bad" ]; then
    failed=1
    echo "FAILED: exit $rc${bad:+; answers the block does not show:}"
    [ -n "$bad" ] && printf '%b\n' "$bad"
    grep -v '^readme-check: HTTP' "$f.err" | tail -20 || true
  else
    echo "ok: $answers HTTP answers checked"
  fi
done
stop_server
if [ "$failed" != 0 ]; then echo; echo "README check failed"; exit 1; fi
echo; echo "README check: $count blocks of ${files[*]} ran as written"
