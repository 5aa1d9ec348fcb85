"""Missing values (issue 17): refused by default, filled by ``impute="median"|"mean"``.

A detector with ``impute`` fits ``imputer_`` (each feature's median or mean, NaN ignored) and
fills NaN with it before scaling, in ``fit`` and in every scoring path; the imputer is saved
with the model and checked on load. Without ``impute`` a NaN is refused as scikit-learn
refuses it, and an infinity is refused either way.
"""

import json

import numpy as np
import pytest

import ganad
from ganad import io
from ganad.registry import DETECTORS

from ..conftest import QUICK_PARAMS, reseal

DCAE = {**QUICK_PARAMS["dcae"], "random_state": 0}
X = np.random.default_rng(0).normal(size=(64, 3)) * [1.0, 10.0, 100.0]
X_GAPS = X.copy()
X_GAPS[::5, 0] = np.nan
X_GAPS[1::7, 2] = np.nan


@pytest.fixture(scope="module")
def imputing():
    return DETECTORS["dcae"](**DCAE, impute="median").fit(X_GAPS)


def _filled(rows, values):
    return np.where(np.isnan(rows), values, rows)


@pytest.mark.parametrize(("kind", "statistic"), [("median", np.nanmedian), ("mean", np.nanmean)])
def test_the_imputer_is_the_training_median_or_mean(kind, statistic):
    rows = X_GAPS.copy()
    detector = DETECTORS["iforest"](n_estimators=10, impute=kind, random_state=0).fit(rows)
    assert detector.imputer_.dtype == np.float64
    np.testing.assert_array_equal(detector.imputer_, statistic(X_GAPS, axis=0))
    np.testing.assert_array_equal(rows, X_GAPS, strict=True)  # the caller's array is not filled in place
    assert detector.__sklearn_tags__().input_tags.allow_nan


def test_every_scoring_path_fills_nan_with_the_imputer(imputing):
    filled = _filled(X_GAPS, imputing.imputer_)
    np.testing.assert_array_equal(imputing.anomaly_score(X_GAPS), imputing.anomaly_score(filled))
    np.testing.assert_array_equal(imputing.predict(X_GAPS), imputing.predict(filled))
    np.testing.assert_array_equal(imputing.explain(X_GAPS), imputing.explain(filled))
    np.testing.assert_array_equal(imputing.reconstruction(X_GAPS), imputing.reconstruction(filled))
    rows32 = X_GAPS[:8].astype(np.float32)
    np.testing.assert_allclose(imputing.anomaly_score(rows32), imputing.anomaly_score(filled[:8]), rtol=1e-5)


def test_fit_on_the_filled_rows_is_fit_on_the_rows_with_gaps(imputing):
    plain = DETECTORS["dcae"](**DCAE).fit(_filled(X_GAPS, imputing.imputer_))
    np.testing.assert_array_equal(plain.anomaly_score(X), imputing.anomaly_score(X))
    assert plain.imputer_ is None


def test_without_impute_nan_is_refused_naming_the_first_cell_and_the_remedy(imputing):
    """scikit-learn's message named no cell and advised a supervised model (HistGradientBoosting)."""
    expected = r"X has \d+ NaN \(missing\) value\(s\), the first in row 0, column 0: .*impute='median'"
    n_nan = int(np.isnan(X_GAPS).sum())
    with pytest.raises(ValueError, match=expected.replace(r"\d+", str(n_nan))):
        DETECTORS["iforest"](n_estimators=10).fit(X_GAPS)
    plain = DETECTORS["iforest"](n_estimators=10, random_state=0).fit(X)
    with pytest.raises(ValueError, match=expected):
        plain.anomaly_score(X_GAPS)
    assert not plain.__sklearn_tags__().input_tags.allow_nan


def test_an_infinity_is_refused_even_with_impute(imputing):
    rows = X_GAPS.copy()
    rows[3, 1] = np.inf
    with pytest.raises(ValueError, match="1 infinite value.*row 3, column 1"):
        DETECTORS["iforest"](n_estimators=10, impute="mean").fit(rows)
    with pytest.raises(ValueError, match="1 infinite value.*row 3, column 1"):
        imputing.anomaly_score(rows)


def test_a_feature_missing_in_every_row_is_named():
    rows = X_GAPS.copy()
    rows[:, 1] = np.nan
    with pytest.raises(ValueError, match=r"feature 1 of X is missing \(NaN\) in every training row"):
        DETECTORS["iforest"](n_estimators=10, impute="median").fit(rows)


def test_an_unknown_impute_is_refused():
    with pytest.raises(ValueError, match="impute"):
        DETECTORS["iforest"](impute="zero").fit(X)


# --- saved models -------------------------------------------------------------------------

def _edit_config(folder, edit):
    config = json.loads((folder / io.CONFIG_FILE).read_text())
    edit(config)
    (folder / io.CONFIG_FILE).write_text(json.dumps(config))
    reseal(folder)


def test_the_imputer_round_trips_with_equal_scores_on_rows_with_gaps(imputing, tmp_path):
    folder = imputing.save(tmp_path / "model")
    assert json.loads((folder / io.CONFIG_FILE).read_text())["imputer"] == imputing.imputer_.tolist()
    loaded = ganad.load(folder)
    assert loaded.impute == "median"
    np.testing.assert_array_equal(loaded.imputer_, imputing.imputer_)
    np.testing.assert_array_equal(loaded.anomaly_score(X_GAPS), imputing.anomaly_score(X_GAPS))


@pytest.mark.parametrize(("imputer", "message"), [
    ([1.0, 2.0], "imputer must be null or 3 finite numbers"),
    ([1.0, float("nan"), 3.0], "imputer must be null or 3 finite numbers"),
    ([1.0, "2", 3.0], "imputer must be null or 3 finite numbers"),
    (None, "imputer must be given exactly when params impute is set"),
])
def test_a_hand_edited_imputer_is_refused(imputer, message, imputing, tmp_path):
    folder = imputing.save(tmp_path / "model")
    _edit_config(folder, lambda config: config.update(imputer=imputer))
    with pytest.raises(ValueError, match=message):
        ganad.load(folder)


def test_an_imputer_without_impute_is_refused(imputing, tmp_path):
    folder = imputing.save(tmp_path / "model")
    _edit_config(folder, lambda config: config["params"].update(impute=None))
    with pytest.raises(ValueError, match="imputer must be given exactly when params impute is set"):
        ganad.load(folder)


def test_a_folder_written_before_impute_loads_without_it(tmp_path):
    model = DETECTORS["dcae"](**DCAE).fit(X)
    folder = model.save(tmp_path / "old")

    def make_old(config):
        del config["imputer"], config["params"]["impute"]
    _edit_config(folder, make_old)
    loaded = ganad.load(folder)
    assert loaded.impute is None and loaded.imputer_ is None
    np.testing.assert_array_equal(loaded.anomaly_score(X), model.anomaly_score(X))
    with pytest.raises(ValueError, match=r"NaN \(missing\) value"):
        loaded.anomaly_score(X_GAPS)
