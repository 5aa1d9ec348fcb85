"""How often the support rule marks *normal* rows: held-out training rows outside the support (issue 13).

The support rule (``ganad.utils.support``) puts a row beyond some feature's training range by
more than three standard deviations above every training row. On training data only: each
cell's training rows (``defaults_quality.training_cell``) are split 80/20
(``defaults_validation.validation_split``), z-scored and the support fitted on the 80 %; the
script prints the fraction of the held-out 20 % -- normal rows, all of them -- that the rule
marks, and for each marked row the feature that puts it out (its number of distinct training
values and training range, in z-scores). A rule that marks a few percent of normal rows ranks
them above every anomaly the detector itself finds.

    PYTHONPATH=src python benchmarks/support_validation.py thyroid arrhythmia musk kddcup99 ring --why
"""

import argparse
from pathlib import Path

import numpy as np

from defaults_quality import training_cell
from defaults_validation import validation_split
from ganad.utils.scaling import apply_scaler, fit_scaler
from ganad.utils.support import excess, fit_support


def marked(cell, seed, data_dir):
    """``(A, B, support, excess of B)``: scaled fit rows, scaled held-out rows, the support, the held-out excess."""
    X_fit, X_held, _ = validation_split(training_cell(cell, seed, data_dir)[0], seed)
    scaler = fit_scaler(X_fit, "standard")
    A, B = apply_scaler(X_fit, scaler), apply_scaler(X_held, scaler)
    support = fit_support(A)
    return A, B, support, excess(B, support)


def explain(A, B, support, e):
    """One line per marked held-out row: the feature farthest out and what training saw of it."""
    beyond = np.maximum(support["low"] - B, B - support["high"]) / support["margin"]
    for i in np.flatnonzero(e > 1):
        j = int(beyond[i].argmax())
        print(f"    row {i}: feature {j} at {B[i, j]:.2f}, {beyond[i, j]:.2f} margins out; training: "
              f"{len(np.unique(A[:, j]))} distinct values in [{A[:, j].min():.2f}, {A[:, j].max():.2f}]; "
              f"{int((beyond[i] > 1).sum())} features out")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cells", nargs="+")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--why", action="store_true", help="name the feature that puts each marked row out")
    args = parser.parse_args()
    for cell in args.cells:
        for seed in args.seeds:
            A, B, support, e = marked(cell, seed, args.data_dir)
            print(f"{cell:10s} seed {seed}  features {A.shape[1]:3d}  fit rows {len(A):5d}  "
                  f"held-out normal rows marked {int((e > 1).sum())} of {len(B)} ({np.mean(e > 1):.3f})")
            if args.why:
                explain(A, B, support, e)


if __name__ == "__main__":
    main()
