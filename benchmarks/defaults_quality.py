"""Defaults quality (issue 13): every registered detector, built as a user builds it, on every set we have.

Each detector of ``ganad.registry.DETECTORS`` is constructed with its defaults only:
``cls(random_state=seed, scaling="standard")`` on tabular and synthetic data (the detector
z-scores the features with statistics of its training rows), and on images (rows of C*H*W
pixels in [-1, 1]) ``cls(random_state=seed, image_shape=(1, 28, 28))``, or
``cls(random_state=seed)`` for a detector without an ``image_shape`` parameter. It is fitted
on normal rows only and scored on held-out normal rows and anomalies; the metric is the AUROC
of ``anomaly_score`` with anomaly = positive (``ganad.metrics.auroc``).

Cells (``--cells`` takes names and the groups ``tabular``, ``synthetic``, ``images``):

- ``thyroid``, ``arrhythmia``, ``musk`` (ODDS) and ``kddcup99``: ``leave_one_class_out_split``
  with the anomaly label as the left-out class, ``train_fraction`` 0.5: half of the normal
  rows train, the other half plus every anomaly test. KDDCUP99 follows DAGMM / ALAD / RCGAN
  (``ganad.data.load_kddcup99``): the 'normal.' traffic (19.7 %) is the anomaly class, the
  attacks are normal; a seeded sample of 5,000 training rows and 2,000 test rows holding the
  set's anomaly share.
- ``mnist:c``, ``fashion_mnist:c``: ``one_class_split`` (class c normal, every other class an
  anomaly), then 500 training images of class c and 500 normal + 500 anomalous test images.
  ``mnist`` alone means the classes of ``--classes`` (default 0 1 2).
- ``ring``, ``loop``, ``arc``, ``four_dots``, ``normal_1d``: ``make_anomaly_benchmark`` with
  2,000 training points and 1,000 normal + 1,000 anomalous test points.

One JSONL row per (detector, cell, seed) is appended to ``<out>/results.jsonl`` as soon as it
is done; a rerun skips the rows already there (``ok`` or ``failed``; ``data missing`` cells are
checked again), so a long table can be built over several runs. Data is never downloaded.
The table (rows = detectors, columns = cells, plus the mean) goes to ``<out>/table.md`` and
stdout, with issue 13's acceptance criteria checked below it; progress goes to stderr.

    PYTHONPATH=src python benchmarks/defaults_quality.py [--methods ...] [--cells tabular synthetic images]
        [--classes 0 1 2] [--seeds 0] [--out results/defaults-quality/cpu] [--data-dir ../shared/data]
        [--threads 1] [--time-limit SECONDS] [--param [METHOD:]NAME=VALUE ...]

``--param`` overrides a constructor parameter (for smoke runs; the table of record uses none);
the overrides are part of each row's key, so such rows never mix with default rows.
"""

import argparse
import ast
import contextlib
import functools
import json
import os
import platform
import signal
import sys
import time
from pathlib import Path

import numpy as np
import torch

from _rows import git_sha
from ganad.bench.results import append_row, read_jsonl
from ganad.data import (SYNTHETIC_SETS, load_fashion_mnist, load_kddcup99, load_mnist, load_odds,
                        make_anomaly_benchmark)
from ganad.metrics import auroc
from ganad.protocols import leave_one_class_out_split, one_class_split
from ganad.registry import DETECTORS

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "results" / "defaults-quality" / "cpu"
TABULAR = ("thyroid", "arrhythmia", "musk", "kddcup99")
IMAGE_SETS = {"mnist": load_mnist, "fashion_mnist": load_fashion_mnist}
GROUPS = {"tabular": TABULAR, "synthetic": SYNTHETIC_SETS, "images": tuple(IMAGE_SETS)}
DEFAULT_CELLS = ("tabular", "synthetic", "images")
DEFAULT_CLASSES = (0, 1, 2)
TABULAR_TRAIN_FRACTION = 0.5
KDD_TRAIN, KDD_TEST = 5000, 2000
TABLE_SEED = 0  # the seed of the tables of record (this table, haloui-t1, history-fig7): see training_cell
IMAGE_TRAIN, IMAGE_TEST_NORMAL, IMAGE_TEST_ANOMALIES = 500, 500, 500
SYNTHETIC_TRAIN, SYNTHETIC_TEST_NORMAL, SYNTHETIC_TEST_ANOMALIES = 2000, 1000, 1000
BASELINES_MODULE = "ganad.detectors.baselines"  # every other registered detector is a GAN detector
AUROC_FLOOR, IFOREST_MARGIN = 0.70, 0.10  # issue 13's acceptance criteria
OK, FAILED, DATA_MISSING = "ok", "failed", "data missing"


def expand_cells(names, classes=DEFAULT_CLASSES):
    """Cell names from names and groups; an image set without ``:c`` gets every class of ``classes``."""
    cells = []
    for name in names:
        for item in GROUPS.get(name, (name,)):
            dataset, _, cls = item.partition(":")
            if dataset in IMAGE_SETS:
                chosen = [cls] if cls else [str(c) for c in classes]
                if not all(c.lstrip("-").isdigit() and 0 <= abs(int(c)) <= 9 for c in chosen):
                    raise ValueError(f"image classes must be 0..9 (or -0..-9: all but that one), got "
                                     f"{item!r} / {classes!r}")
                cells += [f"{dataset}:{'-' * c.startswith('-')}{abs(int(c))}" for c in chosen]
            elif dataset in TABULAR or dataset in SYNTHETIC_SETS and not cls:
                cells.append(dataset)
            else:
                raise ValueError(f"unknown cell {item!r}; choose from {sorted(GROUPS)}, {TABULAR}, "
                                 f"{SYNTHETIC_SETS} or {tuple(IMAGE_SETS)} with an optional ':class'")
    return list(dict.fromkeys(cells))


def is_gan(method):
    return not DETECTORS[method].__module__.startswith(BASELINES_MODULE)


@functools.lru_cache(maxsize=1)  # one set at a time: KDDCUP99 alone holds 480 MB
def _load(name, data_dir):
    if name in IMAGE_SETS:
        return IMAGE_SETS[name]("train", data_dir=data_dir), IMAGE_SETS[name]("test", data_dir=data_dir)
    if name == "kddcup99":
        return load_kddcup99(data_dir=data_dir)
    return load_odds(name, data_dir=data_dir)


def make_cell(cell, seed, data_dir=None):
    """``(X_train, X_test, y_test, image_shape)`` of one cell and seed (``image_shape`` None
    unless images); raises ``FileNotFoundError`` when the cell's data is absent."""
    name, _, cls = cell.partition(":")
    rng = np.random.default_rng(seed)  # the subsamples; each protocol draws from its own seed
    if name in SYNTHETIC_SETS:
        X_train, X_test, y_test = make_anomaly_benchmark(
            name, n_train=SYNTHETIC_TRAIN, n_test_normal=SYNTHETIC_TEST_NORMAL,
            n_test_anomalies=SYNTHETIC_TEST_ANOMALIES, random_state=seed)
        return X_train, X_test, y_test, None
    if name in IMAGE_SETS and cls.startswith("-"):
        return _leave_one_class_out_images(name, cls, rng, data_dir)
    if name in IMAGE_SETS:
        train, test = _load(name, data_dir)
        split = one_class_split(train.X, train.y, test.X, test.y, int(cls), n_test="all", random_state=seed)
        X_test, y_test = _stratified(split.X_test, split.y_test, IMAGE_TEST_NORMAL, IMAGE_TEST_ANOMALIES, rng)
        return _sample(split.X_train, IMAGE_TRAIN, rng), X_test, y_test, tuple(train.image_shape)
    data = _load(name, data_dir)
    X_train, X_test, y_test = leave_one_class_out_split(data.X, data.y, 1, train_fraction=TABULAR_TRAIN_FRACTION,
                                                        random_state=seed)
    if name == "kddcup99":
        n_anomalies = round(KDD_TEST * float(data.y.mean()))  # the protocol's share, 19.7 %
        X_test, y_test = _stratified(X_test, y_test, KDD_TEST - n_anomalies, n_anomalies, rng)
        X_train = _sample(X_train, KDD_TRAIN, rng)
    return X_train, X_test, y_test, None


def training_cell(cell, seed, data_dir=None):
    """``(X_train, image_shape)``: the rows a validation at ``seed`` may use, from the training part of the
    split of record (``TABLE_SEED``) for a table cell or a ``name:-c`` cell, whose splits put other seeds'
    training rows in its test part; one-class image cells (their test split is the set's own) and
    synthetic cells (drawn afresh) take ``seed``."""
    name, _, cls = cell.partition(":")
    outer = TABLE_SEED if name in TABULAR or cls.startswith("-") else seed
    return make_cell(cell, outer, data_dir)[::3]


def validation_class(cls, n_classes=10):
    """The class held out of a ``name:-c`` cell's training part as its validation anomaly: c + 1 (mod 10)."""
    return (int(cls[1:]) + 1) % n_classes


@functools.lru_cache(maxsize=1)  # a cell's training rows and its validation anomalies come from one split
def leave_one_out_parts(name, cls, data_dir):
    """``(normal rows, validation-class rows, image_shape)`` of the cell ``name:-c``: the training part of
    haloui-t1's and history-fig7's pooled split for class c at ``TABLE_SEED`` (``leave_one_class_out_split``
    on the train and test files together: 80 % of the other classes' images), split into the class
    :func:`validation_class` and the rest. None of its rows is a test row of those tables."""
    train, test = _load(name, data_dir)
    X = np.concatenate([np.asarray(train.X), np.asarray(test.X)])
    y = np.concatenate([np.asarray(train.y), np.asarray(test.y)])
    split = leave_one_class_out_split(np.column_stack([X, y]), y, int(cls[1:]), random_state=TABLE_SEED)
    part, labels = split.X_train[:, :-1].astype(X.dtype), split.X_train[:, -1]  # the images' own dtype
    held_out = labels == validation_class(cls)
    return part[~held_out], part[held_out], tuple(train.image_shape)


def is_normal(labels, cls):
    """Which ``labels`` are normal in the one-class image cell whose class part is ``cls`` (class c). A
    ``name:-c`` cell's rows come from :func:`leave_one_out_parts` (the files' class c is a test class there)."""
    if cls.startswith("-"):
        raise ValueError(f"is_normal takes one-class cells; a ':{cls}' cell's rows come from leave_one_out_parts")
    return np.asarray(labels) == int(cls)


def _leave_one_class_out_images(name, cls, rng, data_dir):
    """The validation cell ``name:-c`` (not a table cell), inside haloui-t1's and history-fig7's training part
    for class c (:func:`leave_one_out_parts`): IMAGE_TRAIN images of the classes but c and c + 1 train; the
    test part is IMAGE_TEST_NORMAL other images of those classes (at most half of them) against
    IMAGE_TEST_ANOMALIES of class c + 1.
    (Until 2026-12-07 it trained on the train file's classes but c and tested against class c: rows of those
    tables' test part, class c's images their test anomalies.)"""
    normal, anomalous, image_shape = leave_one_out_parts(name, cls, data_dir)
    order = rng.permutation(len(normal))
    n_held = min(IMAGE_TEST_NORMAL, len(normal) // 2)
    held, pool = normal[order[:n_held]], normal[order[n_held:]]
    X_test = np.concatenate([held, _sample(anomalous, IMAGE_TEST_ANOMALIES, rng)])
    y_test = np.r_[np.zeros(len(held), dtype=int), np.ones(len(X_test) - len(held), dtype=int)]
    return _sample(pool, IMAGE_TRAIN, rng), X_test, y_test, image_shape


def _sample(X, n, rng):
    return X if n >= len(X) else X[np.sort(rng.choice(len(X), n, replace=False))]


def _stratified(X, y, n_normal, n_anomalies, rng):
    """``n_normal`` rows with y = 0 and ``n_anomalies`` with y = 1 (fewer when fewer exist), shuffled."""
    rows = np.concatenate([_sample(np.flatnonzero(y == 0), n_normal, rng),
                           _sample(np.flatnonzero(y == 1), n_anomalies, rng)])
    rows = rows[rng.permutation(len(rows))]
    return X[rows], y[rows]


def build(method, seed, image_shape, params=None):
    """The detector as a user builds it (see the module docstring), plus ``params``' overrides."""
    cls = DETECTORS[method]
    init = {"random_state": seed}
    if image_shape is None:
        init["scaling"] = "standard"
    elif "image_shape" in cls().get_params():
        init["image_shape"] = image_shape
    return cls(**{**init, **(params or {})})


def run_job(method, cell, seed, data, params=None, time_limit=None):
    """Fit and score one detector on one cell's ``data``; returns the measured part of a row."""
    X_train, X_test, y_test, image_shape = data
    row = {"n_train": len(X_train), "n_test": len(X_test), "n_test_anomalies": int(y_test.sum())}
    try:
        with _time_limit(time_limit):
            detector = build(method, seed, image_shape, params)
            start = time.perf_counter()
            detector.fit(X_train)
            row["fit_s"] = time.perf_counter() - start
            start = time.perf_counter()
            scores = detector.anomaly_score(X_test)
            row["score_s"] = time.perf_counter() - start
            row["auroc"] = auroc(y_test, scores)
        row["status"] = OK
    except Exception as error:  # one failing detector must not stop the table; the row says why
        row.update(status=FAILED, error=_one_line(error))
    return row


@contextlib.contextmanager
def _time_limit(seconds):
    """Raise ``TimeoutError`` in the block after ``seconds`` (SIGALRM: Unix, main thread only)."""
    if not seconds:
        yield
        return

    def stop(signum, frame):
        raise TimeoutError(f"stopped after the --time-limit of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _one_line(error):
    text = f"{type(error).__name__}: {error}".strip().splitlines()[0]
    return text if len(text) <= 300 else text[:297] + "..."


def job_key(method, cell, seed, params=None):
    return f"{method}|{cell}|{seed}" + (f"|{json.dumps(params, sort_keys=True)}" if params else "")


def run(methods, cells, seeds, out, *, params=None, data_dir=None, time_limit=None, log=None):
    """Run (or resume) the grid into ``out/results.jsonl``; return the latest row of every job.

    ``params`` maps a method to its constructor overrides (none for the table of record).
    """
    params, log = params or {}, log or sys.stderr
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "results.jsonl"
    latest = {row["key"]: row for row in read_jsonl(path)}
    grid = [(m, c, s) for c in cells for s in seeds for m in methods]
    todo = [job for job in grid if latest.get(job_key(*job, params.get(job[0])), {}).get("status") not in (OK, FAILED)]
    print(f"{len(grid)} jobs, {len(grid) - len(todo)} already in {path}", file=log, flush=True)
    data_dir = None if data_dir is None else str(data_dir)
    context = {"torch": torch.__version__, "git_sha": git_sha(), "threads": torch.get_num_threads(),
               "device": "cuda" if torch.cuda.is_available() else "cpu", "python": platform.python_version()}
    loaded = None
    for done, (method, cell, seed) in enumerate(todo, 1):
        key = job_key(method, cell, seed, params.get(method))
        if loaded is None or loaded[0] != (cell, seed):
            try:
                loaded = (cell, seed), make_cell(cell, seed, data_dir), None
            except FileNotFoundError as error:
                loaded = (cell, seed), None, (DATA_MISSING, _one_line(error))
            except Exception as error:  # an unreadable file fails the cell's jobs, not the run
                loaded = (cell, seed), None, (FAILED, _one_line(error))
        row = {"key": key, "method": method, "cell": cell, "seed": seed, "params": params.get(method, {})}
        if loaded[2] is not None:
            row.update(status=loaded[2][0], error=loaded[2][1])
        else:
            row.update(run_job(method, cell, seed, loaded[1], params.get(method), time_limit))
        row.update(context, timestamp=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
        if not (row["status"] == DATA_MISSING and latest.get(key, {}).get("status") == DATA_MISSING):
            append_row(path, row)
        latest[key] = row
        print(f"[{done}/{len(todo)}] {method} | {cell} | seed {seed}: {_progress(row)}", file=log, flush=True)
    return [latest[key] for key in (job_key(m, c, s, params.get(m)) for m, c, s in grid) if key in latest]


def _progress(row):
    if row["status"] != OK:
        return f"{row['status']}: {row.get('error', '')}"
    return f"ok, AUROC {row['auroc']:.3f}, fit {row['fit_s']:.1f} s, score {row['score_s']:.1f} s"


def auroc_table(rows):
    """``{(method, cell): mean AUROC over the seeds with an ok row}``."""
    values = {}
    for row in rows:
        if row["status"] == OK:
            values.setdefault((row["method"], row["cell"]), []).append(row["auroc"])
    return {key: float(np.mean(v)) for key, v in values.items()}


def cell_means(rows):
    """Each method's mean AUROC over the cells where it has one."""
    per_method = {}
    for (method, _), value in auroc_table(rows).items():
        per_method.setdefault(method, []).append(value)
    return {method: float(np.mean(v)) for method, v in per_method.items()}


def cell_violations(values, *, floor=AUROC_FLOOR, margin=IFOREST_MARGIN):
    """``(method, cell, problem)`` for each per-cell criterion that ``values`` (``{(method, cell): AUROC}``)
    breaks: the AUROC below ``floor``, or below IForest's on the same cell minus ``margin``."""
    for (method, cell), value in values.items():
        if value < floor:
            yield method, cell, f"{method} on {cell}: AUROC {value:.3f} < {floor:.2f}"
        reference = values.get(("iforest", cell))
        if reference is not None and value < reference - margin:
            yield method, cell, f"{method} on {cell}: AUROC {value:.3f} < IForest's {reference:.3f} - {margin:.2f}"


def acceptance(rows, *, floor=AUROC_FLOOR, margin=IFOREST_MARGIN):
    """Issue 13's criteria on ``rows``; returns one line per violation ([] when all hold).

    On every cell with data: each detector ran, its AUROC is >= ``floor`` and >= IForest's on
    the same cell minus ``margin``. Over the cells: the best GAN detector's mean AUROC is >=
    the larger of IForest's and KDE's means. A criterion needing IForest or KDE is skipped when
    the rows hold none of theirs.
    """
    values, problems = auroc_table(rows), []
    for row in rows:
        if row["status"] == FAILED:
            problems.append(f"{row['method']} on {row['cell']} (seed {row['seed']}) failed: {row.get('error', '')}")
    problems += [problem for _, _, problem in cell_violations(values, floor=floor, margin=margin)]
    means = cell_means(rows)
    gans = [m for m in means if is_gan(m)]
    references = {m: means[m] for m in ("iforest", "kde") if m in means}
    if gans and references:
        best = max(gans, key=means.get)
        bar = max(references, key=references.get)
        if means[best] < references[bar]:
            problems.append(f"best GAN detector {best}: mean AUROC {means[best]:.3f} < {bar}'s {references[bar]:.3f}")
    return problems


def render(rows):
    """Markdown: AUROC and seconds per detector (rows) and cell (columns), then the acceptance check."""
    methods = list(dict.fromkeys(row["method"] for row in rows))
    cells = list(dict.fromkeys(row["cell"] for row in rows))
    values, means = auroc_table(rows), cell_means(rows)
    status = {}
    for row in rows:
        status.setdefault((row["method"], row["cell"]), set()).add(row["status"])
    with_data = [c for c in cells if any((m, c) in values for m in methods)]

    def entry(method, cell):
        if (method, cell) in values:
            return f"{values[method, cell]:.3f}" + ("!" if FAILED in status[method, cell] else "")
        found = status.get((method, cell), set())
        return "failed" if FAILED in found else "n/a" if DATA_MISSING in found else ""

    def mean(method):
        if method not in means:
            return ""
        covered = sum((method, c) in values for c in with_data)
        return f"{means[method]:.3f}" + ("" if covered == len(with_data) else f" ({covered}/{len(with_data)})")

    outside = {(m, c) for m, c, _ in cell_violations(values)}

    def in_bounds(method):
        covered = [c for c in with_data if (method, c) in values]
        return f"{sum((method, c) not in outside for c in covered)}/{len(covered)}"

    header = ["| detector | " + " | ".join(cells) + " | {} |", "|---|" + "---:|" * (len(cells) + 1)]
    lines = ["AUROC (anomaly = positive), mean over seeds; `failed`: the job raised, `n/a`: data missing, "
             "`!`: some seeds failed; the mean covers the cells with a value (k/n when not all); in bounds: the "
             f"cells where the AUROC is >= {AUROC_FLOOR:.2f} and >= IForest's - {IFOREST_MARGIN:.2f}.", ""]
    lines += [header[0].format("mean | in bounds"), header[1] + "---:|"]
    lines += [f"| {m} | " + " | ".join(entry(m, c) for c in cells) + f" | {mean(m)} | {in_bounds(m)} |"
              for m in methods]
    seconds = {}
    for row in rows:
        if row["status"] == OK:
            seconds.setdefault((row["method"], row["cell"]), []).append(row["fit_s"] + row["score_s"])
    lines += ["", "Seconds to fit and score, mean over seeds:", "", header[0].format("total"), header[1]]
    for m in methods:
        each = [np.mean(seconds[m, c]) if (m, c) in seconds else None for c in cells]
        total = sum(s for s in each if s is not None)
        lines.append(f"| {m} | " + " | ".join("" if s is None else f"{s:.1f}" for s in each) + f" | {total:.1f} |")
    ok = [row for row in rows if row["status"] == OK]
    sizes = {row["cell"]: f"{row['n_train']}/{row['n_test']}/{row['n_test_anomalies']}" for row in ok}
    lines += ["", f"{len(ok)} ok rows of {len(rows)}; seeds {sorted({row['seed'] for row in rows})}; "
              f"rows train/test/test anomalies: " + ", ".join(f"{c} {s}" for c, s in sizes.items())]
    for name in ("torch", "git_sha", "threads", "device", "params"):
        found = sorted({json.dumps(row.get(name)) if name == "params" else str(row.get(name)) for row in ok})
        lines.append(f"{name}: {', '.join(found)}")
    problems = acceptance(rows)
    lines += ["", f"Issue 13 acceptance (AUROC >= {AUROC_FLOOR:.2f} and >= IForest's - {IFOREST_MARGIN:.2f} on "
              "every cell; best GAN mean >= max(IForest's, KDE's)): "
              + ("all criteria hold." if not problems else f"{len(problems)} violations:"), ""]
    lines += [f"- {p}" for p in problems]
    return "\n".join(lines).rstrip() + "\n"


def parse_params(items, methods):
    """``{method: {name: value}}`` from ``[METHOD:]NAME=VALUE`` strings; VALUE as a Python literal
    when it parses as one, else a string. Without METHOD it applies to every method having NAME."""
    params = {}
    for item in items:
        target, equals, value = item.partition("=")
        method, _, name = target.rpartition(":")
        if not equals or not name:
            raise ValueError(f"--param wants [METHOD:]NAME=VALUE, got {item!r}")
        try:
            value = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            pass
        chosen = [method] if method else [m for m in methods if name in DETECTORS[m]().get_params()]
        for m in chosen:
            if m not in DETECTORS or name not in DETECTORS[m]().get_params():
                raise ValueError(f"--param {item!r}: {m!r} has no parameter {name!r}")
            params.setdefault(m, {})[name] = value
    return params


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--methods", nargs="+", default=list(DETECTORS), choices=list(DETECTORS), metavar="METHOD")
    parser.add_argument("--cells", nargs="+", default=list(DEFAULT_CELLS),
                        help="cells and groups: tabular, synthetic, images, thyroid, mnist:3, ...")
    parser.add_argument("--classes", nargs="+", type=int, default=list(DEFAULT_CLASSES),
                        help="image classes for an image set named without ':c' (default 0 1 2)")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--data-dir", type=Path,
                        default=Path(os.environ.get("GANAD_DATA") or REPO.parent / "shared" / "data"))
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's)")
    parser.add_argument("--time-limit", type=float, default=None, help="seconds per job, then 'failed' (Unix)")
    parser.add_argument("--param", action="append", default=[], metavar="[METHOD:]NAME=VALUE",
                        help="constructor override, for smoke runs only")
    args = parser.parse_args(argv)
    try:
        cells = expand_cells(args.cells, args.classes)
        params = parse_params(args.param, args.methods)
    except ValueError as error:
        parser.error(str(error))
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    rows = run(args.methods, cells, args.seeds, args.out, params=params, data_dir=args.data_dir,
               time_limit=args.time_limit)
    text = render(rows)
    (args.out / "table.md").write_text(text, encoding="utf-8")
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
