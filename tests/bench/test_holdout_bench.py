"""The bench's holdout-selection option: spec validation, rows from the training split, chosen values in the row."""

import numpy as np
import pytest

import ganad.bench.runner as runner
from ganad.bench import expand, load_spec, run_spec
from ganad.bench.spec import BUDGETS, LOADERS, validate
from ganad.data._cache import Dataset
from ganad.registry import DETECTORS


def _raw(protocol="one-class", **method):
    return {"name": "hold", "title": "t", "paper": "p", "reference": "r", "metrics": ["auroc"], "choices": "c",
            "protocol": {"name": protocol, "n_test": 60}, "datasets": [{"name": "tiny3", "classes": [1]}],
            "grid": {"methods": ["ocsvm-holdout"], "seeds": [0]}, "budgets": {b: {} for b in BUDGETS},
            "methods": {"ocsvm-holdout": {"detector": "ocsvm", "init_args": {"nu": 0.1}, **method}},
            "published": {"source": "none"}}


HOLDOUT = {"selection": "holdout", "holdout_size": 90,
           "holdout_grid": {"n_components": [1, 3], "gamma": [0.01, 1.0]}}


@pytest.fixture
def tiny3(monkeypatch):
    """Train and test splits of 3 classes x 60 rows in R^4 (separate draws); registered as loader 'tiny3'."""
    def draw(seed):
        rng = np.random.default_rng(seed)
        y = np.repeat([0, 1, 2], 60)
        return Dataset(X=(rng.normal(size=(180, 4)) + 3.0 * y[:, None]).astype(np.float32), y=y, name="tiny3",
                       image_shape=None, classes=("a", "b", "c"))

    train, test = draw(0), draw(1)
    monkeypatch.setitem(LOADERS, "tiny3", (lambda data_dir: (train, test), "mnist"))
    runner.load_data.cache_clear()
    yield train, test
    runner.load_data.cache_clear()


def test_selection_needs_the_one_class_protocol_and_a_grid(tiny3):
    assert expand(validate(_raw(**HOLDOUT)), "smoke")[0].selection == {"grid": HOLDOUT["holdout_grid"], "size": 90}
    assert expand(validate(_raw()), "smoke")[0].selection is None
    with pytest.raises(ValueError, match="one-class"):
        validate(_raw("leave-one-class-out", **HOLDOUT))
    with pytest.raises(ValueError, match="holdout_grid"):
        validate(_raw(selection="holdout"))


def test_bundled_holdout_grids_name_parameters_of_their_detectors():
    jobs = [job for job in expand(load_spec("adgan-t1"), "cpu") if job.selection is not None]
    assert {job.method for job in jobs} == {"kde-holdout", "kde-holdout-01", "ocsvm-holdout"}
    for job in jobs:
        assert set(job.selection["grid"]) <= set(DETECTORS[job.detector]().get_params())
        assert job.selection["size"] == 1000


def test_runner_selects_on_training_rows_and_records_the_choice(tiny3, tmp_path, monkeypatch):
    train, test = tiny3
    seen = []

    def spy(make_detector, grid, X_fit, X_holdout, y_holdout):
        seen.append((X_fit, X_holdout, y_holdout))
        return select(make_detector, grid, X_fit, X_holdout, y_holdout)

    select = runner.select_on_holdout
    monkeypatch.setattr(runner, "select_on_holdout", spy)
    rows, paths = run_spec(validate(_raw(**HOLDOUT)), "smoke", tmp_path)
    (row,) = rows
    assert row["status"] == "ok", row.get("error")
    X_fit, X_holdout, y_holdout = seen[0]
    train_rows = {tuple(x) for x in train.X}
    assert all(tuple(x) in train_rows for x in np.vstack([X_fit, X_holdout]))  # training split only
    assert not {tuple(x) for x in test.X} & {tuple(x) for x in X_holdout}
    assert not {tuple(x) for x in X_fit} & {tuple(x) for x in X_holdout}
    assert len(X_holdout) == row["holdout.n"] == 90 and row["holdout.n_anomalies"] == int(y_holdout.sum())
    candidates = row["holdout.candidates"]
    assert len(candidates) == 4 and row["holdout.auroc"] == max(candidates.values())
    best = max(candidates, key=candidates.get)
    assert best == f"gamma={row['selected.gamma']},n_components={row['selected.n_components']}"
    assert row["selection_s"] >= 0 and 0 <= row["auroc"] <= 1
    assert "ocsvm-holdout" in paths["markdown"].read_text()


def test_run_spec_methods_runs_only_those(tiny3, tmp_path):
    raw = _raw(**HOLDOUT)
    raw["grid"]["methods"] = ["ocsvm-holdout", "iforest"]
    raw["methods"]["iforest"] = {"init_args": {"n_estimators": 10}}
    spec = validate(raw)
    rows, _ = run_spec(spec, "smoke", tmp_path, methods=["iforest"])
    assert [row["method"] for row in rows] == ["iforest"]
    with pytest.raises(ValueError, match="not-here"):
        run_spec(spec, "smoke", tmp_path, methods=["not-here"])


def test_run_spec_datasets_runs_only_those(tiny3, tmp_path, monkeypatch):
    monkeypatch.setitem(LOADERS, "tiny3b", LOADERS["tiny3"])
    raw = _raw()
    raw["datasets"].append({"name": "tiny3b", "classes": [1]})
    spec = validate(raw)
    rows, _ = run_spec(spec, "smoke", tmp_path, datasets=["tiny3b"])
    assert [row["dataset"] for row in rows] == ["tiny3b"]
    rows, _ = run_spec(spec, "smoke", tmp_path)  # the other data set's jobs run on a later call
    assert sorted(row["dataset"] for row in rows) == ["tiny3", "tiny3b"]
    with pytest.raises(ValueError, match="datasets \\['not-here'\\]"):
        run_spec(spec, "smoke", tmp_path, datasets=["not-here"])
