"""ganad's AnoGAN and ALAD against PyOD's on the same splits of the shared tabular sets.

For each data set and seed, one RCGAN-protocol split (``ganad.protocols.contamination_split``:
random train/test as in Yang et al. 2020 §5.3, anomalies dropped from the training part,
min-max scaling to [0, 1] fitted on the training part) is handed to four detectors: PyOD's
``AnoGAN`` and ``ALAD`` and ganad's ``anogan`` and ``alad``, each with its own library's
defaults except the number of training epochs (``--epochs``, the same for all four) and the
device. PyOD's ALAD counts one minibatch as an "epoch" (its ``fit`` loop draws one batch of
``batch_size`` rows per iteration), so it gets ``epochs * ceil(n_train / batch_size)``
iterations: the same passes over the data as the others. The table shows AUROC, AUPRC
(anomaly = positive class) and fit and score seconds, with mean over seeds. Needs PyOD: ``pip install 'ganad[compare]'``.

    PYTHONPATH=src python benchmarks/vs_pyod.py [--datasets thyroid arrhythmia] [--seeds 0 1 2]
        [--epochs 100] [--data-dir ../shared/data] [--device cpu] [--threads 2] [--csv out.csv]

What differs by design (read from PyOD 3.6.7's source): PyOD's AnoGAN scores without a latent
search at test time and its query optimiser also updates G and D; its ALAD scores on
discriminator logits with dropout left on. ganad follows the papers: a per-sample latent
search with frozen networks (Schlegl et al. 2017), and ALAD's feature-matching score in D_xx
in evaluation mode (Zenati et al. 2018).
"""

import argparse
import math
import os
import time

import numpy as np
import torch
from sklearn.metrics import average_precision_score, roc_auc_score

from _rows import git_sha, publish
from ganad.data import load_odds, scale_on_train
from ganad.protocols import contamination_split
from ganad.registry import get_detector

TRAIN_FRACTION = {"thyroid": 0.5, "arrhythmia": 0.8, "musk": 0.8}  # RCGAN §5.3


def pyod_models(epochs, device, seed, n_train):
    """PyOD's two GAN detectors by name, with PyOD's defaults but for epochs and device."""
    from pyod.models.alad import ALAD
    from pyod.models.anogan import AnoGAN

    torch.manual_seed(seed)  # PyOD draws its weights and noise from the global generator
    alad_steps = epochs * math.ceil(n_train / ALAD().batch_size)  # ALAD's "epoch" is one minibatch
    return {"AnoGAN": AnoGAN(epochs=epochs, device=device), "ALAD": ALAD(epochs=alad_steps, device=device)}


def ganad_models(epochs, device, seed, n_train):
    """ganad's two by name; their epochs are passes over the data whatever ``n_train``."""
    return {method: get_detector(name)(n_epochs=epochs, device=device, random_state=seed)
            for method, name in (("AnoGAN", "anogan"), ("ALAD", "alad"))}


def split(name, seed, data_dir):
    data = load_odds(name, data_dir=data_dir)
    X_train, X_test, y_test, _ = contamination_split(data.X, data.y, train_fraction=TRAIN_FRACTION[name],
                                                     random_state=seed)
    X_train, X_test = scale_on_train(X_train, X_test, kind="minmax01")
    return X_train.astype(np.float32), X_test.astype(np.float32), y_test


def measure(model, X_train, X_test, y_test):
    """AUROC, AUPRC and seconds of one detector; PyOD scores by ``decision_function``."""
    start = time.perf_counter()
    model.fit(X_train)
    fitted = time.perf_counter()
    scores = model.anomaly_score(X_test) if hasattr(model, "anomaly_score") else model.decision_function(X_test)
    scored = time.perf_counter()
    return {"auroc": roc_auc_score(y_test, scores), "auprc": average_precision_score(y_test, scores),
            "fit_s": fitted - start, "score_s": scored - fitted}


def run(args):
    rows = []
    for name in args.datasets:
        for seed in args.seeds:
            X_train, X_test, y_test = split(name, seed, args.data_dir)
            for library, models in (("pyod", pyod_models), ("ganad", ganad_models)):
                for method, model in models(args.epochs, args.device, seed, len(X_train)).items():
                    row = {"dataset": name, "seed": seed, "method": method, "library": library,
                           "n_train": len(X_train), "n_test": len(X_test), "epochs": args.epochs}
                    row.update(measure(model, X_train, X_test, y_test))
                    row.update(threads=torch.get_num_threads(), device=args.device,
                               torch=torch.__version__, load_1min=os.getloadavg()[0], git=git_sha())
                    rows.append(row)
    return rows


def render(rows):
    """Mean over seeds per (data set, method, library), ours under PyOD's."""
    lines = ["| data set | method | library | AUROC | AUPRC | fit s | score s |", "|---|---|---|---:|---:|---:|---:|"]
    keys = dict.fromkeys((r["dataset"], r["method"], r["library"]) for r in rows)
    for dataset, method, library in keys:
        group = [r for r in rows if (r["dataset"], r["method"], r["library"]) == (dataset, method, library)]
        mean = {k: np.mean([r[k] for r in group]) for k in ("auroc", "auprc", "fit_s", "score_s")}
        lines.append(f"| {dataset} | {method} | {library} | {mean['auroc']:.3f} | {mean['auprc']:.3f} "
                     f"| {mean['fit_s']:.1f} | {mean['score_s']:.2f} |")
    return "\n".join(lines) + f"\n\n{len(rows)} runs; seeds {sorted({r['seed'] for r in rows})}; " \
                              f"{rows[0]['epochs']} epochs; threads {rows[0]['threads']}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", nargs="+", default=["thyroid", "arrhythmia"], choices=sorted(TRAIN_FRACTION))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--data-dir", default=os.environ.get("GANAD_DATA"))
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--csv", default=None)
    args = parser.parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    publish(run(args), args.csv, render)


if __name__ == "__main__":
    main()
