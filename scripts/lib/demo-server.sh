# Sourced by the scripts that drive a live demo city (e2e.sh, go-client.sh,
# ts-client.sh): a temporary work directory removed on exit together with
# the server, step(), and start_demo_server.
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

# start_demo_server builds ./cmd/wushe and starts `serve --demo` on a free
# port in a fresh data directory under $work, with the environment given as
# arguments (NAME=value ...); it sets port and server_pid and returns once
# /readyz answers.
start_demo_server() {
  step "build the service"
  go build -o "$work/wushe" ./cmd/wushe
  step "start the demo city"
  while :; do
    port=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break # nothing listens there
  done
  env "$@" WUSHE_LOG_LEVEL=warn "$work/wushe" serve --demo --data-dir "$work/data" \
    --addr "127.0.0.1:$port" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    if ! kill -0 "$server_pid" 2>/dev/null; then echo "the server stopped:"; tail -50 "$work/server.log"; exit 1; fi
    sleep 1
  done
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { echo "the server is not ready after 300 s:"; tail -50 "$work/server.log"; exit 1; }
  echo "ready on 127.0.0.1:$port"
}
