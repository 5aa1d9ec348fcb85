"""How many *new* normal rows ``predict`` flags, with ``fit``'s ``offset_`` and after ``calibrate``.

``contamination`` (0.1 by default) promises that ``predict`` flags that share of the data's
normal rows, but ``fit`` sets ``offset_`` from the training rows' own scores. A model that
scores its training rows as more normal than new rows of the same data flags more of the
new ones. On training data only, per detector (its defaults, as ``defaults_quality.build``
makes it) and cell:

* the cell's validation split (``defaults_validation``): a row cell's training rows split
  80/20, the detector fitted on the 80 %; or ``mnist8:c``'s 180 fitted digits and 180 unseen
  ones of the same digit; every row here is normal;
* ``flagged_training``: the share of the fitted rows that ``predict`` flags (``contamination``
  by construction); ``flagged_held_out``: the share of the held-out rows it flags with
  ``fit``'s ``offset_``;
* ``flagged_calibrated``: the held-out rows split at random into halves ``SPLITS`` times,
  ``offset_`` set from one half as ``calibrate`` sets it (the ``contamination`` quantile of
  their ``score_samples``; the first split goes through ``calibrate`` itself) and the share of
  the other half flagged, averaged over the splits (``calibrated_p10``, ``calibrated_p90``:
  its 10th and 90th percentiles, the spread one calibration set of that size gives); empty where
  ``offset_`` is not a quantile (``WGANCritic``'s default ``contamination="range"``).

    PYTHONPATH=src:benchmarks python benchmarks/false_alarms.py --methods iforest kde gmm \\
        --cells thyroid arrhythmia mnist8:5 --csv results/defaults-quality/cpu/false_alarms.csv
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch

from defaults_quality import build, training_cell
from defaults_validation import append_rows, mnist8_split, validation_cells, validation_split
from ganad.registry import DETECTORS

SPLITS = 200


def split(cell, seed, data_dir):
    """``(X_fit, X_held_out)``, normal rows of the cell's training data."""
    if cell.startswith("mnist8:"):
        X_fit, X_held_out, _ = mnist8_split(cell, data_dir, seed)
    else:
        X_fit, X_held_out, _ = validation_split(training_cell(cell, seed, data_dir)[0], seed)
    return X_fit, X_held_out


def flagged(detector, X):
    """The share of the rows of ``X`` that ``detector.predict`` flags (-1)."""
    return float(np.mean(detector.predict(X) == -1))


def calibrated_shares(detector, X_held_out, normality, seed):
    """The share of one half of ``X_held_out`` flagged after calibrating on the other, per random split;
    None where ``calibrate`` leaves ``offset_`` (``calibration_rows_`` stays None). ``normality``: the
    rows' ``score_samples``, scored once."""
    rng = np.random.default_rng(seed)
    shares = []
    for index in range(SPLITS):
        order = rng.permutation(len(X_held_out))
        calibration, evaluation = order[:len(order) // 2], order[len(order) // 2:]
        if index == 0:
            offset = detector.calibrate(X_held_out[calibration]).offset_
            if detector.calibration_rows_ is None:
                return None
        else:
            offset = np.percentile(normality[calibration], 100.0 * detector.contamination)
        shares.append(np.mean(normality[evaluation] < offset))
    return np.asarray(shares)


def measure(method, cell, seed, data_dir):
    """One row of the table: the shares flagged with ``fit``'s offset and after calibrating."""
    X_fit, X_held_out = split(cell, seed, data_dir)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fit's own warnings (coverage, collapse) are other tables' subject
        detector = build(method, seed, None).fit(X_fit)
        normality = detector.score_samples(X_held_out)  # predict flags where normality < offset_
        row = {"method": method, "cell": cell, "seed": seed, "contamination": detector.contamination,
               "n_fit": len(X_fit), "n_held_out": len(X_held_out),
               "flagged_training": round(flagged(detector, X_fit), 4),
               "flagged_held_out": round(float(np.mean(normality < detector.offset_)), 4)}
        shares = calibrated_shares(detector, X_held_out, normality, seed)
    if shares is None:
        row.update(flagged_calibrated=None, calibrated_p10=None, calibrated_p90=None)
    else:
        p10, p90 = np.percentile(shares, [10, 90])
        row.update(flagged_calibrated=round(float(shares.mean()), 4), calibrated_p10=round(float(p10), 4),
                   calibrated_p90=round(float(p90), 4))
    row["seconds"] = round(time.perf_counter() - start, 1)
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", nargs="+", default=list(DETECTORS))
    parser.add_argument("--cells", nargs="+", default=["thyroid", "arrhythmia", "mnist8:5"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--csv")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    for cell in validation_cells(args.cells):
        for method in args.methods:
            try:
                row = measure(method, cell, args.seed, args.data_dir)
            except FileNotFoundError as error:
                print(f"{cell}: data missing ({error})", file=sys.stderr)
                break
            calibrated = "calibrated n/a" if row["flagged_calibrated"] is None else \
                f"calibrated {row['flagged_calibrated']:.3f} ({row['calibrated_p10']:.3f}-{row['calibrated_p90']:.3f})"
            print(f"{method:<15} {cell:<11} training {row['flagged_training']:.3f}  held-out "
                  f"{row['flagged_held_out']:.3f}  {calibrated}  ({row['n_held_out']} rows, {row['seconds']:.0f} s)",
                  flush=True)
            if args.csv:
                append_rows(args.csv, [row])  # row by row: a long run keeps what it measured


if __name__ == "__main__":
    main()
