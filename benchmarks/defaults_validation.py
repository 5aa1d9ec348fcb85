"""Choosing a default from training data only (issue 13): a validation AUROC per setting.

The defaults-quality table (``defaults_quality.py``) scores held-out *test* rows; a default
must not be chosen from it. This script carves a validation split from each cell's
*training* rows and scores settings on it:

* the training rows of a cell (``defaults_quality.training_cell``: a table's at the table's seed) are split
  80/20 by a seeded permutation; the detector is fitted on the 80 %;
* the validation "normals" are the 20 % held out; the validation "anomalies" are the same
  rows with every feature permuted independently across rows, which keeps each feature's
  marginal distribution and breaks the dependence between features (a point of the
  product of the marginals: off a ring, between clusters, an implausible combination of
  lab values);
* on image cells (``mnist:c``, ``fashion_mnist:c``) the validation anomalies are instead as
  many *training* images of the other classes (a seeded sample of the training split), the
  validation split of issue 14: permuted pixels are noise, which any detector flags; on
  ``mnist:-c`` (every class but c normal, the leave-one-digit-out tables) they are class c's
  training images;
* ``mnist8:c`` stands for a small image set given to a detector as rows, without ``image_shape`` (digits
  as z-scored rows): MNIST's *training* split downsampled to 8x8 pixels (the 24x24 centre in 3x3 blocks,
  scaled to 0..16), ``MNIST8_FIT`` images of digit c fitted, ``MNIST8_VALIDATION`` unseen ones against as
  many images of the other digits (kind "images");
* ``--anomalies dilated`` (or both, ``permuted dilated``, from one fit) takes instead the held-out rows
  moved away from the fitted rows' per-feature median, m + DILATION (x - m): every feature
  pushed outward at once, the "jointly extreme" rows that a feature permutation cannot make
  (a row near the median stays near it, so the set holds hard rows as well as easy ones; Thyroid's
  test anomalies turned out to be extreme in one feature, not several: alice README);
* the metrics are the AUROC of ``anomaly_score`` on those 2 x 20 % rows and ``top_recall``, the share of
  the anomalies scored above the top ``TOP_FALSE_ALARM_RATE`` (2 %) of the held-out normals: the top of the
  ranking, which an F1 at a small anomaly share depends on.

No test row and no label is read. One line per (cell, setting, anomaly kind) goes to stdout (the AUROC,
the top recall, then the mean anomaly score of the held-out rows: a held-out loss where the score
is one, as the VAE's negative ELBO); ``--csv`` appends the rows to a file (a new file, or one with
the same columns). ``--min-updates N`` sets the
``n_epochs="auto"`` budget's minimum (``ganad.training.budget.MIN_UPDATES``) for the run,
``--tv-min-updates N`` HistoryAD's D_TV minimum. ``--score-variants`` sets parameters that only change scoring (a
latent search's step size or length) on each fitted detector in turn: several settings from one fit.
``--from-gan M ...`` also scores each fitted GAN with the detectors ``M`` built on it (``from_gan``: WGANInversion
reading WGANCritic's generator), one line each: a setting of the GAN phase judged for several detectors from one fit.

    PYTHONPATH=src python benchmarks/defaults_validation.py dsebm \\
        --variants '{"score_type": "energy"}' '{"score_type": "reconstruction"}' \\
        --cells thyroid kddcup99 arrhythmia ring four_dots loop --threads 1
"""

import argparse
import csv
import functools
import json
import sys
from pathlib import Path

import numpy as np
import torch

import defaults_quality
from defaults_quality import IMAGE_SETS, _load, build, expand_cells, is_normal, leave_one_out_parts, training_cell
from ganad import HistoryAD
from ganad.data import load_mnist
from ganad.metrics import auroc
from ganad.registry import DETECTORS
from ganad.training import budget

VALIDATION_FRACTION = 0.2
DILATION = 2.0
ROW_ANOMALIES = ("permuted", "dilated")
TOP_FALSE_ALARM_RATE = 0.02
MNIST8_FIT = MNIST8_VALIDATION = 180


@functools.lru_cache(maxsize=1)  # read MNIST once for all the mnist8 cells of a run
def mnist8(data_dir):
    """MNIST's training split at 8x8 (module docstring): rows of 64 values in 0..16, and the labels."""
    train = load_mnist("train", data_dir=data_dir)
    images = torch.as_tensor(np.asarray(train.X)).reshape(-1, 1, 28, 28)[:, :, 2:26, 2:26]
    small = torch.nn.functional.avg_pool2d((images + 1) / 2, 3).reshape(len(images), 64)
    return np.round(small.double().numpy() * 16), np.asarray(train.y)


def mnist8_split(cell, data_dir, seed=0):
    """``(X_fit, X_normal, X_other_digits)`` of the cell ``mnist8:c`` (module docstring)."""
    X, y = mnist8(data_dir)
    digit = int(cell.partition(":")[2])
    rng = np.random.default_rng(seed)
    normal = rng.permutation(np.flatnonzero(y == digit))
    others = rng.choice(np.flatnonzero(y != digit), MNIST8_VALIDATION, replace=False)
    return X[normal[:MNIST8_FIT]], X[normal[MNIST8_FIT:MNIST8_FIT + MNIST8_VALIDATION]], X[others]


def validation_cells(names):
    """The ``mnist8:c`` cells among ``names`` (c in 0..9), then ``expand_cells`` of the others."""
    digits = [name for name in names if name.partition(":")[0] == "mnist8"]
    if any(not name.partition(":")[2].isdigit() or int(name.partition(":")[2]) > 9 for name in digits):
        raise ValueError(f"mnist8 cells are mnist8:0 .. mnist8:9, got {digits}")
    return digits + expand_cells([name for name in names if name not in digits])


def validation_split(X_train, seed):
    """``(X_fit, X_normal, X_permuted)``: 80 % to fit, 20 % held out, and the 20 % feature-permuted."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(X_train))
    n_validation = max(1, int(len(X_train) * VALIDATION_FRACTION))
    X_fit, X_normal = X_train[order[n_validation:]], X_train[order[:n_validation]]
    X_permuted = np.stack([rng.permutation(X_normal[:, j]) for j in range(X_normal.shape[1])], axis=1)
    return X_fit, X_normal, X_permuted


def other_class_images(cell, n, seed, data_dir):
    """``n`` training images of the classes other than the cell's normal ones (a seeded sample; all of them when
    fewer exist): the validation anomalies of an image cell; of ``name:-c``, the training part's images of the
    class held out of it (``defaults_quality.leave_one_out_parts``; class c's images are those tables' test
    anomalies)."""
    name, _, cls = cell.partition(":")
    if cls.startswith("-"):
        pool = leave_one_out_parts(name, cls, data_dir)[1]
    else:
        train, _ = _load(name, data_dir)
        pool = np.asarray(train.X)[~is_normal(train.y, cls)]
    rows = np.random.default_rng(seed).choice(len(pool), min(n, len(pool)), replace=False)
    return pool[np.sort(rows)]


def dilated(X_fit, X_normal):
    """``X_normal`` moved away from ``X_fit``'s per-feature median by the factor ``DILATION``."""
    median = np.median(X_fit, axis=0)
    return median + DILATION * (X_normal - median)


def validation_anomalies(cell, X_fit, X_normal, X_permuted, seed, data_dir, kinds=ROW_ANOMALIES[:1]):
    """``{kind: rows}``, the validation anomalies of ``cell``: as many training images of the other classes as
    the held-out ``X_normal`` on an image cell (kind "images"); otherwise, per kind in ``kinds``, the held-out
    rows with their features permuted (``X_permuted``) or ``dilated``."""
    if cell.partition(":")[0] in IMAGE_SETS:
        return {"images": other_class_images(cell, len(X_normal), seed=seed, data_dir=data_dir)}
    return {kind: X_permuted if kind == "permuted" else dilated(X_fit, X_normal) for kind in kinds}


def top_recall(normal_scores, anomaly_scores, false_alarm_rate=TOP_FALSE_ALARM_RATE):
    """The share of anomalies scored above all but ``false_alarm_rate`` of the normal rows: the recall at the top of
    the ranking, which an F1 at a small anomaly share (Thyroid's 2.5 %) depends on and an AUROC hardly sees."""
    return float(np.mean(anomaly_scores > np.quantile(normal_scores, 1.0 - false_alarm_rate)))


def validation_auroc(method, params, X_train, image_shape, seed, cell, data_dir, kinds=ROW_ANOMALIES[:1],
                     score_variants=({},), from_gan=()):
    """``[(method, score_params, {kind: (AUROC, top_recall)}, mean anomaly score of the held-out rows)]``, one entry
    per dict of ``score_variants`` (set on the fitted detector before scoring), from one fit, then one per method of
    ``from_gan`` (that detector built on the fitted GAN); the held-out mean is a held-out loss where the score is one
    (VAE: the negative ELBO). The anomalies are ``validation_anomalies``."""
    if cell.startswith("mnist8:"):
        X_fit, X_normal, X_others = mnist8_split(cell, data_dir, seed)
        anomalies = {"images": X_others}
    else:
        X_fit, X_normal, X_permuted = validation_split(X_train, seed)
        anomalies = validation_anomalies(cell, X_fit, X_normal, X_permuted, seed, data_dir, kinds)
    detector = build(method, seed, image_shape, params).fit(X_fit)
    fitted = detector.get_params()
    fitted = {name: fitted[name] for variant in score_variants for name in variant}  # restored before each variant
    scored = [(method, score_params,
               *_validation_scores(detector.set_params(**{**fitted, **score_params}), X_normal, anomalies))
              for score_params in score_variants]
    return scored + [(other, {}, *_validation_scores(DETECTORS[other].from_gan(detector).fit(X_fit), X_normal,
                                                     anomalies)) for other in from_gan]


def _validation_scores(detector, X_normal, anomalies):
    """``({kind: (AUROC, top_recall)}, mean held-out score)`` of a fitted detector."""
    normal_scores = detector.anomaly_score(X_normal)
    values = {}
    for kind, X_anomalous in anomalies.items():
        labels = np.r_[np.zeros(len(X_normal)), np.ones(len(X_anomalous))]
        anomaly_scores = detector.anomaly_score(X_anomalous)
        values[kind] = (auroc(labels, np.r_[normal_scores, anomaly_scores]), top_recall(normal_scores, anomaly_scores))
    return values, float(np.mean(normal_scores))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("method")
    parser.add_argument("--variants", nargs="+", default=["{}"], help="JSON dicts of constructor overrides")
    parser.add_argument("--score-variants", nargs="+", default=["{}"],
                        help="JSON dicts of parameters that only change scoring (e.g. a search's step size), set on "
                             "each fitted variant in turn: one fit, several scorings")
    parser.add_argument("--from-gan", nargs="+", default=[], metavar="METHOD",
                        help="GAN detectors also scored on each fitted GAN (``from_gan``), e.g. wgan-inversion")
    parser.add_argument("--cells", nargs="+", default=["tabular", "synthetic"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--min-updates", type=int, default=budget.MIN_UPDATES,
                        help="the \"auto\" budget's minimum updates (ganad.training.budget.MIN_UPDATES) for this run")
    parser.add_argument("--tv-min-updates", type=int, default=HistoryAD.tv_min_updates,
                        help="HistoryAD's D_TV \"auto\" minimum (ganad.detectors.history.history_ad.TV_MIN_UPDATES) "
                             "for this run")
    parser.add_argument("--image-train", type=int, default=defaults_quality.IMAGE_TRAIN,
                        help="training images kept by an image cell (adgan-t2's cpu budget: 3000)")
    parser.add_argument("--anomalies", nargs="+", choices=ROW_ANOMALIES, default=list(ROW_ANOMALIES[:1]),
                        help="the row cells' validation anomalies (image cells: other classes' training images)")
    parser.add_argument("--csv")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    defaults_quality.IMAGE_TRAIN = args.image_train
    budget.MIN_UPDATES = args.min_updates
    HistoryAD.tv_min_updates = args.tv_min_updates
    variants = [json.loads(text) for text in args.variants]
    score_variants = [json.loads(text) for text in args.score_variants]
    rows = []
    for cell in validation_cells(args.cells):
        try:
            X_train, image_shape = (None, None) if cell.startswith("mnist8:") else \
                training_cell(cell, args.seed, args.data_dir)
        except FileNotFoundError as error:
            print(f"{cell}: data missing ({error})", file=sys.stderr)
            continue
        for params in variants:
            scored = validation_auroc(args.method, params, X_train, image_shape, args.seed, cell, args.data_dir,
                                      args.anomalies, score_variants, args.from_gan)
            for method, score_params, values, held_out_score in scored:
                rows += _report(args, method, cell, {**params, **score_params}, values, held_out_score)
    if args.csv and rows:
        append_rows(args.csv, rows)


def _report(args, method, cell, params, values, held_out_score):
    """The CSV rows of one (method, cell, setting), printed as they come."""
    rows = []
    for kind, (value, recall) in values.items():
        rows.append({"method": method, "cell": cell, "params": json.dumps(params, sort_keys=True),
                     "min_updates": args.min_updates, "seed": args.seed, "validation_auroc": round(value, 4),
                     "held_out_score": held_out_score, "anomalies": kind, "top_recall": round(recall, 4)})
        print(f"{method:<14} {cell:<12} {rows[-1]['params']:<40} {args.min_updates:>6} {kind:<9} "
              f"{value:.3f} {recall:.3f} {held_out_score:.4g}", flush=True)
    return rows


def append_rows(path, rows):
    """Append ``rows`` to the CSV at ``path`` (its header first when new); a file with other columns is an error."""
    path = Path(path)
    if path.exists() and path.stat().st_size:
        with open(path, newline="") as handle:
            header = next(csv.reader(handle))
        if header != list(rows[0]):
            raise ValueError(f"{path} has the columns {header}, not {list(rows[0])}: write to a new file")
    with open(path, "a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        if handle.tell() == 0:
            writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
