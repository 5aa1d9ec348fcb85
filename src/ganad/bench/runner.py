"""Run a benchmark spec: jobs -> one row each -> a JSONL log (resumable) -> JSON, CSV, Markdown.

Each job loads its data, builds its split with the spec's protocol and its own seed, builds a
fresh detector from :data:`ganad.registry.DETECTORS` with ``random_state=seed`` and checks it
against the training rows as ``fit`` would (:func:`build_detector`), fits it, scores the
test rows and returns one flat row: the job's configuration, seed, git SHA, durations,
metrics, the warnings its fit raised (``fit_warnings``) and a status -- ``ok``, ``failed`` (with
the error), ``not implemented`` (method not in the registry yet) or ``data missing`` (with the
fetch hint). Jobs run through ``joblib.Parallel(n_jobs=jobs)``, so a Dask or Ray joblib
backend can take the grid (``with joblib.parallel_config(backend="dask"): run_spec(...)`` with a
``distributed.Client`` open; its rows' metrics equal a serial run's, ``tests/integration/test_dask.py``). The jobs
then run in the workers' processes: ``data_dir`` must be readable there, and a loader added
to ``LOADERS`` at run time is not seen by them.

A method with ``selection = "holdout"`` (one-class protocol) first fixes the parameters of its
``holdout_grid`` by AUROC on a labelled holdout of the *training* split
(:mod:`ganad.protocols.holdout_selection`, ADGAN §4.2's "small holdout set"); the row records
the chosen values (``selected.*``) and every candidate's holdout AUROC (``holdout.*``).

Every row is appended to ``results.jsonl`` in the output folder as soon as it arrives; a
rerun skips the jobs that already have an ``ok`` row there and retries the others, and warns of
the kept rows whose settings are not the spec's now.
"""

import dataclasses
import functools
import json
import logging
import platform
import subprocess
import time
import traceback
import warnings
from pathlib import Path

import numpy as np
import torch
from joblib import Parallel, delayed
from sklearn.base import clone

from ..fitted_state import check_network_size
from ..metrics import evaluate
from ..protocols import (contamination_split, leave_one_class_out_default_splits, leave_one_class_out_split,
                         noise_split, novelty_split, one_class_split)
from ..protocols.holdout_selection import labelled_holdout, select_on_holdout
from ..registry import DETECTORS
from ..data.tabular import scale_on_train
from .shared_gan import keep_gan, reuse_gan
from .results import append_row, jsonable, latest_rows, read_jsonl, write_outputs
from .spec import LOADERS, expand, fetch_hint, load_spec

logger = logging.getLogger(__name__)

OK, FAILED, NOT_IMPLEMENTED, DATA_MISSING = "ok", "failed", "not implemented", "data missing"
SETTINGS = ("detector", "max_train", "max_test")  # with the protocol.* and param.* fields: what a job ran with


def run_spec(spec, budget="smoke", out=None, *, jobs=1, data_dir=None, seeds=None, figures=False, methods=None,
             datasets=None):
    """Run (or resume) ``spec`` under ``budget``; return ``(rows, paths)``.

    ``out`` defaults to ``bench_results/<spec>/<budget>``. ``rows`` are the latest row of
    every job of the grid that has one; ``paths`` maps "jsonl", "json", "csv", "markdown" to
    the files. ``methods`` (names of the budget's methods) and ``datasets`` (names of its data
    sets) run only their jobs; the outputs still show every row of the grid already in the log.
    """
    spec = load_spec(spec) if isinstance(spec, (str, Path)) else spec
    out = Path(out or Path("bench_results") / spec.name / budget)
    out.mkdir(parents=True, exist_ok=True)
    log = out / "results.jsonl"
    grid = expand(spec, budget, seeds=seeds)
    logged = {row["key"]: row for row in read_jsonl(log) if row.get("status") == OK}
    done = set(logged)
    _warn_changed(grid, logged, log)
    for field, names in (("method", methods), ("dataset", datasets)):
        unknown = sorted(set(names or ()) - {getattr(job, field) for job in grid})
        if unknown:
            raise ValueError(f"{field}s {unknown} are not in {spec.name}'s {budget} budget")
    todo = [job for job in grid if job.key not in done and (methods is None or job.method in methods)
            and (datasets is None or job.dataset in datasets)]
    logger.info("%s/%s: %d jobs, %d already done, %d to run", spec.name, budget, len(grid),
                sum(job.key in done for job in grid), len(todo))
    sha = git_sha()
    runnable = []
    for job in todo:
        row = _precheck(job, data_dir)
        if row is None:
            runnable.append(job)
        else:
            append_row(log, {**row, "git_sha": sha})
    figures_dir = out / "figures" if figures else None
    sources = {job.gan_from for job in grid if job.gan_from is not None}
    first = [job for job in runnable if job.method in sources]  # their trained GANs are reused
    for stage in (first, [job for job in runnable if job.method not in sources]):
        results = Parallel(n_jobs=jobs, return_as="generator_unordered")(
            delayed(run_job)(job, data_dir, figures_dir, gan_dir=out / "gans", keep=job.method in sources)
            for job in stage)
        for row in results:
            append_row(log, {**row, "git_sha": sha})
    rows = latest_rows(read_jsonl(log), [job.key for job in grid])
    return rows, write_outputs(rows, spec, out, seeds_planned=len({job.seed for job in grid}))


def _warn_changed(grid, logged, log):
    """Warn of the logged rows that a resumed run keeps although their settings are not the job's now (the spec,
    its budget or the detector's parameters changed since they ran): a row's key names its cell, not its settings."""
    changed = [(job.key, _changed_settings(logged[job.key], job)) for job in grid if job.key in logged]
    changed = [(key, names) for key, names in changed if names]
    if changed:
        key, names = changed[0]
        logger.warning("%d logged row(s) ran with other settings than the spec now gives (first: %s, %s); they "
                       "are kept, not rerun: delete their lines from %s, or write to another --out, to rerun "
                       "them", len(changed), key, ", ".join(names), log)


def _changed_settings(row, job):
    """The names of ``job``'s settings (detector, sizes, protocol options, init_args) that ``row`` logged
    otherwise, compared as the log stores them (JSON)."""
    wanted = json.loads(json.dumps(jsonable(base_row(job))))
    names = {name for name in (*wanted, *row) if name in SETTINGS or name.startswith(("protocol.", "param."))}
    return sorted(name for name in names if wanted.get(name) != row.get(name))


def _precheck(job, data_dir):
    """A row for a job that cannot run (unregistered method, missing data), else None."""
    if job.detector not in DETECTORS:
        return base_row(job) | {"status": NOT_IMPLEMENTED, "error": f"{job.detector!r} is not in ganad.registry.DETECTORS"}
    datasets = [job.dataset] + ([job.protocol["anomaly_dataset"]] if "anomaly_dataset" in job.protocol else [])
    for name in datasets:
        try:
            load_data(name, None if data_dir is None else str(data_dir))
        except FileNotFoundError as error:
            return base_row(job) | {"status": DATA_MISSING, "error": str(error), "hint": fetch_hint(name)}
    return None


@functools.lru_cache(maxsize=4)
def load_data(name, data_dir):
    """``(train Dataset, test Dataset or None)`` of a data set, cached per process."""
    return LOADERS[name][0](data_dir)


def make_split(job, data_dir):
    """``(X_train, X_test, y_test, k_percent)`` of ``job`` (``k_percent`` None unless tabular)."""
    options = dict(job.protocol)
    name, scale = options.pop("name"), options.pop("scale", None)
    train, test = load_data(job.dataset, data_dir)
    seed, k_percent = job.seed, None
    if name == "one-class":
        split = one_class_split(train.X, train.y, test.X, test.y, job.cls, random_state=seed, **options)
    elif name == "leave-one-class-out":
        splits = options.pop("splits", "pooled")
        if splits == "default":
            split = leave_one_class_out_default_splits(train.X, train.y, test.X, test.y, job.cls, random_state=seed)
        else:
            X, y = (np.concatenate([train.X, test.X]), np.concatenate([train.y, test.y])) if splits == "pooled" \
                else (train.X, train.y)
            split = leave_one_class_out_split(X, y, job.cls, random_state=seed, **options)
    elif name == "contamination":
        split = contamination_split(train.X, train.y, random_state=seed, **options)
        k_percent = split.k_percent
    elif name == "novelty":
        other = load_data(options.pop("anomaly_dataset"), data_dir)[1]
        split = novelty_split(train.X, test.X, other.X, random_state=seed, **options)
    elif name == "noise":  # the spec's "classes" of the data set are the noise levels sigma
        split = noise_split(train.X, test.X, job.cls, random_state=seed, **options)
    else:
        raise ValueError(f"unknown protocol {name!r}")
    X_train, X_test, y_test = split[:3]
    rng = np.random.default_rng(seed)
    if job.max_train is not None and job.max_train < len(X_train):
        X_train = X_train[rng.choice(len(X_train), job.max_train, replace=False)]
    if job.max_test is not None and job.max_test < len(X_test):
        keep = rng.choice(len(X_test), job.max_test, replace=False)
        X_test, y_test = X_test[keep], y_test[keep]
    if scale is not None:  # statistics of the training part only
        X_train, X_test = scale_on_train(X_train, X_test, kind=scale)
    return X_train, X_test, y_test, k_percent


def run_job(job, data_dir=None, figures_dir=None, *, gan_dir=None, keep=False):
    """Fit and score one job; always returns a row (status ``failed`` on an exception).

    With ``gan_dir``, a job whose method has ``gan_from`` scores with that method's trained
    GAN when it is there, and ``keep`` saves this job's fitted detector for such jobs; a job
    that finds no such GAN trains one and saves it in its source's place.
    """
    row = base_row(job)
    start = time.perf_counter()
    try:
        X_train, X_test, y_test, k_percent = make_split(job, None if data_dir is None else str(data_dir))
        row.update(n_train=len(X_train), n_test=len(X_test), n_test_anomalies=int(y_test.sum()), k_percent=k_percent)
        if job.selection is not None:
            selection_start = time.perf_counter()
            chosen, record = select_hyperparameters(job, None if data_dir is None else str(data_dir))
            row.update(record, selection_s=time.perf_counter() - selection_start)
            job = dataclasses.replace(job, init_args={**job.init_args, **chosen})
        detector = build_detector(job, X_train)
        if gan_dir is not None and job.gan_from is not None:
            shared = reuse_gan(detector, gan_dir, job, X_train)
            row["gan_from"] = None if shared is None else job.gan_from
            keep = shared is None
            detector = detector if shared is None else shared
        fit_start, caught = time.perf_counter(), []
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                detector.fit(X_train)
        finally:  # a fit that raises keeps the warnings it gave before
            row["fit_warnings"] = replayed(caught)
        row["fit_s"] = time.perf_counter() - fit_start
        row["threads"] = fit_threads(detector)
        if gan_dir is not None and keep:
            keep_gan(detector, gan_dir, job, X_train)
        score_start = time.perf_counter()
        scores = detector.anomaly_score(X_test)
        row["score_s"] = time.perf_counter() - score_start
        row.update(evaluate(y_test, scores, k_percent))
        row["status"] = OK
        if figures_dir is not None:
            _figures(job, y_test, scores, Path(figures_dir))
            if getattr(detector, "image_shape_", None) is not None and hasattr(detector, "reconstruct"):
                _reconstruction_figure(job, detector, X_test, y_test, Path(figures_dir))
    except Exception as error:  # one failed job must not stop the grid; the row says why
        logger.warning("%s failed: %s", job.key, error)
        row.update(status=FAILED, error=f"{type(error).__name__}: {error}",
                   traceback=traceback.format_exc(limit=5))
    row["total_s"] = time.perf_counter() - start
    return row


def replayed(caught):
    """Show the warnings a fit raised, as they would have shown, and return them as ``"Category: message"``.

    ``fit`` runs with every warning recorded (none is folded into an earlier one from the same line, as
    Python's default filter does across the jobs of one process), so each row says which of its own
    checks fired, e.g. a :class:`~ganad.training.collapse.GeneratorCoverageWarning` from the fit-time
    generator check.
    """
    for warning in caught:
        warnings.showwarning(warning.message, warning.category, warning.filename, warning.lineno)
    return [f"{warning.category.__name__}: {warning.message}" for warning in caught]


def select_hyperparameters(job, data_dir):
    """``(chosen init_args, row record)`` of ``job``'s holdout selection on its training split.

    The holdout is ``job.selection["size"]`` rows of the labelled *training* split (never the
    test split); each point of ``job.selection["grid"]`` is fitted on at most ``max_train``
    normal training rows outside it (:func:`ganad.protocols.holdout_selection.labelled_holdout`,
    seeded by the job) and the best holdout AUROC wins (``select_on_holdout``).
    """
    if job.protocol.get("name") != "one-class":
        raise ValueError(f"holdout selection needs the one-class protocol, not {job.protocol.get('name')!r}")
    train = load_data(job.dataset, data_dir)[0]
    holdout = labelled_holdout(train.X, train.y, job.cls, size=job.selection["size"], max_fit=job.max_train,
                               random_state=job.seed)
    X_fit, X_holdout = holdout.X_fit, holdout.X_holdout
    if job.protocol.get("scale") is not None:  # as make_split: statistics of the fitted rows only
        X_fit, X_holdout = scale_on_train(X_fit, X_holdout, kind=job.protocol["scale"])

    def make_detector(params):
        return build_detector(dataclasses.replace(job, init_args={**job.init_args, **params}), X_fit)

    best, scores = select_on_holdout(make_detector, job.selection["grid"], X_fit, X_holdout, holdout.y_holdout)
    record = {f"selected.{name}": _flat(value) for name, value in best.items()}
    record.update({"holdout.n": len(X_holdout), "holdout.n_anomalies": int(holdout.y_holdout.sum()),
                   "holdout.n_fit": len(X_fit), "holdout.auroc": max(auroc for _, auroc in scores),
                   "holdout.candidates": {",".join(f"{k}={v}" for k, v in params.items()): auroc
                                          for params, auroc in scores}})
    return best, record


def build_detector(job, X_train):
    """The unfitted detector of ``job``, checked against its training rows ``X_train`` without training.

    ``DETECTORS[job.detector](**job.init_args)``, with ``random_state=job.seed`` where the class
    takes one. A clone of it goes through the checks ``fit`` makes before training
    (:func:`_check_before_fit`), so a job that cannot train fails here, before any training,
    with the error ``fit`` would raise. ``tests/bench/test_spec_jobs.py`` builds every job of
    every bundled spec this way.
    """
    cls = DETECTORS[job.detector]
    params = dict(job.init_args)
    if "random_state" in cls().get_params():
        params["random_state"] = job.seed
    detector = cls(**params)
    _check_before_fit(clone(detector), X_train)
    return detector


def _check_before_fit(detector, X):
    """The checks of ``BaseDetector._fit`` before training, through the functions it calls.

    The parameters, the rows (2-D, finite -- NaN allowed with ``impute`` -- two or more),
    ``image_shape`` against the feature count, the device, and the size of the networks, built
    on torch's meta device (no memory). The checks of the values' ranges (float32, after
    scaling) are left to ``fit``. They set fitted attributes, so ``detector`` is a clone.
    """
    detector._validate_params()
    detector._set_run_state(detector._training_rows(X).shape[1])
    check_network_size(detector)


def fit_threads(detector):
    """The torch intra-op threads ``detector``'s fit ran on (``ganad.utils.threads``; torch's setting for the others).

    Torch promises the same floats for the same seed only on the same release and platform, and a GAN's
    thousands of steps carry a rounding difference forward, so a row records the thread count beside torch's
    version and the instruction set its CPU kernels ran on (``torch``, ``cpu_capability``).
    """
    chosen = detector._threads() if hasattr(detector, "_threads") else None  # None: torch's setting, untouched
    return chosen or torch.get_num_threads()


def base_row(job):
    """The flattened configuration of ``job``: its identity, protocol options and init_args."""
    row = {"key": job.key, "spec": job.spec, "budget": job.budget, "dataset": job.dataset, "class": job.cls,
           "cell": job.cell, "method": job.method, "detector": job.detector, "seed": job.seed,
           "max_train": job.max_train, "max_test": job.max_test, "status": None,
           "python": platform.python_version(), "machine": platform.machine(), "torch": torch.__version__,
           "cpu_capability": torch.backends.cpu.get_cpu_capability(), "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    row.update({f"protocol.{k}": _flat(v) for k, v in job.protocol.items()})
    row.update({f"param.{k}": _flat(v) for k, v in job.init_args.items()})
    return row


def _flat(value):
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def _figures(job, y_test, scores, folder):
    from ..plots.history import plot_score_densities
    from ..plots.scores import plot_pr_roc, plot_score_boxplot

    stem = job.key.replace("|", "_").replace(":", "-")
    plot_pr_roc(y_test, scores, folder / f"{stem}_pr_roc.png", label=job.method)
    plot_score_boxplot({"normal": scores[y_test == 0], "anomalous": scores[y_test == 1]},
                       folder / f"{stem}_scores.png")
    plot_score_densities({"normal": scores[y_test == 0], "anomalous": scores[y_test == 1]},
                         folder / f"{stem}_densities.png", xlabel=f"{job.method} anomaly score")


def _reconstruction_figure(job, detector, X_test, y_test, folder, n_images=8):
    """The first ``n_images`` normal and anomalous test images above their reconstructions."""
    from ..plots.alice import plot_reconstructions

    stem = job.key.replace("|", "_").replace(":", "-")
    rows = []
    for label, kind in (("normal", 0), ("anomalous", 1)):
        images = X_test[np.flatnonzero(y_test == kind)[:n_images]]
        if len(images) == n_images:
            rows += [(f"{label} test", images), ("reconstruction", detector.reconstruction(images))]
    if rows:
        plot_reconstructions(rows, folder / f"{stem}_reconstructions.png", image_shape=detector.image_shape_)


@functools.lru_cache(maxsize=1)
def git_sha():
    """The commit of the ganad checkout, with ``+dirty`` when it has local changes; else "unknown"."""
    here = Path(__file__).resolve().parent
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True,
                             timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=here,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return sha + ("+dirty" if dirty else "")
