"""Which rows fill the top of RCGAN's ranking on a paper table's test split (issue 15, explanation only).

The F1 of rcgan-t1/t3 is the precision of the top k % of the test ranking. This script fits RCGAN on
a bench job's training part (the spec's init_args, as ``ganad bench`` does), scores the test part,
and describes the top k %: how many normal rows it holds, and, for those rows, for every anomaly
and for every normal row, the share beyond the training range of some feature, the median over
rows of the largest feature |z| (z-scores from the training part), and per feature how many rows
have their largest |z| there; IForest on the same split beside it, and RCGAN again with ganad's
support rule switched on after the fit. ``--scores`` compares instead, on the same fit, the scores the test
split gets from D_xx: Eq. 11 as the detector computes it, Eq. 11 without the range rule (``-log D_xx`` of
the logit itself), and Eq. 12 (``score_type="features"``), each with its F1 at the top k % and its AUROC,
and where D_xx's logit puts the training rows, the normal and the anomalous test rows (quantiles; how many
test rows fall beyond the training range), one record per seed in ``--jsonl``. It reads test labels: it
explains a result, and nothing may be chosen from it.

    OMP_NUM_THREADS=1 GANAD_NUM_THREADS=1 PYTHONPATH=src:benchmarks python benchmarks/rcgan_top_rows.py \\
        --dataset thyroid --seeds 0 1 2
"""

import argparse
import json
from pathlib import Path

import numpy as np
import torch
from sklearn.ensemble import IsolationForest

from _rows import git_sha
from ganad import RCGAN
from ganad.bench.runner import make_split
from ganad.metrics import auroc, precision_recall_f1_at_k
from ganad.utils.scaling import apply_scaler
from ganad.utils.support import fit_support
from spec_validation import spec_job


def describe(name, scores, X_test, y_test, X_train, k_percent):
    """Print the top-k % profile of ``scores`` (higher = more anomalous)."""
    n_top = int(round(len(scores) * k_percent / 100))
    top = np.argsort(-scores)[:n_top]
    top_normals = top[y_test[top] == 0]
    print(f"{name}: top {n_top} rows, {len(top_normals)} normal, precision {1 - len(top_normals) / n_top:.3f}")
    z = np.abs((X_test - X_train.mean(axis=0)) / X_train.std(axis=0))
    outside = ((X_test < X_train.min(axis=0)) | (X_test > X_train.max(axis=0))).any(axis=1)
    for label, rows in (("top normals", top_normals), ("anomalies", np.flatnonzero(y_test == 1)),
                        ("normals", np.flatnonzero(y_test == 0))):
        print(f"  {label:<12} {len(rows):>5} rows, beyond the range {outside[rows].mean():.2f}, "
              f"median largest |z| {np.median(z[rows].max(axis=1)):.2f}, "
              f"rows per feature of largest |z| {np.bincount(z[rows].argmax(axis=1), minlength=z.shape[1]).tolist()}")


def with_support_rule(detector, X_train):
    """``detector`` with ganad's support rule fitted on its training rows after the fit: ``fit``'s own step, which
    takes the score level from all training rows while they number at most ``offset_sample_size`` (Thyroid's do)."""
    X_scaled = apply_scaler(X_train, detector.scaler_)
    detector.support_rule = True
    detector.support_ = {**fit_support(X_scaled), "score": float(detector._method_scores(X_scaled).max())}
    return detector


LOGIT_QUANTILES = (0.0, 0.01, 0.5, 0.99, 1.0)


def score_comparison(detector, X_train, X_test, y_test, k_percent):
    """F1 at the top ``k_percent`` % and AUROC of Eq. 11 (the detector's, with its range rule), Eq. 11 without the
    range rule and Eq. 12 on one fitted RCGAN; D_xx's logit quantiles on the training rows and on the test
    split's normal and anomalous rows, and the test rows beyond the training logit range."""
    def logit(X):
        return detector._map_rows(detector._pair_logit, X).ravel()  # the scoring path's validation and scaling

    def quantiles(values):
        return [round(float(q), 4) for q in np.quantile(values, LOGIT_QUANTILES)]

    train_logit, test_logit = logit(X_train), logit(X_test)
    low, high = detector.xx_logit_range_
    scores = {"eq11": detector.anomaly_score(X_test), "eq11_no_range": np.logaddexp(0, -test_logit)}
    score_type = detector.score_type
    scores["eq12"] = detector.set_params(score_type="features").anomaly_score(X_test)
    detector.set_params(score_type=score_type)
    return {"scores": {name: {"f1": round(precision_recall_f1_at_k(y_test, values, k_percent)["f1"], 4),
                              "auroc": round(auroc(y_test, values), 4)} for name, values in scores.items()},
            "logit_range": [round(low, 4), round(high, 4)], "logit_quantiles": list(LOGIT_QUANTILES),
            "train_logit": quantiles(train_logit), "test_normal_logit": quantiles(test_logit[y_test == 0]),
            "test_anomaly_logit": quantiles(test_logit[y_test == 1]),
            "above_range": {"rows": int((test_logit > high).sum()), "anomalies": int(y_test[test_logit > high].sum())},
            "below_range": {"rows": int((test_logit < low).sum()), "anomalies": int(y_test[test_logit < low].sum())}}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", default="rcgan-t3")
    parser.add_argument("--budget", default="cpu")
    parser.add_argument("--dataset", default="thyroid")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--scores", action="store_true",
                        help="compare Eq. 11, Eq. 11 without the range rule and Eq. 12 on each fit instead")
    parser.add_argument("--jsonl", help="with --scores: one record per seed appended here")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    for seed in args.seeds:
        job = spec_job(args.spec, args.budget, "rcgan", args.dataset, seed)
        X_train, X_test, y_test, k_percent = make_split(job, args.data_dir)
        print(f"== {args.dataset} seed {seed}: {len(X_train)} training rows, {len(X_test)} test rows, "
              f"{int(y_test.sum())} anomalies, top {k_percent} %")
        detector = RCGAN(**{**job.init_args, "random_state": seed, "n_threads": 1}).fit(X_train)
        if args.scores:
            record = {"spec": args.spec, "budget": args.budget, "dataset": args.dataset, "seed": seed,
                      "k_percent": k_percent, **score_comparison(detector, X_train, X_test, y_test, k_percent),
                      "git_sha": git_sha(), "torch": torch.__version__,
                      "cpu_capability": torch.backends.cpu.get_cpu_capability()}
            print(json.dumps(record), flush=True)
            if args.jsonl:
                with open(args.jsonl, "a") as handle:
                    handle.write(json.dumps(record) + "\n")
            continue
        describe("RCGAN", detector.anomaly_score(X_test), X_test, y_test, X_train, k_percent)
        describe("RCGAN + support rule", with_support_rule(detector, X_train).anomaly_score(X_test),
                 X_test, y_test, X_train, k_percent)
        forest = IsolationForest(random_state=seed).fit(X_train)
        describe("IForest", -forest.score_samples(X_test), X_test, y_test, X_train, k_percent)
        z = (X_test[y_test == 1] - X_train.mean(axis=0)) / X_train.std(axis=0)
        print(f"  anomalies' mean z per feature {np.round(z.mean(axis=0), 2).tolist()}")


if __name__ == "__main__":
    main()
