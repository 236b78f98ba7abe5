#!/usr/bin/python3
"""Solve the batch families dumped by TestDumpBatchFamilies with SciPy.

Usage: scipy_batch.py DIR [REPEATS]

For each DIR/<family>.csv ("place,volunteer,score" per offer) this builds
the same model as matching.Assign and times
scipy.sparse.csgraph.min_weight_full_bipartite_matching (LAPJVsp) on it,
REPEATS times (default 3), in both of Assign's modes. It then checks that
the objective and the filled count equal Assign's, read from
DIR/<family>.json, and exits 1 if any differs.

The model: rows are places, columns are the volunteers followed by one
private "unfilled" column per place, so that every place can be matched
and a full matching (every row matched) always exists; Assign adds the same
columns. SciPy needs non-zero weights, so every weight is one more than
Assign's value: the unfilled column weighs 1 and an offer score + 1, or,
with FillFirst, score + bonus + 1, where bonus is Assign's (1 plus the sum
over places of max(0, best score) - min(0, worst score)), large enough that
one more filled place outweighs any difference in score. Every row is
matched once, so the shift adds the same number of places to every
matching and the maximiser is unchanged. Only the solve is timed; building
the CSR matrix is not.
"""
import json
import pathlib
import sys
import time

import numpy as np
import scipy
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching


def fill_bonus(rows, scores, places):
    """Assign's FillFirst bonus: 1 + the sum over places of
    max(0, best score) - min(0, worst score)."""
    hi = np.zeros(places, dtype=np.int64)
    lo = np.zeros(places, dtype=np.int64)
    np.maximum.at(hi, rows, scores)
    np.minimum.at(lo, rows, scores)
    return 1 + int((hi - lo).sum())


def model(rows, cols, scores, places, volunteers, bonus):
    """The sparse weight matrix to maximise, with the unfilled columns."""
    weights = np.concatenate([scores + bonus + 1, np.ones(places, dtype=np.int64)])
    r = np.concatenate([rows, np.arange(places)])
    c = np.concatenate([cols, volunteers + np.arange(places)])
    return csr_matrix((weights.astype(np.float64), (r, c)), shape=(places, volunteers + places))


def main():
    root = pathlib.Path(sys.argv[1])
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    print(f"scipy {scipy.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}")
    ok = True
    for summary_path in sorted(root.glob("*.json")):
        family = summary_path.stem
        want = json.loads(summary_path.read_text())
        edges = np.loadtxt(root / f"{family}.csv", delimiter=",", dtype=np.int64, ndmin=2)
        rows, cols, scores = edges[:, 0], edges[:, 1], edges[:, 2]
        places, volunteers = want["places"], want["volunteers"]
        pairs = rows * volunteers + cols
        if len(np.unique(pairs)) != len(pairs):
            sys.exit(f"{family}: a repeated offer; CSR would add the two scores up")
        for fill_first in (False, True):
            bonus = fill_bonus(rows, scores, places) if fill_first else 0
            m = model(rows, cols, scores, places, volunteers, bonus)
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                row_ind, col_ind = min_weight_full_bipartite_matching(m, maximize=True)
                times.append(time.perf_counter() - t0)
            real = col_ind < volunteers
            weights = np.asarray(m[row_ind[real], col_ind[real]]).ravel()
            objective = int(round((weights - bonus - 1).sum()))
            filled = int(real.sum())
            key_obj, key_fill = ("fillFirstObjective", "fillFirstFilled") if fill_first else ("objective", "filled")
            same = objective == want[key_obj] and filled == want[key_fill]
            ok = ok and same
            mode = "fillfirst" if fill_first else "plain"
            print(f"{family:10s} {mode:9s} scipy {', '.join(f'{t * 1000:.0f}' for t in times)} ms; "
                  f"objective {objective} filled {filled}; Assign {want[key_obj]} filled {want[key_fill]}: "
                  f"{'equal' if same else 'DIFFERENT'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
