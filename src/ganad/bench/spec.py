"""Benchmark specs: one TOML file per paper table, read with the standard library's ``tomllib``.

A spec holds what a table needs and nothing else (example: ``specs/haloui-t1.toml``)::

    name, title, paper, reference      # which table of which paper
    metrics = ["auprc"]                # columns compared with the paper
    choices = "..."                    # protocol honesty: readings and deviations
    [protocol]  name = "leave-one-class-out", its options ...
    [[datasets]] name = "mnist", classes = [0, ..., 9], options ...
                                       #   (protocol "noise": classes are the noise levels sigma)
    [grid]      methods = [...], seeds = [...]
    [budgets.smoke|cpu|paper]          # overrides: classes, seeds, datasets, methods,
                                       #   max_train, max_test, protocol = {...}
    [methods.NAME]  detector = registry name (default NAME), init_args = {...},
                    gan_from = "METHOD" (score with METHOD's trained GAN: bench.shared_gan)
                    selection = "holdout", holdout_grid = {param = [values]}, holdout_size = 1000:
                                       #   one-class protocol only; the grid point with the best
                                       #   AUROC on a labelled holdout of the *training* split is
                                       #   fixed, then the job fits as usual
                                       #   (ganad.protocols.holdout_selection)
    [methods.NAME.budgets.smoke|cpu|paper]  init_args for that budget
    [methods.NAME.datasets.DATASET]  init_args = {...}, budgets.smoke|cpu|paper = {...}:
                                       #   init_args for one data set (and budget); the most
                                       #   specific wins: method < method budget < data set
                                       #   < data set budget
    [published] source, scale (x scale = a fraction), notes,
                figure_only = true when the paper shows the result only as a figure, no numbers
    [published.values.METRIC.METHOD]  "CELL" = number   (CELL: "dataset:class" or "dataset")
    [published.std.METRIC.METHOD]     "CELL" = number   (when the paper gives one)
    (CELL of a "novelty" data set: "dataset-vs-anomaly_dataset", e.g. "mnist-vs-kmnist")

:func:`expand` turns a spec and a budget into :class:`Job` s, one per dataset x class x
method x seed; the runner runs them.
"""

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..data import (load_cifar10, load_fashion_mnist, load_kddcup99, load_kmnist, load_mnist,
                    load_odds, load_svhn, load_uci_har, load_uci_har_distance_plots)
from ..data.fetch import how_to_get
from ..data.timeseries import TOTAL_ACC
from ..protocols import PROTOCOLS
from ..protocols.holdout_selection import HOLDOUT_SIZE

BUDGETS = ("smoke", "cpu", "paper")
BUDGET_KEYS = {"classes", "seeds", "datasets", "methods", "max_train", "max_test", "protocol"}
METHOD_KEYS = {"detector", "init_args", "budgets", "datasets", "gan_from", "selection", "holdout_grid",
               "holdout_size"}
SPEC_DIR = resources.files("ganad.bench") / "specs"


def _split_loader(load):
    return lambda data_dir: (load("train", data_dir=data_dir), load("test", data_dir=data_dir))


# data set name -> (loader: data_dir -> (train Dataset, test Dataset or None), fetch hint key)
LOADERS = {
    "mnist": (_split_loader(load_mnist), "mnist"),
    "fashion_mnist": (_split_loader(load_fashion_mnist), "fashion_mnist"),
    "kmnist": (_split_loader(load_kmnist), "kmnist"),
    "cifar10": (_split_loader(load_cifar10), "cifar10"),
    "svhn": (_split_loader(load_svhn), "svhn"),
    "uci_har_total_acc": (lambda d: (load_uci_har("train", data_dir=d, signals=TOTAL_ACC),
                                     load_uci_har("test", data_dir=d, signals=TOTAL_ACC)), "uci_har"),
    "uci_har_distance_plots": (load_uci_har_distance_plots, "uci_har"),  # 9 x 128 x 128 images, Eq. 24
    "kddcup99": (lambda d: (load_kddcup99(data_dir=d), None), "kddcup99"),
    **{name: ((lambda d, name=name: (load_odds(name, data_dir=d), None)), name)
       for name in ("thyroid", "arrhythmia", "musk")},
}


def fetch_hint(dataset):
    """How to obtain the files of a data set of :data:`LOADERS`."""
    return how_to_get(LOADERS[dataset][1])


@dataclass(frozen=True)
class Job:
    """One cell of the grid: a method on one data set / class with one seed."""

    spec: str
    budget: str
    dataset: str
    cls: int | None
    method: str
    detector: str
    seed: int
    init_args: dict
    protocol: dict
    max_train: int | None = None
    max_test: int | None = None
    gan_from: str | None = None  # a method whose trained GAN this one scores with (bench.shared_gan)
    selection: dict | None = None  # {"grid": {...}, "size": n}: chosen on a training holdout (runner)

    @property
    def cell(self):
        name = self.dataset
        if "anomaly_dataset" in self.protocol:
            name = f"{name}-vs-{self.protocol['anomaly_dataset']}"
        return name if self.cls is None else f"{name}:{self.cls}"

    @property
    def key(self):
        return f"{self.spec}|{self.budget}|{self.cell}|{self.method}|{self.seed}"


@dataclass
class Spec:
    name: str
    title: str
    paper: str
    reference: str
    metrics: list
    choices: str
    protocol: dict
    datasets: list
    grid: dict
    budgets: dict
    methods: dict
    published: dict
    path: Path | None = None
    extra: dict = field(default_factory=dict)

    def published_value(self, metric, method, cell, kind="values"):
        """The published number as a fraction (``scale`` applied), or None."""
        value = self.published.get(kind, {}).get(metric, {}).get(method, {}).get(cell)
        return None if value is None else float(value) * float(self.published.get("scale", 1.0))


def list_specs():
    """Names of the bundled specs, sorted."""
    return sorted(p.name[:-5] for p in SPEC_DIR.iterdir() if p.name.endswith(".toml"))


def load_spec(name_or_path):
    """A bundled spec by name (``"haloui-t1"``) or a spec file by path, validated."""
    path = Path(str(name_or_path))
    if not path.suffix == ".toml":
        if name_or_path not in list_specs():
            raise ValueError(f"unknown benchmark {name_or_path!r}; choose one of {list_specs()}")
        path = Path(str(SPEC_DIR / f"{name_or_path}.toml"))
    with open(path, "rb") as file:
        raw = tomllib.load(file)
    return validate(raw, path)


def validate(raw, path=None):
    """A :class:`Spec` from the parsed TOML ``raw``; ``ValueError`` names the first problem."""
    where = path or "spec"
    missing = [k for k in ("name", "title", "paper", "reference", "metrics", "choices", "protocol",
                           "datasets", "grid", "budgets", "published") if k not in raw]
    if missing:
        raise ValueError(f"{where}: missing {missing}")
    _check_lists(where, raw)
    if raw["protocol"].get("name") not in PROTOCOLS:
        raise ValueError(f"{where}: protocol.name must be one of {sorted(PROTOCOLS)}")
    for dataset in raw["datasets"]:
        if dataset.get("name") not in LOADERS:
            raise ValueError(f"{where}: data set {dataset.get('name')!r} is not one of {sorted(LOADERS)}")
    for budget, overrides in raw["budgets"].items():
        if budget not in BUDGETS or set(overrides) - BUDGET_KEYS:
            raise ValueError(f"{where}: budget {budget!r} must be in {BUDGETS} with keys in {sorted(BUDGET_KEYS)}")
    if set(BUDGETS) - set(raw["budgets"]):
        raise ValueError(f"{where}: every budget {BUDGETS} needs a [budgets.*] table")
    grid_methods = raw["grid"].get("methods", [])
    methods = {name: {"detector": name, "init_args": {}, "budgets": {}, **raw.get("methods", {}).get(name, {})}
               for name in grid_methods}
    unknown = sorted(set(raw.get("methods", {})) - set(grid_methods)
                     | {entry["gan_from"] for entry in methods.values() if "gan_from" in entry} - set(grid_methods))
    if unknown or not raw["grid"].get("seeds"):
        raise ValueError(f"{where}: methods {unknown} are not in grid.methods, or grid.seeds is empty")
    names = {dataset["name"] for dataset in raw["datasets"]}
    for method, entry in methods.items():
        for dataset, overrides in entry.get("datasets", {}).items():
            if dataset not in names or set(overrides) - {"init_args", "budgets"} \
                    or set(overrides.get("budgets", {})) - set(BUDGETS):
                raise ValueError(f"{where}: methods.{method}.datasets.{dataset} must name a data set of the "
                                 f"spec and hold only init_args and budgets.{{{','.join(BUDGETS)}}}")
    for method, entry in methods.items():
        _check_method_entry(where, method, entry)
        _check_selection(where, method, entry, raw["protocol"]["name"])
    for budget, overrides in raw["budgets"].items():
        outside = sorted(set(overrides.get("methods", [])) - set(grid_methods))
        if outside:
            raise ValueError(f"{where}: budgets.{budget}.methods {outside} are not in grid.methods")
    for kind in ("values", "std"):
        for metric, by_method in raw["published"].get(kind, {}).items():
            if metric not in raw["metrics"] or set(by_method) - set(grid_methods):
                raise ValueError(f"{where}: published.{kind}.{metric} names a metric or method "
                                 f"outside metrics/grid.methods: {sorted(by_method)}")
    known = {f.name for f in Spec.__dataclass_fields__.values()}
    return Spec(**{k: v for k, v in raw.items() if k in known and k != "methods"}, methods=methods,
                path=path, extra={k: v for k, v in raw.items() if k not in known})


def _check_lists(where, raw):
    """``metrics``, ``grid.methods`` and every ``seeds`` lists of distinct strings / integers, the data sets'
    cells distinct: a repeated entry would give two jobs one key (one row shown twice, the other lost)."""
    lists = {"metrics": (raw.get("metrics"), str), "grid.methods": (raw.get("grid", {}).get("methods", []), str),
             "grid.seeds": (raw.get("grid", {}).get("seeds", []), int),
             "datasets' cells": ([_cell_name(dataset) for dataset in raw.get("datasets", [])], str)}
    for budget, overrides in raw.get("budgets", {}).items():
        for key, kind in (("seeds", int), ("methods", str), ("datasets", str)):
            if key in overrides:
                lists[f"budgets.{budget}.{key}"] = (overrides[key], kind)
    for dataset in raw.get("datasets", []):
        if "classes" in dataset:
            lists[f"{_cell_name(dataset)} classes"] = (dataset["classes"], int | float)
    for name, (values, kind) in lists.items():
        if not isinstance(values, list) or not all(isinstance(v, kind) and not isinstance(v, bool) for v in values):
            raise ValueError(f"{where}: {name} must be a list of {getattr(kind, '__name__', 'number')}s, "
                             f"got {values!r}")
        if len(set(values)) != len(values):
            raise ValueError(f"{where}: {name} repeats an entry: {values!r}")


def _cell_name(dataset):
    """A ``[[datasets]]`` entry's cell name before its class (``Job.cell``): its name, and its anomaly data set."""
    name = str(dataset.get("name"))
    return name if "anomaly_dataset" not in dataset else f"{name}-vs-{dataset['anomaly_dataset']}"


def _check_method_entry(where, method, entry):
    """A method table holds only the keys the runner reads (a detector outside the registry is the runner's
    ``not implemented`` row)."""
    unknown = sorted(set(entry) - METHOD_KEYS)
    if unknown:
        raise ValueError(f"{where}: methods.{method} has unknown keys {unknown}; a method table holds "
                         f"{sorted(METHOD_KEYS)}")
    if not isinstance(entry["init_args"], dict) or not all(isinstance(v, dict) for v in entry["budgets"].values()):
        raise ValueError(f"{where}: methods.{method}.init_args and its budgets.* must be tables")


def _check_selection(where, method, entry, protocol):
    """A method's ``selection`` is absent, or "holdout" with a grid of lists, under the one-class protocol."""
    keys = {"selection", "holdout_grid", "holdout_size"} & set(entry)
    if not keys:
        return
    grid = entry.get("holdout_grid")
    if entry.get("selection") != "holdout" or protocol != "one-class" or not isinstance(grid, dict) or not grid \
            or not all(isinstance(values, list) and values for values in grid.values()) \
            or not isinstance(entry.get("holdout_size", 1), int) or entry.get("holdout_size", 1) < 1:
        raise ValueError(f"{where}: methods.{method}: selection = \"holdout\" needs the one-class protocol and "
                         "holdout_grid = {parameter = [values, ...]} (holdout_size a positive int)")


def _selection(entry):
    """The job's ``selection`` of a method entry: None, or its holdout grid and size."""
    if entry.get("selection") != "holdout":
        return None
    return {"grid": entry["holdout_grid"], "size": entry.get("holdout_size", HOLDOUT_SIZE)}


def expand(spec, budget="smoke", *, seeds=None):
    """The jobs of ``spec`` under ``budget``: data sets x classes x methods x seeds."""
    if budget not in BUDGETS:
        raise ValueError(f"budget must be one of {BUDGETS}, got {budget!r}")
    overrides = spec.budgets.get(budget, {})
    protocol = {**spec.protocol, **overrides.get("protocol", {})}
    seeds = list(seeds if seeds is not None else overrides.get("seeds", spec.grid["seeds"]))
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds repeat an entry: {seeds}; each seed is one job")
    methods = overrides.get("methods", spec.grid["methods"])
    chosen = overrides.get("datasets")
    jobs = []
    for dataset in spec.datasets:
        if chosen is not None and dataset["name"] not in chosen:
            continue
        classes = dataset.get("classes")
        if classes is not None and "classes" in overrides:
            classes = [c for c in classes if c in overrides["classes"]]
        for cls in classes if classes is not None else [None]:
            for method in methods:
                entry = spec.methods[method]
                init_args = _init_args(entry, dataset["name"], budget)
                for seed in seeds:
                    jobs.append(Job(spec.name, budget, dataset["name"], cls, method, entry["detector"],
                                    int(seed), init_args,
                                    {**protocol, **{k: v for k, v in dataset.items() if k not in ("name", "classes")}},
                                    overrides.get("max_train"), overrides.get("max_test"), entry.get("gan_from"),
                                    _selection(entry)))
    return jobs


def _init_args(entry, dataset, budget):
    """A method's init_args on ``dataset`` under ``budget``: the most specific setting wins."""
    per_dataset = entry.get("datasets", {}).get(dataset, {})
    return {**entry["init_args"], **entry["budgets"].get(budget, {}),
            **per_dataset.get("init_args", {}), **per_dataset.get("budgets", {}).get(budget, {})}
