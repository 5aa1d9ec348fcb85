"""RCGAN's seed instability (issue 15): training curves and validation AUROCs from training data only.

For each data set, seed and variant it builds the bench split exactly as ``ganad bench``
does (``ganad.bench.runner.make_split`` on the job of ``--spec`` at ``--budget``: the
contamination protocol, normal-only training part, min-max scaling on the training part),
carves 20 % of the *training* normals as validation rows (``defaults_validation.
validation_split``: validation anomalies are those rows with every feature permuted
independently across rows) and fits RCGAN with the spec's init_args on the other 80 %.
No test row is read. Every ``--every`` epochs (and before the first and after the last) it
records, with the weight averages that score (``ema``) and with the last weights
(``last``), networks in eval mode:

* the epoch-mean losses since the previous record: ``discriminator_xz_loss``,
  ``discriminator_xx_loss``, ``generator_xz_loss`` (E and G on D_xz) and ``cycle_x_loss``
  (E and G on D_xx);
* D_xx's mean output (a probability) on the normal validation pairs (x, x) (``dxx_xx``),
  on (x, t) with t a draw of N(0, I) in the split's coordinates (the penalty distribution
  t(x) when the detector does not rescale: every probe row goes through the detector's
  ``scaler_`` first, as its networks see rows) (``dxx_xt``), on the
  feature-shuffled rows s as (s, s) (``dxx_ss``), and on the scored pairs (a, G(E(a))) for a
  = x, s, t, o (``dxx_rec_x``, ``_s``, ``_t``, ``_o``);
* validation AUROCs of the held-out normals against three anomaly sets: the feature-shuffled
  rows s (keys without a suffix), penalty draws t (suffix ``_t``) and the rows outside the
  training range o (suffix ``_o``: each held-out row with one random feature moved beyond
  the fitting rows' range by U(0, 0.5) of that range), for Eq. 11, ``1 - D_xx(x, G(E(x)))``
  as printed (``auc_eq11``) and with the detector's range rule (``auc_eq11_range``: the logit
  range taken on the fitting rows at that epoch), Eq. 12, ``||l_xx(x, x) - l_xx(x,
  G(E(x)))||_2`` (``auc_eq12``), and ``1 - D_xz(x, E(x))`` (``auc_dxz``, a diagnostic, not a
  paper score).

After the fit the detector's own ``anomaly_score`` (its ``score_type``, recorded, with its
range and support rules, averaged weights) gives ``final_auc`` on the same rows. One process, one torch
thread; runs resume from ``--jsonl`` (one record per data set, seed and variant). It prints
per-seed final values, their spread over seeds, and the spread within each run's last
quarter of records.

    OMP_NUM_THREADS=1 GANAD_NUM_THREADS=1 PYTHONPATH=src python benchmarks/rcgan_diagnosis.py \\
        --datasets thyroid arrhythmia --seeds 0 1 2 --every 10 \\
        --variants 'default={}' 'sn={"spectral_norm": true}' 'lr1e-4={"learning_rate": 1e-4}' \\
        --jsonl results/rcgan-diagnosis/cpu/rcgan_diagnosis.jsonl  # about 35 min on 2 shared cores

Results and what they show: ``src/ganad/detectors/alice/README.md``, "Diagnosis: seed instability".
"""

import argparse
import contextlib
import csv
import json
import time
from pathlib import Path
from unittest import mock

import numpy as np
import torch

from _rows import git_sha
from defaults_validation import validation_split
from ganad.bench.runner import make_split
from ganad.detectors.alice import common
from ganad.detectors.alice.common import feature_distance
from ganad.nets import eval_mode
from ganad.detectors.alice.rcgan import RCGAN, PenaltyDistribution
from ganad.metrics import auroc
from ganad.scoring import range_score, training_range
from ganad.utils.scaling import apply_scaler
from spec_validation import spec_job

LOSSES = ("discriminator_xz_loss", "discriminator_xx_loss", "generator_xz_loss", "cycle_x_loss")
ANOMALIES = ("shuffled", "penalty", "outside")  # the validation anomaly sets
KEY = {"normal": "x", "shuffled": "s", "penalty": "t", "outside": "o"}  # their letters in the record keys
SCORES = ("eq11", "eq11_range", "eq12", "dxz")


@torch.no_grad()
def probe(detector, rows):
    """D_xx's outputs and the validation AUROCs of the detector's current networks (eval mode).

    ``rows`` are in the coordinates the detector is given; they are scaled as its networks see
    them (its ``scaler_``, fitted before training starts) first.
    """
    rows = {name: torch.as_tensor(apply_scaler(values.double().numpy(), detector.scaler_), dtype=torch.float32)
            for name, values in rows.items()}
    G, E = detector.generator_, detector.encoder_
    d_xx, d_xz = detector.discriminator_xx_, detector.discriminator_xz_
    fit = rows["fit"]
    value_range = training_range(d_xx(fit, G(E(fit))))
    rec = {name: G(E(rows[name])) for name in ANOMALIES + ("normal",)}
    logit = {name: d_xx(rows[name], rec[name]) for name in rec}
    scores = {name: {"eq11": -logit[name], "eq11_range": range_score(logit[name], value_range),
                     "eq12": feature_distance(d_xx, (rows[name], rows[name]), (rows[name], rec[name]), 2),
                     "dxz": -d_xz(rows[name], E(rows[name]))} for name in rec}
    x, s, t = rows["normal"], rows["shuffled"], rows["penalty"]
    mean = lambda logits: float(torch.sigmoid(logits).mean())  # noqa: E731
    out = {"dxx_xx": mean(d_xx(x, x)), "dxx_xt": mean(d_xx(x, t)), "dxx_ss": mean(d_xx(s, s)),
           **{f"dxx_rec_{KEY[name]}": mean(logit[name]) for name in rec}}
    for name in ANOMALIES:
        labels = np.r_[np.zeros(len(x)), np.ones(len(rows[name]))]
        suffix = "" if name == "shuffled" else f"_{KEY[name]}"
        for score in SCORES:
            both = torch.cat([scores["normal"][score], scores[name][score]]).double().numpy()
            out[f"auc_{score}{suffix}"] = auroc(labels, both)
    return out


def tail_rows(X_normal, X_fit, rng):
    """Each validation row with one random feature moved beyond the fitting rows' range.

    Above the maximum or below the minimum (a coin flip) by U(0, 0.5) times the feature's
    range: a row unlike the training data in one feature only, like an extreme lab value.
    """
    low, high = X_fit.min(axis=0), X_fit.max(axis=0)
    rows = X_normal.copy()
    feature = rng.integers(X_normal.shape[1], size=len(rows))
    step = rng.uniform(0, 0.5, size=len(rows)) * (high - low)[feature]
    above = rng.random(len(rows)) < 0.5
    rows[np.arange(len(rows)), feature] = np.where(above, high[feature] + step, low[feature] - step)
    return rows


@contextlib.contextmanager
def evaluating(trainer, averaged):
    """The trainer's networks in eval mode (with their weight averages when ``averaged``), train mode after."""
    with trainer._averaged() if averaged else contextlib.nullcontext(), eval_mode(trainer.generator, trainer.critic):
        yield


def recording_trainer(detector, rows, every, curve):
    """``JointTrainer`` that appends a record to ``curve`` every ``every`` epochs, before the first and after the last."""
    seen = {}

    def record(epoch, trainer):
        entry = {"epoch": epoch, "steps": trainer.critic_steps}
        for name in LOSSES:
            if name in trainer.history:
                values = trainer.history[name]
                entry[name] = float(values[seen.get(name, 0):].mean()) if len(values) > seen.get(name, 0) else None
                seen[name] = len(values)
        for weights, averaged in (("ema", trainer.averages is not None), ("last", False)):
            with evaluating(trainer, averaged):
                entry[weights] = probe(detector, rows)
        curve.append(entry)

    class RecordingTrainer(common.JointTrainer):
        def fit(self, data, n_epochs, on_epoch_end=None, **kwargs):
            record(0, self)

            def recording(epoch, trainer):
                if epoch % every == 0 or epoch == n_epochs:
                    record(epoch, trainer)
                if on_epoch_end is not None:
                    on_epoch_end(epoch, trainer)

            return super().fit(data, n_epochs, on_epoch_end=recording, **kwargs)

    return RecordingTrainer


def run(dataset, seed, variant, overrides, args):
    """One record: the split sizes, the settings, the curve and the final validation AUROC."""
    job = spec_job(args.spec, args.budget, "rcgan", dataset, seed)
    X_train, _, _, _ = make_split(job, args.data_dir)  # the test part is never used
    X_fit, X_normal, X_shuffled = validation_split(X_train, seed)
    params = {**job.init_args, **overrides, "random_state": seed, "n_threads": 1}
    detector = RCGAN(**params)
    penalty_rng = torch.Generator().manual_seed(10_000 + seed)
    rows = {"fit": torch.as_tensor(X_fit, dtype=torch.float32),
            "normal": torch.as_tensor(X_normal, dtype=torch.float32),
            "shuffled": torch.as_tensor(X_shuffled, dtype=torch.float32)}
    rows["penalty"] = PenaltyDistribution("normal", 1.0)(rows["normal"], penalty_rng)
    rows["outside"] = torch.as_tensor(tail_rows(X_normal, X_fit, np.random.default_rng(20_000 + seed)),
                                      dtype=torch.float32)
    curve = []
    start = time.perf_counter()
    with mock.patch.object(common, "JointTrainer", recording_trainer(detector, rows, args.every, curve)):
        detector.fit(X_fit)
    fit_s = time.perf_counter() - start
    normal = detector.anomaly_score(X_normal)
    final_auc = {name: auroc(np.r_[np.zeros(len(normal)), np.ones(len(rows[name]))],
                             np.r_[normal, detector.anomaly_score(rows[name].double().numpy())])
                 for name in ANOMALIES}
    return {"dataset": dataset, "seed": seed, "variant": variant, "overrides": overrides,
            "init_args": {k: v for k, v in params.items() if k != "n_threads"},
            "score_type": detector.score_type, "n_fit": len(X_fit), "n_validation": len(X_normal),
            "n_epochs": detector.n_epochs_,
            "fit_s": round(fit_s, 1), "final_auc": final_auc, "curve": curve,
            "git_sha": git_sha(), "torch": torch.__version__}


def flat_rows(records):
    """One CSV row per (record, epoch, weights)."""
    for record in records:
        for entry in record["curve"]:
            for weights in ("ema", "last"):
                yield {"dataset": record["dataset"], "variant": record["variant"], "seed": record["seed"],
                       "epoch": entry["epoch"], "steps": entry["steps"], "weights": weights,
                       **{name: entry.get(name) for name in LOSSES}, **entry[weights]}


def spread(values):
    return f"{np.mean(values):.2f} ± {np.std(values):.2f} ({', '.join(f'{v:.2f}' for v in values)})"


def render(records):
    """Per-seed values at the end of training, then their spread over seeds per score and anomaly set."""
    lines = ["| data set | variant | seed | Eq. 11 s / t / o | Eq. 12 s / t / o | D_xz s / t / o | detector s / t / o"
             " | Eq. 11, last quarter (s) | D_xx (x,x) / (x,t) / (x,G(E(x))) / (s,..) / (t,..) / (o,..)"
             " | L_xx | fit s |", "|---|---|---:|---|---|---|---|---|---|---:|---:|"]
    groups = {}
    for r in records:
        end, tail = r["curve"][-1], r["curve"][-max(1, len(r["curve"]) // 4):]
        ema = end["ema"]
        three = lambda score: " / ".join(f"{ema['auc_' + score + suffix]:.2f}" for suffix in ("", "_t", "_o"))  # noqa: E731
        final = " / ".join(f"{r['final_auc'][name]:.2f}" for name in ANOMALIES)
        span = f"{min(e['ema']['auc_eq11'] for e in tail):.2f}-{max(e['ema']['auc_eq11'] for e in tail):.2f}"
        dxx = " / ".join(f"{ema[key]:.2f}" for key in ("dxx_xx", "dxx_xt", "dxx_rec_x", "dxx_rec_s", "dxx_rec_t",
                                                        "dxx_rec_o"))
        lines.append(f"| {r['dataset']} | {r['variant']} | {r['seed']} | {three('eq11')} | {three('eq12')} | "
                     f"{three('dxz')} | {final} | {span} | {dxx} | {end['discriminator_xx_loss']:.3f} | "
                     f"{r['fit_s']:.0f} |")
        group = groups.setdefault((r["dataset"], r["variant"]), {})
        for weights in ("ema", "last"):
            for score in SCORES:
                for name in ANOMALIES:
                    key = f"auc_{score}" + ("" if name == "shuffled" else f"_{KEY[name]}")
                    group.setdefault((weights, score, name), []).append(end[weights][key])
    lines += ["", "| data set | variant | weights | score | shuffled | penalty t(x) | outside |",
              "|---|---|---|---|---|---|---|"]
    for (dataset, variant), group in groups.items():
        for weights in ("ema", "last"):
            for score in SCORES:
                cells = " | ".join(spread(group[(weights, score, name)]) for name in ANOMALIES)
                lines.append(f"| {dataset} | {variant} | {weights} | {score} | {cells} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["thyroid", "arrhythmia"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--variants", nargs="+", default=["default={}"],
                        help="NAME=JSON constructor overrides on top of the spec's init_args")
    parser.add_argument("--spec", default="rcgan-t3")
    parser.add_argument("--budget", default="cpu")
    parser.add_argument("--every", type=int, default=10, help="epochs between records")
    parser.add_argument("--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--jsonl", help="records, one per line; runs already there are skipped")
    parser.add_argument("--csv", help="one row per (run, epoch, weights)")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    variants = dict(text.split("=", 1) for text in args.variants)
    records = []
    if args.jsonl and Path(args.jsonl).exists():
        records = [json.loads(line) for line in Path(args.jsonl).read_text().splitlines() if line.strip()]
    done = {(r["dataset"], r["seed"], r["variant"]) for r in records}
    for variant, text in variants.items():
        for dataset in args.datasets:
            for seed in args.seeds:
                if (dataset, seed, variant) in done:
                    continue
                record = run(dataset, seed, variant, json.loads(text), args)
                records.append(record)
                end = record["curve"][-1]["ema"]
                print(f"{dataset} seed {seed} {variant}: Eq. 11 {end['auc_eq11']:.3f} / {end['auc_eq11_t']:.3f} / "
                      f"{end['auc_eq11_o']:.3f}, Eq. 12 {end['auc_eq12']:.3f} / {end['auc_eq12_t']:.3f} / "
                      f"{end['auc_eq12_o']:.3f} (shuffled / t / outside; {record['fit_s']:.0f} s)", flush=True)
                if args.jsonl:
                    with open(args.jsonl, "a") as handle:
                        handle.write(json.dumps(record) + "\n")
    wanted = [r for r in records if r["variant"] in variants and r["dataset"] in args.datasets
              and r["seed"] in args.seeds]
    if args.csv and wanted:
        rows = list(flat_rows(wanted))
        with open(args.csv, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    print(render(wanted))


if __name__ == "__main__":
    main()
