"""The generator checks of ``fit`` on the defaults-quality cells, beside the detectors' validation AUROCs.

``ganad.training.collapse`` checks a trained generator against its training rows twice: its *spread* (near 0:
the GAN collapsed to a point) and its *missed share* (the training rows' mass in k-means bins the generator
hardly draws: a missed mode). This script records both for each GAN detector with its defaults (as
``defaults_quality.build``: z-scored rows, ``random_state=seed``) fitted on the same 80 % of each cell's training
rows that ``defaults_validation.py`` fits, so that each row can be read beside that script's validation AUROCs
(``--validation``, its CSV: the detector's and IForest's, per anomaly kind) when choosing the checks'
thresholds. ``--params`` overrides the defaults (a JSON dict, the same for every method and cell). ``--models CELL=DIR``
checks saved detectors (``ganad.load_model``: a GAN trained elsewhere, e.g. one a ``ganad bench`` run kept)
against the training rows of ``CELL`` instead of fitting one. No test row is read; nothing is scored.

    OMP_NUM_THREADS=1 PYTHONPATH=src:benchmarks python benchmarks/generator_coverage.py \\
        --methods wgan-critic anogan bigan --cells tabular synthetic \\
        --validation results/defaults-quality/cpu/validation_proxies.csv \\
        --csv results/defaults-quality/cpu/missed_share.csv
"""

import argparse
import csv
import json
import sys
import warnings
from pathlib import Path

import torch

from ganad.io import load_model
from ganad.registry import method_name

from defaults_quality import build, expand_cells, training_cell
from defaults_validation import append_rows, validation_split
from spec_validation import generator_check


def validation_aurocs(path):
    """``{(method, cell): {anomaly kind: validation AUROC}}`` of the default settings in a
    ``defaults_validation.py`` CSV (its last row per key)."""
    values = {}
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            if row["params"] == "{}":
                values.setdefault((row["method"], row["cell"]), {})[row["anomalies"]] = float(row["validation_auroc"])
    return values


def coverage_row(method, cell, seed, data_dir, validation, params=None, model=None):
    """One CSV row: the fit's spread, missed share and generator warnings, and the validation AUROCs; with
    ``model`` (``(folder, detector)`` of a saved detector) that detector is checked instead of a fit, and
    ``params`` is its folder."""
    X_train, image_shape = training_cell(cell, seed, data_dir)
    X_fit = validation_split(X_train, seed)[0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if model is None:
            detector = build(method, seed, image_shape, {**(params or {}), "n_threads": 1}).fit(X_fit)
        else:
            folder, detector = model
            params = {"model": str(folder)}
    spread, missed = generator_check(detector, X_fit)
    return {"method": method, "cell": cell, "seed": seed, "params": json.dumps(params or {}, sort_keys=True),
            "spread": round(spread, 4), "missed": round(missed, 4),
            "warned": " ".join(sorted({w.category.__name__ for w in caught if "Generator" in w.category.__name__})),
            "validation": json.dumps(validation.get((method, cell), {}), sort_keys=True),
            "iforest_validation": json.dumps(validation.get(("iforest", cell), {}), sort_keys=True)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", nargs="+", default=[])
    parser.add_argument("--cells", nargs="+", default=["tabular", "synthetic"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--params", default="{}", help="a JSON dict of constructor overrides")
    parser.add_argument("--models", nargs="+", default=[], metavar="CELL=DIR",
                        help="saved detectors checked against CELL's training rows instead of --methods' fits")
    parser.add_argument("--validation", help="a defaults_validation.py CSV whose default rows are joined")
    parser.add_argument("--csv", required=True,
                        help="rows appended; (method, cell, seed, params) already there are skipped")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    validation = validation_aurocs(args.validation) if args.validation else {}
    params = json.loads(args.params)
    done = set()
    if Path(args.csv).exists():
        with open(args.csv, newline="") as handle:
            done = {(row["method"], row["cell"], int(row["seed"]), row["params"]) for row in csv.DictReader(handle)}
    for method in args.methods:
        for cell in expand_cells(args.cells):
            if (method, cell, args.seed, json.dumps(params, sort_keys=True)) in done:
                continue
            try:
                row = coverage_row(method, cell, args.seed, args.data_dir, validation, params)
            except FileNotFoundError as error:
                print(f"{cell}: data missing ({error})", file=sys.stderr)
                continue
            report(args.csv, row)
    for item in args.models:
        cell, _, folder = item.partition("=")
        detector = load_model(folder, device="cpu")
        method = method_name(detector)
        if (method, cell, args.seed, json.dumps({"model": folder}, sort_keys=True)) not in done:
            report(args.csv, coverage_row(method, cell, args.seed, args.data_dir, validation,
                                          model=(folder, detector)))


def report(path, row):
    """Print ``row`` and append it to the CSV at ``path``."""
    print(f"{row['method']:<14} {row['cell']:<12} spread {row['spread']:.3f} missed {row['missed']:.3f} "
          f"{row['warned']}", flush=True)
    append_rows(path, [row])


if __name__ == "__main__":
    main()
