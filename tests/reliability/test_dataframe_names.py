"""A model fitted on a pandas DataFrame keeps its column names through save and load (issue 17).

scikit-learn's ``validate_data`` sets ``feature_names_in_`` from a DataFrame's column names
(all strings) and, when scoring (``reset=False``), refuses a DataFrame whose names differ or
come in another order (``ValueError``), and warns for a plain array after a DataFrame fit
and for a DataFrame after an array fit. A loaded model must do exactly what the saved one
does: same names, same scores, the same error or warning.
"""

import json
import warnings

import numpy as np
import pytest

import ganad
from ganad import io
from ganad.registry import DETECTORS

from ..conftest import QUICK_PARAMS, reseal

pd = pytest.importorskip("pandas")

METHOD = "dcae"
FRAME = pd.DataFrame(np.random.default_rng(0).normal(size=(64, 3)), columns=["x_1", "height", "w"])


def _fit(X):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return DETECTORS[METHOD](**{**QUICK_PARAMS[METHOD], "random_state": 0}).fit(X)


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """(fitted on FRAME, the same loaded back)."""
    fitted = _fit(FRAME)
    return fitted, ganad.load(fitted.save(tmp_path_factory.mktemp("frame") / "model"), device="cpu")


def _outcome(model, X):
    """What scoring ``X`` does: its scores or the error, and the warnings' messages."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = model.anomaly_score(X)
        except ValueError as error:
            result = f"ValueError: {error}"
    return result, [str(w.message) for w in caught]


def test_names_and_scores_survive_save_and_load(models):
    fitted, loaded = models
    assert list(fitted.feature_names_in_) == ["x_1", "height", "w"]
    assert loaded.feature_names_in_.dtype == object and loaded.feature_names_in_.shape == (3,)
    np.testing.assert_array_equal(loaded.feature_names_in_, fitted.feature_names_in_)
    assert all(type(name) is str for name in loaded.feature_names_in_)
    np.testing.assert_array_equal(loaded.anomaly_score(FRAME), fitted.anomaly_score(FRAME))


@pytest.mark.parametrize("case", ["reordered", "renamed", "missing", "extra", "array", "integer names"])
def test_the_loaded_model_checks_columns_as_the_fitted_one(models, case):
    X = {"reordered": FRAME[["height", "x_1", "w"]],
         "renamed": FRAME.rename(columns={"w": "width"}),
         "missing": FRAME[["x_1", "height"]],
         "extra": FRAME.assign(more=1.0),
         "array": FRAME.to_numpy(),
         "integer names": FRAME.set_axis([0, 1, 2], axis=1)}[case]
    fitted, loaded = models
    before, after = _outcome(fitted, X), _outcome(loaded, X)
    if isinstance(before[0], str):
        assert before == after
        assert before[0].startswith("ValueError: The feature names should match those that were passed during fit")
    else:
        np.testing.assert_array_equal(after[0], before[0])
        assert after[1] == before[1] == [f"X does not have valid feature names, but {type(fitted).__name__} "
                                         "was fitted with feature names"]


def test_reordered_columns_are_refused_before_and_after_load(models):
    for model in models:
        with pytest.raises(ValueError, match="Feature names must be in the same order as they were in fit"):
            model.anomaly_score(FRAME[["w", "height", "x_1"]])


def test_a_model_fitted_on_an_array_warns_for_a_dataframe_after_load(tmp_path):
    fitted = _fit(FRAME.to_numpy())
    loaded = ganad.load(fitted.save(tmp_path / "model"), device="cpu")
    assert not hasattr(loaded, "feature_names_in_")
    assert json.loads((tmp_path / "model" / io.CONFIG_FILE).read_text())["feature_names"] is None
    before, after = _outcome(fitted, FRAME), _outcome(loaded, FRAME)
    np.testing.assert_array_equal(after[0], before[0])
    assert after[1] == before[1] == [f"X has feature names, but {type(fitted).__name__} was fitted without "
                                     "feature names"]


@pytest.mark.parametrize("names", [np.asarray([0, 1, 2], dtype=object), np.asarray(["a", "b"], dtype=object)])
def test_names_that_would_not_load_as_they_are_are_not_saved(models, tmp_path, names):
    fitted = models[0]
    kept = fitted.feature_names_in_
    fitted.feature_names_in_ = names
    try:
        with pytest.raises(ValueError, match="feature_names_in_ must hold 3 strings"):
            fitted.save(tmp_path / "model")
    finally:
        fitted.feature_names_in_ = kept
    assert not (tmp_path / "model").exists()


@pytest.mark.parametrize("names", [["x_1", "height", 3], ["x_1", "height"], "x_1,height,w", [["x_1"], "h", "w"]])
def test_a_config_with_names_that_are_not_strings_is_refused(models, tmp_path, names):
    folder = models[0].save(tmp_path / "model")
    config = json.loads((folder / io.CONFIG_FILE).read_text())
    config["feature_names"] = names
    (folder / io.CONFIG_FILE).write_text(json.dumps(config))
    reseal(folder)
    with pytest.raises(ValueError, match="feature_names must be null or a list of 3 strings"):
        ganad.load(folder)
