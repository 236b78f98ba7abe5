#!/usr/bin/python3
"""Solve the batch families dumped by TestDumpBatchFamilies with SciPy.

Usage: scipy_batch.py DIR [REPEATS]      (scripts/batch-scipy.sh runs it)

For each DIR/<family>.csv ("place,volunteer,score" per offer) this builds
the same model as matching.Assign and times
scipy.sparse.csgraph.min_weight_full_bipartite_matching (LAPJVsp, "sparse
Jonker-Volgenant") on it REPEATS times (default 3), in both of Assign's
modes. It checks that SciPy's objective and filled count equal Assign's,
read from DIR/<family>.json, and exits 1 if any differs.

The model. SciPy wants a full matching (every row matched), while Assign
may leave places empty, so every row gets a private "unfilled" column, as
in Assign; then a full matching always exists. SciPy is timed both ways
round, since that is free to choose and matters when volunteers are
scarce: places as rows (columns: the volunteers, then one unfilled column
per place) and volunteers as rows (columns: the places, then one unused
column per volunteer). Assign itself puts the smaller side on the rows.
SciPy needs non-zero weights, so each weight is one more than Assign's
value: an unfilled column weighs 1 and an offer score + 1, or, with
FillFirst, score + bonus + 1, where bonus is Assign's (1 plus the sum over
places of max(0, best score) - min(0, worst score)), large enough that one
more filled place outweighs any difference in score. Every row is matched
exactly once, so the shift adds the same amount to every full matching
and the maximiser is unchanged. Only the solve is timed, not building the
CSR matrix from integer arrays, which is printed apart ("CSR build");
Assign's benchmark BenchmarkBatchFamily times everything, from the []Place
with string ids to the result and the greedy figure beside it, and
BenchmarkBatchFamilySolve the solve alone.
"""
import json
import pathlib
import sys
import time

import numpy as np
import scipy
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching


def fill_bonus(places, scores, nplaces):
    """Assign's FillFirst bonus."""
    hi = np.zeros(nplaces, dtype=np.int64)
    lo = np.zeros(nplaces, dtype=np.int64)
    np.maximum.at(hi, places, scores)
    np.minimum.at(lo, places, scores)
    return 1 + int((hi - lo).sum())


def model(rows, cols, weights, nrows, ncols):
    """The sparse weight matrix to maximise: the offers, and each row's own
    unfilled column (weight 1) after the ncols real ones."""
    w = np.concatenate([weights, np.ones(nrows, dtype=np.int64)])
    r = np.concatenate([rows, np.arange(nrows)])
    c = np.concatenate([cols, ncols + np.arange(nrows)])
    return csr_matrix((w.astype(np.float64), (r, c)), shape=(nrows, ncols + nrows))


def timed(m, ncols, bonus, repeats):
    """Solves m repeats times; returns the times in ms, the objective and
    the number of rows matched to a real column."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        row_ind, col_ind = min_weight_full_bipartite_matching(m, maximize=True)
        times.append((time.perf_counter() - t0) * 1000)
    real = col_ind < ncols
    weights = np.asarray(m[row_ind[real], col_ind[real]]).ravel()
    return times, int(round((weights - bonus - 1).sum())), int(real.sum())


def main():
    root = pathlib.Path(sys.argv[1])
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    print(f"scipy {scipy.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}")
    ok = True
    for summary_path in sorted(root.glob("*.json")):
        family = summary_path.stem
        want = json.loads(summary_path.read_text())
        edges = np.loadtxt(root / f"{family}.csv", delimiter=",", dtype=np.int64, ndmin=2)
        places, vols, scores = edges[:, 0], edges[:, 1], edges[:, 2]
        nplaces, nvols = want["places"], want["volunteers"]
        pairs = places * nvols + vols
        if len(np.unique(pairs)) != len(pairs):
            sys.exit(f"{family}: a repeated offer; the CSR matrix would add the two scores up")
        for fill_first in (False, True):
            bonus = fill_bonus(places, scores, nplaces) if fill_first else 0
            weights = scores + bonus + 1
            key = ("fillFirstObjective", "fillFirstFilled") if fill_first else ("objective", "filled")
            mode = "fillfirst" if fill_first else "plain"
            for orientation, rows, cols, nrows, ncols in (
                ("places as rows", places, vols, nplaces, nvols),
                ("volunteers as rows", vols, places, nvols, nplaces),
            ):
                t0 = time.perf_counter()
                m = model(rows, cols, weights, nrows, ncols)
                build = (time.perf_counter() - t0) * 1000
                times, objective, filled = timed(m, ncols, bonus, repeats)
                same = objective == want[key[0]] and filled == want[key[1]]
                ok = ok and same
                print(f"{family:10s} {mode:9s} {orientation:18s} scipy "
                      f"{min(times):6.0f}-{max(times):.0f} ms ({', '.join(f'{t:.0f}' for t in times)}; CSR build {build:.0f}); "
                      f"objective {objective} filled {filled}; Assign {want[key[0]]} filled {want[key[1]]}: "
                      f"{'equal' if same else 'DIFFERENT'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
