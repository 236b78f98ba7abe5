#!/usr/bin/env bash
# Lints saved OpenAPI documents with Redocly CLI (recommended ruleset,
# scripts/redocly.yaml) and Spectral (spectral:oas, scripts/.spectral.yaml),
# and fails when either reports an error. It starts nothing: by default it
# lints the served documents as the golden test saves them,
# handlers/testdata/openapi.json (3.1) and openapi-3.0.json, which
# `go test ./handlers/ -run Golden` checks against the server (and rewrites
# with -update). The linters are web/'s pinned devDependencies; they are
# installed with `npm ci` when missing.
#
#   bash scripts/lint-openapi.sh                 # the two golden documents
#   bash scripts/lint-openapi.sh saved.json ...  # other saved documents
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/web/node_modules/.bin"
if [ ! -x "$bin/redocly" ] || [ ! -x "$bin/spectral" ]; then
  (cd "$root/web" && npm ci --no-audit --no-fund)
fi
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
if [ $# -eq 0 ]; then set -- "$root/handlers/testdata/openapi.json" "$root/handlers/testdata/openapi-3.0.json"; fi
docs=()
for f in "$@"; do docs+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")"); done
failed=0
for doc in "${docs[@]}"; do
  printf '\n== %s\n' "$doc"
  "$bin/redocly" lint --config "$root/scripts/redocly.yaml" --format=summary "$doc" || failed=1
  "$bin/spectral" lint --ruleset "$root/scripts/.spectral.yaml" --fail-severity error --format text "$doc" || failed=1
done
if [ "$failed" != 0 ]; then printf '\nlint-openapi: errors above\n'; exit 1; fi
printf '\nlint-openapi: no errors\n'
