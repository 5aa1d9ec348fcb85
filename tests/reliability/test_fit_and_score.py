"""Fitting and scoring never hand back a silently wrong model or score (issue 11).

Cases, over every registered detector where they apply: a parameter made invalid after
``fit`` (``set_params``), a re-fit that diverges, a fit that leaves a NaN in a fitted tensor,
NaN scores from a scoring parameter, inputs that overflow float32, and scores that depend
on how rows are batched.
"""

import warnings

import numpy as np
import pytest
import torch
from sklearn.exceptions import NotFittedError

from ganad.fitted_state import check_network_size, fitted_tensors
from ganad.registry import DETECTORS
from ganad.report import build_report
from ganad.training import TrainingDivergedError

from ..conftest import QUICK_PARAMS

TRAINED = sorted(name for name, cls in DETECTORS.items() if "learning_rate" in cls().get_params())
WITH_TENSORS = sorted(name for name, cls in DETECTORS.items() if getattr(cls, "network_names", ()))  # TorchDetector


def make(name, **params):
    return DETECTORS[name](**{**QUICK_PARAMS[name], "random_state": 0, **params})


@pytest.fixture(scope="module")
def rows():
    return np.random.default_rng(0).normal(size=(64, 3))


@pytest.fixture(scope="module")
def fitted(rows):
    return {name: make(name).fit(rows) for name in DETECTORS}


def _fitted_attributes(detector):
    return sorted(name for name in vars(detector) if name.endswith("_") and not name.startswith("_"))


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_a_score_batch_size_set_after_fit_is_validated(name, fitted, rows):
    """score_batch_size=-1 skipped the scoring loop and returned uninitialised memory."""
    detector = fitted[name]
    detector.set_params(score_batch_size=-1)
    try:
        with pytest.raises(ValueError, match="score_batch_size"):
            detector.anomaly_score(rows)
        with pytest.raises(ValueError, match="score_batch_size"):
            detector.predict(rows)
    finally:
        detector.set_params(score_batch_size=4096)


@pytest.mark.parametrize("name", TRAINED)
def test_a_diverged_refit_leaves_the_detector_unfitted(name, rows, tmp_path):
    """The old offset_ survived a diverged re-fit, so save() wrote NaN weights."""
    detector = make(name).fit(rows)
    clipped = detector.get_params().get("gan") == "wgan-clip"  # clipped weights cannot diverge
    detector.set_params(learning_rate=1e35, **({"gan": "wgan-gp"} if clipped else {}))
    with pytest.raises(TrainingDivergedError):
        detector.fit(rows)
    assert _fitted_attributes(detector) == []
    with pytest.raises(NotFittedError):
        detector.predict(rows)
    if detector.savable:
        with pytest.raises(NotFittedError):
            detector.save(tmp_path / "model")
        assert not (tmp_path / "model").exists()


@pytest.mark.parametrize("name", WITH_TENSORS)
def test_a_fit_that_leaves_a_nan_in_any_fitted_tensor_is_refused(name, rows, monkeypatch):
    """Only losses were checked: DAGMM saved NaN mixture parameters with finite losses."""
    cls = DETECTORS[name]
    real_fit_model = cls._fit_model

    def fit_then_corrupt(self, X):
        real_fit_model(self, X)
        tensor = next(v for v in fitted_tensors(self).values() if v.is_floating_point())
        with torch.no_grad():
            tensor.view(-1)[0] = float("nan")
    monkeypatch.setattr(cls, "_fit_model", fit_then_corrupt)
    detector = make(name)
    with pytest.raises(TrainingDivergedError, match="non-finite values in"):
        detector.fit(rows)
    assert _fitted_attributes(detector) == []


def test_nan_scores_from_a_scoring_parameter_are_refused(fitted, rows):
    """ADGAN with adapt_learning_rate=1e6 scored every row NaN, and ganad score wrote them."""
    with pytest.raises(TrainingDivergedError, match="scored NaN"):
        make("adgan", adapt_learning_rate=1e6).fit(rows)
    detector = fitted["adgan"]
    detector.set_params(adapt_learning_rate=1e6)
    try:
        with pytest.raises(ValueError, match="scored NaN"):
            detector.anomaly_score(rows)
    finally:
        default = make("adgan").adapt_learning_rate
        detector.set_params(adapt_learning_rate=QUICK_PARAMS["adgan"].get("adapt_learning_rate", default))


@pytest.mark.parametrize("name", ["wgan-inversion", "adgan", "dagmm", "wgan-encoder"])
def test_data_beyond_what_float32_networks_can_square_is_a_value_error(name, rows):
    """Data scaled by 1e30 saved a NaN offset (WGANInversion, ADGAN) or raised a RuntimeError."""
    with pytest.raises(ValueError, match="beyond what the float32 networks can square"):
        make(name).fit((rows * 1e30).astype(np.float32))


def test_standard_scaling_of_huge_float32_values_stays_finite(rows):
    """float32 input near 1e19 overflowed the standard scale to inf: every row scored the same."""
    X = (rows * 1e19).astype(np.float32)
    detector = make("wgan-encoder", scaling="standard").fit(X)
    assert np.isfinite(detector.scaler_["scale"]).all()
    assert len(np.unique(detector.anomaly_score(X))) == len(X)


@pytest.mark.parametrize("name", ["kde", "dcae"])
def test_a_row_that_overflows_float32_only_once_scaled_is_a_value_error(name, rows):
    """A feature of training spread 1e-10 scales 1e30 past float32: scikit-learn's "contains infinity" error
    (KDE) or a batch of NaN scores blamed on the model (the networks)."""
    X = rows * [1e-10, 1.0, 1.0]
    detector = make(name, scaling="standard").fit(X)
    with pytest.raises(ValueError, match="beyond the float32 range after scaling"):
        detector.anomaly_score([[1e30, 0.0, 0.0]])


def test_a_row_the_networks_overflow_on_scores_by_the_support_rule_not_nan(fitted, rows):
    """DAGMM's Euclidean feature overflowed float32 on a row at 1e20: NaN, and the whole batch refused."""
    detector = fitted["dagmm"]
    far = np.zeros((2, 3))
    far[:, 0] = [1e20, 1e30]
    scores = detector.anomaly_score(np.vstack([rows, far]))
    assert np.isfinite(scores).all()
    assert scores[-1] > scores[-2] > scores[:-2].max()


def test_kde_fits_constant_rows_of_more_features_than_rows():
    """PCA's variance ratio of constant rows is NaN: the discarded directions' variance was NaN and every
    training row scored NaN ("training diverged")."""
    detector = make("kde").fit(np.ones((10, 30)))
    assert np.isfinite(detector.anomaly_score(np.ones((2, 30)))).all()


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_a_rows_score_does_not_depend_on_its_batch(name, fitted, rows):
    """GANomaly's min-max option scored a row 0.797 or 1.000 by chunk size, 0.0 alone."""
    detector = fitted[name]
    together = detector.anomaly_score(rows)
    alone = np.array([detector.anomaly_score(rows[i:i + 1])[0] for i in (0, 17, 63)])
    np.testing.assert_allclose(alone, together[[0, 17, 63]], rtol=1e-4, atol=1e-6)
    detector.set_params(score_batch_size=5)
    try:
        np.testing.assert_allclose(detector.anomaly_score(rows), together, rtol=1e-4, atol=1e-6)
    finally:
        detector.set_params(score_batch_size=4096)


@pytest.mark.parametrize("name", ["dcae", "wgan-critic"])
def test_networks_beyond_the_memory_bound_are_refused_before_allocation(name, rows):
    with pytest.raises(ValueError, match="sized by hidden=\\(200000, 200000\\)"):
        make(name, hidden=(200000, 200000)).fit(rows)


@pytest.mark.parametrize("name", WITH_TENSORS)
def test_measuring_the_networks_leaves_a_fitted_detector_as_it_was(name, fitted, rows):
    detector = fitted[name]
    before = dict(vars(detector))
    scores = detector.anomaly_score(rows)
    check_network_size(detector)  # builds the networks on the meta device
    assert vars(detector).keys() == before.keys()
    assert all(vars(detector)[key] is value for key, value in before.items())
    np.testing.assert_array_equal(detector.anomaly_score(rows), scores)


@pytest.mark.parametrize("name", ["dcae", "iforest"])
def test_a_refit_refused_for_its_parameters_leaves_no_earlier_model(name, rows):
    """A probe found the earlier model kept (and predicting) after a refit that scikit-learn's parameter check
    refused: the parameters were checked before the fitted state was removed."""
    detector = make(name).fit(rows)
    with pytest.raises(ValueError, match="contamination"):
        detector.set_params(contamination=0.9).fit(rows)
    assert _fitted_attributes(detector) == []
    with pytest.raises(NotFittedError):
        detector.set_params(contamination=0.1).predict(rows)


def test_masked_cells_are_missing_values_not_the_values_under_the_mask(rows):
    """A probe found a masked array's hidden values fitted and scored as data (1e6 under a mask set the scaler)."""
    masked = np.ma.masked_array(rows.copy())
    masked.data[:8, 0] = 1e6
    masked[:8, 0] = np.ma.masked
    with pytest.raises(ValueError, match="NaN"):
        make("dcae").fit(masked)
    missing = rows.copy()
    missing[:8, 0] = np.nan
    np.testing.assert_array_equal(make("dcae", impute="median").fit(masked).anomaly_score(rows),
                                  make("dcae", impute="median").fit(missing).anomaly_score(rows))


def test_tensors_that_need_grad_or_bfloat16_are_read_as_numbers(fitted, rows):
    scores = fitted["dcae"].anomaly_score(rows)
    np.testing.assert_allclose(fitted["dcae"].anomaly_score(torch.tensor(rows, requires_grad=True)), scores,
                               rtol=1e-6)
    assert fitted["dcae"].anomaly_score(torch.tensor(rows).bfloat16()).shape == scores.shape


@pytest.mark.parametrize("dtype", ["datetime64[s]", "timedelta64[s]"])
def test_dates_and_durations_are_refused(fitted, dtype):
    """numpy reads them as their integer counts: a probe found dates scored (all inliers), silently."""
    with pytest.raises(ValueError, match="dates or durations"):
        fitted["kde"].predict(np.zeros((3, 3), dtype))
    with pytest.raises(ValueError, match="dates or durations"):
        make("kde").fit(np.zeros((30, 3), dtype))


def test_a_pandas_series_is_refused_as_one_dimensional(fitted):
    pd = pytest.importorskip("pandas", reason="pandas is an optional dependency (ganad[compare])")
    with pytest.raises(ValueError, match="Expected a 2-dimensional container"):
        fitted["kde"].predict(pd.Series([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="dates or durations"):
        fitted["kde"].predict(pd.DataFrame({"a": pd.to_datetime(["2020-01-01"] * 3), "b": 1.0, "c": 2.0}))


@pytest.mark.parametrize("name", sorted(name for name, cls in DETECTORS.items() if hasattr(cls, "critic_output")))
def test_the_critic_output_of_an_unfitted_model_is_not_fitted_error(name, rows):
    """critic_output read critic_ before the fitted check: AttributeError."""
    with pytest.raises(NotFittedError):
        make(name).critic_output(rows)


def test_unscaled_images_outside_the_tanh_range_warn():
    """0-255 pixels fitted with scaling=None: the tanh decoder cannot reach them and the scores measured
    brightness (a probe: AUROC 0.56 against 0.99 on the same digits in [-1, 1]), silently."""
    from ganad.data import load_digits_images
    from ganad.utils.validation import DataRangeWarning

    images = load_digits_images().X[:40]
    pixels = ((images + 1) * 127.5).astype(np.uint8)
    tiny = {"n_epochs": 1, "image_shape": (1, 8, 8), "conv_width": 4, "random_state": 0}
    with pytest.warns(DataRangeWarning, match=r"lie in \[0, 255\]"):
        DETECTORS["dcae"](**tiny).fit(pixels)
    for X, params in [(images, {}), (pixels, {"scaling": "minmax"})]:
        with warnings.catch_warnings():
            warnings.simplefilter("error", DataRangeWarning)
            DETECTORS["dcae"](**tiny, **params).fit(X)


@pytest.mark.parametrize("name, change", [("rcgan", {"score_type": "features"}), ("adgan", {"search_steps": 4}),
                                          ("vae", {"n_score_samples": 3}), ("kde", {"density": "projection"})])
def test_a_scoring_parameter_changed_after_fit_refuses_the_stale_threshold(name, change, rows, tmp_path):
    """offset_ is a quantile of the training scores under fit's parameters: RCGAN set to Eq. 12 after fit then
    flagged 73 % of its training rows at contamination 0.1 (a scikit-learn probe)."""
    detector = make(name, contamination=0.1).fit(rows)
    scores = detector.anomaly_score(rows)
    detector.set_params(score_batch_size=7, n_threads=1)  # how the model runs: the threshold holds
    np.testing.assert_array_equal(detector.predict(rows), np.where(-scores < detector.offset_, -1, 1))
    detector.set_params(**change)
    detector.anomaly_score(rows)  # the scores themselves follow the parameters
    key = next(iter(change))
    for refused in (detector.predict, detector.decision_function):
        with pytest.raises(ValueError, match=f"{key} changed after fit"):
            refused(rows)
    if detector.savable:
        with pytest.raises(ValueError, match="save refused"):
            detector.save(tmp_path / "model")
    with pytest.raises(ValueError, match="a report refused"):  # the page states offset_ as predict's threshold
        build_report(detector)
    detector.calibrate(rows)  # a threshold under the new parameters
    assert np.mean(detector.predict(rows) == -1) == pytest.approx(0.1, abs=0.02)
