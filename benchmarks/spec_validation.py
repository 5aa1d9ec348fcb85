"""A bench spec's method on its own table's training split, scored on training data only.

``defaults_validation.py`` judges a detector's *defaults* on the defaults-quality cells; a paper
table fits the method with its spec's settings on the table's own split (its protocol's
scaling, its training-set size). This script asks how those settings do there, before any test row
is scored:

* the job of ``--method`` in ``--spec`` at ``--budget`` on each data set and seed builds its split
  exactly as ``ganad bench`` does (``ganad.bench.runner.make_split``); only the training part is
  used;
* 20 % of the training rows are held out (``defaults_validation.validation_split``); the detector,
  the spec's ``init_args`` with each variant's overrides (``NAME=JSON``), is fitted on the other 80 %;
* validation anomalies: the held-out rows feature-permuted and dilated (``defaults_validation``);
* one record per (data set, seed, variant): the AUROC and ``top_recall`` per anomaly kind, the held-out
  normals' score (mean, median, 80th percentile: a held-out loss where the score is one, as a latent
  search's mapping loss, which a generator that misses a mode of the data leaves high for that mode's
  rows), the fit's seconds, and, for a detector with a GAN phase, the generator's spread and missed share
  (``ganad.training.collapse``: a spread about 1 when the samples spread as the training rows do, near 0 for a
  collapsed generator; the missed share, the training rows in regions the generator hardly draws);
* ``--groups NAME ...`` splits the held-out normals by indicator columns of the data set (its
  ``feature_names``, e.g. KDDCUP99's ``flag=S0``: the rows at that column's training maximum), giving each
  group's size, median score and share of the held-out normals' top fifth, and the same for the rows in
  none of them: a mode of the normal data that the model misses shows as a group with a high median.

No test row is read.

    OMP_NUM_THREADS=1 PYTHONPATH=src:benchmarks python benchmarks/spec_validation.py rcgan-t1 \\
        --method anogan --datasets kddcup99 --seeds 0 1 2 \\
        --variants 'spec={}' 'non-saturating={"saturating": false}'
"""

import argparse
import dataclasses
import json
import time
import warnings
from pathlib import Path

import numpy as np
import torch

from _rows import git_sha
from defaults_validation import ROW_ANOMALIES, dilated, top_recall, validation_split
from ganad.bench.runner import build_detector, load_data, make_split
from ganad.bench.spec import expand, load_spec
from ganad.metrics import auroc
from ganad.training.collapse import SPREAD_PHASE, generated_sample, sample_checks


def spec_job(spec, budget, method, dataset, seed):
    """The bench job of ``method`` on ``dataset`` with ``seed`` in ``spec`` at ``budget``."""
    jobs = [job for job in expand(load_spec(spec), budget, seeds=[seed])
            if job.dataset == dataset and job.method == method]
    if len(jobs) != 1:
        raise ValueError(f"{spec} at {budget} has {len(jobs)} {method} jobs on {dataset}")
    return jobs[0]


def generator_check(detector, X_fit):
    """The fitted generator's ``(spread, missed share)`` against the rows it was trained on, ``(None, None)`` without
    a generator: the values ``fit``'s check computed (``_generator_check``; HistoryAD's from samples of its history),
    or, for a saved detector, the same check of its generator (its rows through the detector's own input path)."""
    if hasattr(detector, "_generator_check"):
        return detector._generator_check
    if getattr(detector, "generator_", None) is None:
        return None, None
    rows = detector._model_input(detector._scoring_input(X_fit))
    return sample_checks(*generated_sample(detector.generator_, detector.prior_, rows,
                                           rng=detector._seeded_generator(SPREAD_PHASE)))


def feature_names(job, data_dir):
    """The feature names of ``job``'s data set (its loader's ``meta``)."""
    names = load_data(job.dataset, data_dir)[0].meta.get("feature_names")
    if names is None:
        raise ValueError(f"{job.dataset} has no feature names for --groups")
    return list(names)


def score_groups(scores, X_normal, X_fit, columns, names):
    """``{column or "rest": {"n", "median", "top_share"}}``: the held-out normals at each indicator column's training
    maximum, and the rows in none; ``top_share`` is the group's share of the top fifth of ``scores``."""
    top = np.zeros(len(scores), dtype=bool)
    top[np.argsort(-scores)[: max(1, len(scores) // 5)]] = True
    members = {column: X_normal[:, names.index(column)] >= X_fit[:, names.index(column)].max() for column in columns}
    members["rest"] = ~np.any(list(members.values()), axis=0)
    return {column: {"n": int(rows.sum()), "median": round(float(np.median(scores[rows])), 4) if rows.any() else None,
                     "top_share": round(float(top[rows].sum() / top.sum()), 4)}
            for column, rows in members.items()}


def run(args, dataset, seed, variant, overrides):
    """One record per score setting of ``--scores``: the validation AUROC and top recall per anomaly kind, the
    held-out normals' score, its groups, the fit's seconds and the generator's spread and missed share."""
    job = spec_job(args.spec, args.budget, args.method, dataset, seed)
    X_train = make_split(job, args.data_dir)[0]  # the test part is never used
    X_fit, X_normal, X_permuted = validation_split(X_train, seed)
    anomalies = {"permuted": X_permuted, "dilated": dilated(X_fit, X_normal)}
    job = dataclasses.replace(job, init_args={**job.init_args, **overrides, "n_threads": 1})
    detector = build_detector(job, X_fit)
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        detector.fit(X_fit)
    fit_s = time.perf_counter() - start
    spread, missed = generator_check(detector, X_fit)
    common = {"spec": args.spec, "budget": args.budget, "method": args.method, "dataset": dataset, "seed": seed,
              "overrides": overrides, "n_fit": len(X_fit), "n_validation": len(X_normal),
              "spread": None if spread is None else round(spread, 4),
              "missed": None if missed is None else round(missed, 4),
              "warnings": sorted({f"{w.category.__name__}: {str(w.message)[:120]}" for w in caught}),
              "fit_s": round(fit_s, 1), "git_sha": git_sha(), "torch": torch.__version__}
    fitted = detector.get_params()
    fitted = {name: fitted[name] for _, score_overrides in args.scores for name in score_overrides}
    for score_name, score_overrides in args.scores:
        detector.set_params(**{**fitted, **score_overrides})  # each setting on the fit's own, not the last one's
        yield {**common, "variant": variant + score_name, "score_overrides": score_overrides,
               **validation_values(args, detector, job, X_fit, X_normal, anomalies)}


def validation_values(args, detector, job, X_fit, X_normal, anomalies):
    """The fitted ``detector``'s validation AUROC and top recall per anomaly kind, its held-out normals' score and
    their groups."""
    normal = detector.anomaly_score(X_normal)
    values = {}
    for kind in args.anomalies:
        scores = detector.anomaly_score(anomalies[kind])
        labels = np.r_[np.zeros(len(normal)), np.ones(len(scores))]
        values[kind] = {"auroc": round(auroc(labels, np.r_[normal, scores]), 4),
                        "top_recall": round(top_recall(normal, scores), 4)}
    groups = score_groups(normal, X_normal, X_fit, args.groups, feature_names(job, args.data_dir)) if args.groups else {}
    return {"validation": values, "normal_score": {"mean": round(float(normal.mean()), 4),
                                                   "median": round(float(np.median(normal)), 4),
                                                   "q80": round(float(np.quantile(normal, 0.8)), 4)},
            "groups": groups}


def line(record):
    kinds = ", ".join(f"{kind} {v['auroc']:.3f} (top {v['top_recall']:.3f})" for kind, v in record["validation"].items())
    held_out = record["normal_score"]
    return (f"{record['dataset']} seed {record['seed']} {record['variant']}: {kinds}; held-out normals mean "
            f"{held_out['mean']:.3g}, median {held_out['median']:.3g}, q80 {held_out['q80']:.3g}; spread "
            f"{record['spread']}, missed {record.get('missed')}; {record['fit_s']:.0f} s"
            + "".join(f"\n    {name}: {g['n']} rows, median {g['median']}, top-fifth share {g['top_share']}"
                      for name, g in record["groups"].items()))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec")
    parser.add_argument("--method", required=True)
    parser.add_argument("--budget", default="cpu")
    parser.add_argument("--datasets", nargs="+", required=True)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--variants", nargs="+", default=["spec={}"],
                        help="NAME=JSON constructor overrides on top of the spec's init_args")
    parser.add_argument("--scores", nargs="+", default=[], metavar="NAME=JSON",
                        help="score settings (set_params after the fit, e.g. score_type) to score each fit with too; "
                             "a record per setting, its variant named VARIANT:NAME")
    parser.add_argument("--anomalies", nargs="+", choices=ROW_ANOMALIES, default=list(ROW_ANOMALIES))
    parser.add_argument("--groups", nargs="+", default=[], metavar="NAME",
                        help="indicator columns (feature names) to split the held-out normals' scores by")
    parser.add_argument("--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--jsonl", help="records, one per line; runs already there are skipped")
    args = parser.parse_args(argv)
    args.scores = [("", {})] + [(":" + name, json.loads(text)) for name, text in
                                (score.split("=", 1) for score in args.scores)]
    torch.set_num_threads(1)
    done = set()
    if args.jsonl and Path(args.jsonl).exists():
        records = map(json.loads, Path(args.jsonl).read_text().splitlines())
        done = {(r["dataset"], r["seed"], r["variant"]) for r in records}
    for name, text in (variant.split("=", 1) for variant in args.variants):
        for dataset in args.datasets:
            for seed in args.seeds:
                if (dataset, seed, name) in done:
                    continue
                for record in run(args, dataset, seed, name, json.loads(text)):
                    print(line(record), flush=True)
                    if args.jsonl:
                        with open(args.jsonl, "a") as handle:
                            handle.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()
