"""AnoGAN's search start, checked on training data only (issue 13): one random start or the best of N.

For each cell, AnoGAN is fitted once with its defaults (``defaults_quality.build``) and its
queries are then searched from ``start_candidates`` = each of ``--candidates`` random prior
latents, drawn exactly as ``fit`` draws them; each query starts from the candidate of lowest
mapping loss (Eq. 6), so 1 is the original's one random start shared by every query. Rows:
the fit takes 80 % of the cell's training rows and the held-out 20 % are scored against the
same rows feature-permuted and dilated (``defaults_validation.py``). Images: the fit takes
exactly the defaults-quality job's training images, and ``--n-validation`` unseen training
images of the normal class are scored against as many training images of the other classes
(``anogan_saturation.validation_images``). No test row is read.

What it measures first is the search itself: the mapping loss A(x) of the held-out *normal*
rows (mean, median, 90th percentile), which a search that reaches the generator's best
latent makes small; then the validation AUROC of each anomaly kind. One CSV row per (cell,
candidates, kind).

    PYTHONPATH=src:benchmarks python benchmarks/anogan_start.py --cells tabular synthetic \\
        --csv results/adgan-diagnosis/cpu/anogan_start.csv
"""

import argparse
import time
from pathlib import Path

import numpy as np
import torch
from anogan_saturation import validation_images
from defaults_quality import IMAGE_SETS, build, expand_cells, make_cell
from defaults_validation import append_rows, dilated, validation_split

from ganad.metrics import auroc


def validation_sets(cell, X_train, n_validation, data_dir, seed=0):
    """``(X_fit, X_normal, {kind: X_anomalous})`` of one cell (module docstring)."""
    if cell.partition(":")[0] in IMAGE_SETS:
        X, y = validation_images(cell, X_train, n_validation, data_dir)
        return X_train, X[y == 0], {"images": X[y == 1]}
    X_fit, X_normal, X_permuted = validation_split(X_train, seed)
    return X_fit, X_normal, {"permuted": X_permuted, "dilated": dilated(X_fit, X_normal)}


def start_rows(cell, detector, candidates, X_normal, anomalies):
    """The CSV rows of one fitted detector searched from ``candidates`` starts."""
    detector.set_params(start_candidates=candidates)
    detector._fit_scorer(None)  # the fit's own draw of the candidates (``LatentSearchDetector._fit_scorer``)
    start = time.perf_counter()
    normal = detector.anomaly_score(X_normal)
    rows = []
    for kind, X_anomalous in anomalies.items():
        scores = detector.anomaly_score(X_anomalous)
        labels = np.r_[np.zeros(len(normal)), np.ones(len(scores))]
        rows.append({"cell": cell, "start_candidates": candidates, "anomalies": kind,
                     "auroc": round(auroc(labels, np.r_[normal, scores]), 4),
                     "normal_loss_mean": round(float(normal.mean()), 4),
                     "normal_loss_median": round(float(np.median(normal)), 4),
                     "normal_loss_p90": round(float(np.quantile(normal, 0.9)), 4)})
    seconds = round(time.perf_counter() - start, 1)
    for row in rows:
        row["score_s"] = seconds
        print(row, flush=True)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", nargs="+", default=["tabular", "synthetic"])
    parser.add_argument("--candidates", nargs="+", type=int, default=[1, 1024])
    parser.add_argument("--n-validation", type=int, default=200, help="image cells: validation images per class")
    parser.add_argument("--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--csv")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    rows = []
    for cell in expand_cells(args.cells):
        X_train, _, _, image_shape = make_cell(cell, 0, args.data_dir)
        X_fit, X_normal, anomalies = validation_sets(cell, X_train, args.n_validation, args.data_dir)
        detector = build("anogan", 0, image_shape).fit(X_fit)
        for candidates in args.candidates:
            rows += start_rows(cell, detector, candidates, X_normal, anomalies)
        if args.csv:
            append_rows(args.csv, rows)
            rows = []


if __name__ == "__main__":
    main()
