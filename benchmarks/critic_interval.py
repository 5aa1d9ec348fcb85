"""How a critic's output becomes a score, checked on training data only (issue 13).

WGANCritic scores with Haloui et al.'s §5.1 interval of the critic's training outputs,
HistoryAD with D_TV folded at its training range (``ganad.scoring.critic_range``). This script
fits each detector once per cell with its defaults (``defaults_quality.build``) and scores
the same critic outputs several ways:

* ``half_ranges``: |f - m| over that side's half-range, ``(f - m) / (max - m)`` above the
  training median m, ``(m - f) / (m - min)`` below (WGANCritic's score before this check);
* ``interval``: ``ganad.scoring.interval_score``, |f - m| over the longer half-range inside
  [min, max], above 1 outside it (WGANCritic's score since);
* ``fold``: ``ganad.scoring.range_score`` (HistoryAD's score: -f inside, folded above the maximum);
* ``minus_f``, ``plus_f``: the one-sided outputs (``-f``: a WGAN critic's "less real", D_TV).

f is the network's output in the WGAN critic's sign (high = real): ``critic_`` for WGANCritic,
``tv_critic_`` (= -D_TV) for HistoryAD. Cells: the tabular and synthetic cells of
``defaults_validation.py`` (80 % of the training rows fitted, the held-out 20 % against the
same rows feature-permuted and dilated), and ``mnist8:c`` (``defaults_validation.mnist8_split``: a
few hundred MNIST training images of one digit at 8x8 given as z-scored rows, unseen ones against
other digits). Image cells (``mnist:c``): the defaults-quality job's training images fitted (with
``image_shape``), ``MNIST8_VALIDATION`` unseen training images of class c against as many of the
other classes (``anogan_saturation.validation_images``). No test row is read. One CSV row per (method, cell, anomaly kind).
``--seed S`` draws the validation split, the synthetic and sampled cells and the fit with seed S (default 0).

    PYTHONPATH=src:benchmarks python benchmarks/critic_interval.py wgan-critic \\
        --cells mnist8:2 mnist8:3 mnist8:8 thyroid arrhythmia kddcup99 musk ring loop arc \\
        --csv results/haloui-diagnosis/cpu/critic_interval.csv
"""

import argparse
from pathlib import Path

import numpy as np
import torch
from anogan_saturation import validation_images
from defaults_quality import IMAGE_SETS, build, training_cell
from defaults_validation import MNIST8_VALIDATION, append_rows, dilated, mnist8_split, validation_split

from ganad.metrics import auroc
from ganad.scoring import interval_score, range_score

CRITICS = {"wgan-critic": "critic_", "history-ad": "tv_critic_"}


def validation_sets(cell, data_dir, seed=0):
    """``(X_fit, X_normal, {kind: X_anomalous}, image_shape)`` of one cell (module docstring)."""
    name = cell.partition(":")[0]
    if name == "mnist8":
        X_fit, X_normal, X_others = mnist8_split(cell, data_dir, seed)
        return X_fit, X_normal, {"images": X_others}, None
    X_train, image_shape = training_cell(cell, seed, data_dir)
    if name in IMAGE_SETS:
        X, y = validation_images(cell, X_train, MNIST8_VALIDATION, data_dir)
        return X_train, X[y == 0], {"images": X[y == 1]}, image_shape
    X_fit, X_normal, X_permuted = validation_split(X_train, seed)
    return X_fit, X_normal, {"permuted": X_permuted, "dilated": dilated(X_fit, X_normal)}, None


def critic_output(detector, network, X):
    """The network's output on ``X``, scaled and shaped as the detector's scoring path does."""
    return torch.as_tensor(detector._map_rows(getattr(detector, network), X), dtype=torch.float64).ravel()


def scores(values, train_values):
    """``{name: anomaly scores}`` of critic outputs ``values`` (module docstring)."""
    low, high = float(train_values.min()), float(train_values.max())
    median = float(train_values.median())
    half_ranges = torch.where(values >= median, (values - median) / (high - median), (median - values) / (median - low))
    return {"half_ranges": half_ranges, "interval": interval_score(values, (low, high), median),
            "fold": range_score(values, (low, high)), "minus_f": -values, "plus_f": values}


def cell_rows(method, cell, data_dir, seed=0):
    X_fit, X_normal, anomalies, image_shape = validation_sets(cell, data_dir, seed)
    detector = build(method, seed, image_shape).fit(X_fit)
    network = CRITICS[method]
    train_values = critic_output(detector, network, X_fit)
    normal = scores(critic_output(detector, network, X_normal), train_values)
    rows = []
    for kind, X_anomalous in anomalies.items():
        anomalous = scores(critic_output(detector, network, X_anomalous), train_values)
        labels = np.r_[np.zeros(len(X_normal)), np.ones(len(X_anomalous))]
        rows.append({"method": method, "cell": cell, "seed": seed, "anomalies": kind,
                     **{name: round(auroc(labels, np.r_[normal[name], anomalous[name]]), 4) for name in normal}})
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("method", choices=sorted(CRITICS))
    parser.add_argument("--cells", nargs="+", default=["mnist8:2", "mnist8:3", "mnist8:8", "thyroid", "arrhythmia",
                                                       "kddcup99", "musk", "ring", "loop", "arc"])
    parser.add_argument("--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--seed", type=int, default=0, help="the validation split's and the fit's seed")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--csv")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    for cell in args.cells:
        rows = cell_rows(args.method, cell, args.data_dir, args.seed)
        for row in rows:
            print(" ".join(f"{value}" for value in row.values()), flush=True)
        if args.csv:
            append_rows(args.csv, rows)


if __name__ == "__main__":
    main()
