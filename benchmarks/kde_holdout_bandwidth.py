"""KDE's holdout AUROC against its bandwidth, on adgan-t1's *training* holdout only (issue 14).

For each MNIST class: the labelled holdout of ``ganad.protocols.holdout_selection`` (1000
training rows, seed 0, other classes as anomalies, as the ``kde-holdout`` column draws it) and
at most 3000 normal training rows outside it; a PCA of ``--dims`` components and a Gaussian
``KernelDensity`` at each fixed bandwidth of ``--bandwidths``; one JSON line per (class, d, h)
with the holdout AUROC. No test row is read. It shows whether the likelihood-chosen
bandwidth (1 or 1.41 at d = 20 / 40) is what holds KDE's ranking back.

    PYTHONPATH=src python benchmarks/kde_holdout_bandwidth.py --data-dir ../shared/data
"""

import argparse
import json

import numpy as np
from sklearn.decomposition import PCA
from sklearn.neighbors import KernelDensity

from ganad.data import load_mnist
from ganad.metrics import auroc
from ganad.protocols.holdout_selection import labelled_holdout


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--classes", type=int, nargs="+", default=list(range(10)))
    parser.add_argument("--dims", type=int, nargs="+", default=[20, 40])
    parser.add_argument("--bandwidths", type=float, nargs="+", default=[2 ** (k / 2) for k in range(-2, 7)])
    args = parser.parse_args(argv)
    train = load_mnist("train", data_dir=args.data_dir)
    for cls in args.classes:
        holdout = labelled_holdout(train.X, train.y, cls, size=1000, max_fit=3000, random_state=0)
        for d in args.dims:
            pca = PCA(n_components=d, random_state=0).fit(holdout.X_fit)
            Z_fit, Z_holdout = pca.transform(holdout.X_fit), pca.transform(holdout.X_holdout)
            for h in args.bandwidths:
                log_density = KernelDensity(bandwidth=h).fit(Z_fit).score_samples(Z_holdout)
                print(json.dumps({"class": cls, "d": d, "bandwidth": round(h, 4),
                                  "holdout_auroc": round(float(auroc(holdout.y_holdout, -log_density)), 4)}),
                      flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
