"""AnoGAN's generator loss on an image cell, checked on training data only (issue 13).

Fits AnoGAN with its defaults (``defaults_quality.build``) on exactly the training images of
one defaults-quality job (``defaults_quality.make_cell``: the cell's seed-0 draw), with
``--saturating`` overriding the generator loss, and scores a validation split carved from the
*training* split: ``--n-validation`` training images of the normal class that the fit did not
see against as many training images of the other classes. No test image is read. Prints one
JSON record (validation AUROC; the correlation of the score with the images' ink, the sum of
their pixels, a score that ranks by ink alone being what an untrained generator leaves; the
mean discriminator and generator losses over the first and last 500 steps) and writes the
loss curves and 64 generated images beside ``--out``.

    PYTHONPATH=src:benchmarks python benchmarks/anogan_saturation.py --saturating true \
        --out results/adgan-diagnosis/cpu/anogan_saturating_true_mnist0.json
"""

import argparse
import json
from pathlib import Path

import numpy as np
import torch
from defaults_quality import _load, build, is_normal, make_cell

from ganad.metrics import auroc
from ganad.plots.samples import plot_image_grid
from ganad.plots.training import plot_loss_curves

WINDOW = 500  # steps averaged for the first and last losses
VALIDATION_SEED = 123


def validation_images(cell, X_fit, n, data_dir):
    """``(X, y)``: ``n`` training images of the cell's normal class that are not among ``X_fit`` (y = 0) and
    ``n`` training images of the other classes (y = 1), drawn with ``VALIDATION_SEED``."""
    name, _, cls = cell.partition(":")
    train, _ = _load(name, data_dir)
    X, normal = np.asarray(train.X), is_normal(train.y, cls)
    seen = {row.tobytes() for row in np.asarray(X_fit, dtype=X.dtype)}
    unseen = np.flatnonzero(normal & np.array([row.tobytes() not in seen for row in X]))
    rng = np.random.default_rng(VALIDATION_SEED)
    rows = np.concatenate([rng.choice(unseen, n, replace=False), rng.choice(np.flatnonzero(~normal), n, replace=False)])
    return X[rows], np.r_[np.zeros(n), np.ones(n)]


def loss_summary(history):
    """Mean of each loss over the first and the last ``WINDOW`` steps."""
    return {f"{name}_first_last": [float(np.mean(history[name][:WINDOW])), float(np.mean(history[name][-WINDOW:]))]
            for name in history.keys()}


def generated_images(detector, n):
    """``n`` images G(z), z drawn from the prior (seed 0), flattened."""
    z = detector.prior_.sample(n, generator=torch.Generator().manual_seed(0), device="cpu")
    with torch.no_grad():
        return detector.generator_(z).reshape(n, -1).numpy()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cell", default="mnist:0")
    parser.add_argument("--seed", type=int, default=0, help="the detector's random_state")
    parser.add_argument("--saturating", choices=("true", "false", "auto"), default="auto")
    parser.add_argument("--n-validation", type=int, default=200)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", required=True, help="the JSON record; the figures take its name")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    saturating = {"true": True, "false": False, "auto": "auto"}[args.saturating]
    X_fit, _, _, image_shape = make_cell(args.cell, 0, args.data_dir)
    detector = build("anogan", args.seed, image_shape, {"saturating": saturating}).fit(X_fit)
    X_valid, y_valid = validation_images(args.cell, X_fit, args.n_validation, args.data_dir)
    scores = detector.anomaly_score(X_valid)
    ink = X_valid.reshape(len(X_valid), -1).sum(axis=1)
    record = {"cell": args.cell, "seed": args.seed, "saturating": args.saturating,
              "saturating_": detector.saturating_, "n_fit": len(X_fit),
              "validation_auroc": auroc(y_valid, scores),
              "score_ink_correlation": float(np.corrcoef(scores, ink)[0, 1]),
              **loss_summary(detector.history_)}
    out = Path(args.out)
    out.write_text(json.dumps(record) + "\n")
    print(json.dumps(record))
    plot_loss_curves(detector.history_, out.with_suffix(".losses.png"), smooth=100)
    plot_image_grid(generated_images(detector, 64), out.with_suffix(".samples.png"), image_shape=image_shape)


if __name__ == "__main__":
    main()
