#!/usr/bin/env bash
# SciPy's sparse LAPJV on the exact instances of matching's batch families
# (issue 17): TestDumpBatchFamilies writes each family's 5,000-place
# instance and Assign's answers to a temporary directory, and
# matching/testdata/scipy_batch.py times
# scipy.sparse.csgraph.min_weight_full_bipartite_matching on the same
# model and checks that its objective and filled count equal Assign's.
# Then, unless SKIP_GO_BENCH=1, Assign's own benchmark on the same
# instances, so that both figures come from one session. Exits non-zero if
# any objective differs.
#
#   bash scripts/batch-scipy.sh            # REPEATS=3 by default
#   REPEATS=5 SKIP_GO_BENCH=1 bash scripts/batch-scipy.sh
#
# Needs Debian's python3 with SciPy: apt-get install -y python3-scipy.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
repeats=${REPEATS:-3}

echo "== the instances and Assign's answers (go test -run TestDumpBatchFamilies)"
WUSHE_BATCH_DUMP="$work" go test -count 1 -run '^TestDumpBatchFamilies$' ./matching/

echo "== SciPy, $repeats runs per family and mode"
nice -n 10 /usr/bin/python3 matching/testdata/scipy_batch.py "$work" "$repeats"

if [ "${SKIP_GO_BENCH:-0}" != 1 ]; then
  echo "== Assign: go test -run '^\$' -bench BatchFamily -benchtime 20x -count $repeats -cpu 1 ./matching/ (BatchFamily: Assign end to end; BatchFamilySolve: the solve alone)"
  nice -n 10 go test -run '^$' -bench BatchFamily -benchtime 20x -count "$repeats" -cpu 1 ./matching/
fi
