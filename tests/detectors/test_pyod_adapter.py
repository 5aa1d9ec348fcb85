"""PyODAdapter: its contract, hand-computed values, Pipelines, and every output against PyOD's
own ``pyod.models.base.BaseDetector`` (PyOD 3.6.7, the "compare" extra) on the same scores."""

import warnings

import numpy as np
import pytest
from scipy.special import erf
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from ganad import PyODAdapter
from ganad.detectors.baselines import IForest

CONTAMINATIONS = [0.05, 0.1, 0.29, 0.5, None]  # 0.29: int(n * 0.29) rounds n * 0.29 = 28.999... down at n = 100


class FirstColumn(BaseEstimator):
    """A detector whose anomaly score is the first feature, so a test chooses the scores;
    its own threshold (``contamination=None``) is the training scores' 75th percentile."""

    def fit(self, X, y=None):
        self.offset_ = -np.percentile(np.asarray(X)[:, 0], 75)
        return self

    def score_samples(self, X):
        return -np.asarray(X, dtype=float)[:, 0]


class ThresholdAt:
    """PyOD's threshold-object protocol (what a PyThresh thresholder provides) for a fixed threshold."""

    def __init__(self, threshold):
        self.threshold = threshold

    def fit(self, scores):
        self.thresh_, self.labels_ = self.threshold, self.predict(scores)
        return self

    def predict(self, scores):
        return (scores > self.threshold).astype(int)


def iforest(**params):
    return IForest(n_estimators=10, random_state=0, device="cpu", **params)


def scores_as_rows(scores):
    return np.asarray(scores, dtype=float).reshape(-1, 1)


@pytest.fixture(scope="module")
def tabular():
    """(X_train, X_test): a 3-d Gaussian, test = 40 normal rows + 10 from a blob 6 sigma away."""
    rng = np.random.default_rng(0)
    return rng.normal(size=(150, 3)), np.vstack([rng.normal(size=(40, 3)), rng.normal(6.0, 1.0, size=(10, 3))])


@pytest.fixture(scope="module")
def fitted(tabular):
    return PyODAdapter(iforest()).fit(tabular[0])


# --- the contract, without PyOD ---

def test_labels_are_zero_one_at_the_contamination_quantile(fitted, tabular):
    assert fitted.contamination == 0.1  # PyOD's default
    assert fitted.threshold_ == np.percentile(fitted.decision_scores_, 90)
    assert set(np.unique(fitted.labels_)) == {0, 1}
    assert fitted.labels_.mean() == pytest.approx(0.1, abs=0.01)
    assert set(np.unique(fitted.predict(tabular[1]))) == {0, 1}
    np.testing.assert_array_equal(fitted.predict(tabular[0]), fitted.labels_)


def test_scores_are_the_detectors_anomaly_scores(fitted, tabular):
    np.testing.assert_array_equal(fitted.decision_scores_, fitted.detector_.anomaly_score(tabular[0]))
    np.testing.assert_array_equal(fitted.decision_function(tabular[1]), fitted.detector_.anomaly_score(tabular[1]))


def test_fit_predict_is_fit_then_labels(fitted, tabular):
    np.testing.assert_array_equal(PyODAdapter(iforest()).fit_predict(tabular[0]), fitted.labels_)


@pytest.mark.parametrize("method", ["linear", "unify"])
def test_proba_rows_are_distributions(fitted, tabular, method):
    proba = fitted.predict_proba(tabular[1], method=method)
    assert proba.shape == (len(tabular[1]), 2)
    assert np.all((proba >= 0) & (proba <= 1))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert proba[-10:, 1].min() > proba[:40, 1].mean()  # the far blob is the more likely outlier


def test_confidence_is_a_probability_returned_alongside(fitted, tabular):
    confidence = fitted.predict_confidence(tabular[1])
    assert confidence.shape == (len(tabular[1]),)
    assert np.all((confidence >= 0) & (confidence <= 1))
    labels, same = fitted.predict(tabular[1], return_confidence=True)
    np.testing.assert_array_equal(labels, fitted.predict(tabular[1]))
    np.testing.assert_array_equal(same, confidence)
    proba, same = fitted.predict_proba(tabular[1], method="unify", return_confidence=True)
    np.testing.assert_array_equal(proba, fitted.predict_proba(tabular[1], method="unify"))
    np.testing.assert_array_equal(same, confidence)


@pytest.mark.parametrize("contamination", [0, -0.1, 0.51, 1, "auto"])
def test_contamination_is_validated_at_fit(tabular, contamination):
    adapter = PyODAdapter(iforest(), contamination=contamination)  # __init__ only stores it
    with pytest.raises(InvalidParameterError, match="contamination"):
        adapter.fit(tabular[0])


def test_half_contamination_is_allowed(tabular):
    assert PyODAdapter(iforest(), contamination=0.5).fit(tabular[0]).labels_.mean() == pytest.approx(0.5, abs=0.01)


def test_unknown_method_and_unfitted_adapter_raise(fitted, tabular):
    with pytest.raises(ValueError, match="'linear' or 'unify'"):
        fitted.predict_proba(tabular[1], method="sigmoid")
    with pytest.raises(NotFittedError):
        PyODAdapter(iforest()).predict_confidence(tabular[1])


def test_contamination_none_keeps_the_detectors_threshold(tabular):
    adapter = PyODAdapter(iforest(contamination=0.2), contamination=None).fit(tabular[0])
    assert adapter.threshold_ == -adapter.detector_.offset_
    for X, labels in ((tabular[0], adapter.labels_), (tabular[1], adapter.predict(tabular[1]))):
        np.testing.assert_array_equal(labels, (adapter.detector_.predict(X) == -1).astype(int))


def test_contamination_none_needs_a_detector_with_its_own_threshold(tabular):
    """A probe found an AttributeError naming offset_ only, and, after a failed refit, a fitted adapter mixing
    the new detector's scores with the old fit's threshold and labels."""
    from sklearn.neighbors import KernelDensity

    adapter = PyODAdapter(KernelDensity(), contamination=0.1).fit(tabular[0])
    adapter.set_params(contamination=None)
    with pytest.raises(ValueError, match="KernelDensity has no offset_; give the adapter a contamination"):
        adapter.fit(tabular[1])
    with pytest.raises(NotFittedError):
        adapter.predict(tabular[1])


def test_calibrate_sets_the_threshold_from_held_out_rows(tabular):
    # FirstColumn scores by the first feature: held-out scores 0..19, contamination 0.1 -> 90th percentile 0.9 * 19 = 17.1
    X_train, X_test = tabular
    adapter = PyODAdapter(FirstColumn(), contamination=0.1).fit(X_train)
    training_scores = adapter.decision_scores_.copy()
    held_out = scores_as_rows(np.arange(20.0))
    assert adapter.calibrate(held_out) is adapter
    assert adapter.threshold_ == pytest.approx(17.1)
    np.testing.assert_array_equal(adapter.decision_scores_, training_scores)
    np.testing.assert_array_equal(adapter.labels_, (training_scores > 17.1).astype(int))
    np.testing.assert_array_equal(adapter.predict(held_out), (np.arange(20.0) > 17.1).astype(int))


def test_calibrate_with_contamination_none_calibrates_the_detector(tabular):
    X_train, X_test = tabular
    pipeline = make_pipeline(StandardScaler(), iforest(contamination=0.2))
    adapter = PyODAdapter(pipeline, contamination=None).fit(X_train)
    adapter.calibrate(X_test[:40])
    detector = adapter.detector_[-1]
    assert detector.calibration_rows_ == 40
    assert adapter.threshold_ == -detector.offset_
    np.testing.assert_array_equal(adapter.predict(X_test), (adapter.detector_.predict(X_test) == -1).astype(int))


def test_calibrate_refusals(tabular):
    X_train, X_test = tabular
    with pytest.raises(NotFittedError):
        PyODAdapter(iforest()).calibrate(X_test)
    adapter = PyODAdapter(iforest()).fit(X_train)
    with pytest.raises(ValueError, match="at least 2 normal rows"):
        adapter.calibrate(X_test[:1])
    with pytest.raises(InvalidParameterError, match="contamination"):  # set after fit: numpy's percentile error
        adapter.set_params(contamination=1.5).calibrate(X_test)
    adapter.set_params(contamination=0.1)
    with pytest.raises(ValueError, match="at least 2 normal rows"):  # refused by the detector's own calibrate
        PyODAdapter(iforest(), contamination=None).fit(X_train).calibrate(X_test[:1])
    own = PyODAdapter(FirstColumn(), contamination=None).fit(X_train)
    with pytest.raises(ValueError, match="FirstColumn has no calibrate"):
        own.calibrate(X_test)
    first = PyODAdapter(FirstColumn()).fit(X_train)
    threshold = first.threshold_
    with pytest.raises(ValueError, match="infinite scores"):
        first.calibrate(scores_as_rows([0.0, np.inf]))
    assert first.threshold_ == threshold


def test_hand_computed_values():
    # training scores 0..9, contamination 0.1: threshold = 90th percentile = 8.1; for a score s,
    # k = #training scores <= s, p = (1 + k) / 12, outlier confidence 1 - BinomCDF(9; 10, p) = p ** 10
    adapter = PyODAdapter(FirstColumn()).fit(scores_as_rows(np.arange(10)))
    test = scores_as_rows([-1.0, 4.5, 9.5])  # k = 0, 5, 10
    assert adapter.threshold_ == pytest.approx(8.1)
    np.testing.assert_array_equal(adapter.labels_, [0] * 9 + [1])
    np.testing.assert_array_equal(adapter.predict(test), [0, 0, 1])
    np.testing.assert_allclose(adapter.predict_proba(test)[:, 1], [0.0, 0.5, 1.0])
    unified = erf((9.5 - 4.5) / (np.sqrt(8.25) * np.sqrt(2)))  # mean 4.5, population variance 8.25
    np.testing.assert_allclose(adapter.predict_proba(test, method="unify")[:, 1], [0.0, 0.0, unified])
    np.testing.assert_allclose(adapter.predict_confidence(test),
                               [1 - (1 / 12) ** 10, 1 - (6 / 12) ** 10, (11 / 12) ** 10], rtol=1e-12)


# --- Pipelines ---

def test_adapter_as_the_last_pipeline_step(tabular):
    X_train, X_test = tabular
    pipeline = make_pipeline(StandardScaler(), PyODAdapter(iforest())).fit(X_train)
    adapter, scaled = pipeline[-1], pipeline[0].transform(X_test)
    np.testing.assert_array_equal(pipeline.decision_function(X_test), adapter.decision_function(scaled))
    labels, confidence = pipeline.predict(X_test, return_confidence=True)
    np.testing.assert_array_equal(labels, adapter.predict(scaled))
    np.testing.assert_array_equal(confidence, adapter.predict_confidence(scaled))
    np.testing.assert_array_equal(pipeline.predict_proba(X_test, method="unify"),
                                  adapter.predict_proba(scaled, method="unify"))
    np.testing.assert_array_equal(pipeline.fit_predict(X_train), pipeline[-1].labels_)


def test_pipeline_ending_in_a_detector_scores_by_minus_score_samples(tabular):
    X_train, X_test = tabular
    pipeline = make_pipeline(StandardScaler(), iforest()).fit(X_train)
    scaled = pipeline[0].transform(X_test)
    np.testing.assert_array_equal(-pipeline.score_samples(X_test), pipeline[-1].anomaly_score(scaled))
    with_adapter = make_pipeline(StandardScaler(), PyODAdapter(iforest())).fit(X_train)
    np.testing.assert_array_equal(-pipeline.score_samples(X_test), with_adapter.decision_function(X_test))


def test_adapter_wraps_a_pipeline(tabular):
    X_train, X_test = tabular
    pipeline = make_pipeline(StandardScaler(), iforest(contamination=0.2))
    adapter = PyODAdapter(pipeline, contamination=None).fit(X_train)
    np.testing.assert_array_equal(adapter.predict(X_test), (adapter.detector_.predict(X_test) == -1).astype(int))
    np.testing.assert_array_equal(adapter.decision_function(X_test), -adapter.detector_.score_samples(X_test))


# --- against PyOD's BaseDetector ---

@pytest.fixture(scope="module")
def pyod_base():
    return pytest.importorskip("pyod.models.base", reason="PyOD is not installed (pip install 'ganad[compare]')")


def pyod_twin(pyod_base, adapter, X_train):
    """A PyOD detector whose decision_function is the adapter's, fitted by PyOD's own
    ``_process_decision_scores``: only the formulas under comparison differ."""

    class Twin(pyod_base.BaseDetector):
        def __init__(self, contamination=0.1):
            super().__init__(contamination=contamination)

        def fit(self, X, y=None):
            self._set_n_classes(y)
            self.decision_scores_ = adapter.decision_function(X)
            self._process_decision_scores()
            return self

        def decision_function(self, X):
            return adapter.decision_function(X)

    contamination = ThresholdAt(adapter.threshold_) if adapter.contamination is None else adapter.contamination
    return Twin(contamination).fit(X_train)


def assert_speaks_pyod(pyod_base, adapter, X_train, X_test):
    twin = pyod_twin(pyod_base, adapter, X_train)
    close = dict(rtol=0, atol=1e-12)
    np.testing.assert_array_equal(adapter.decision_scores_, twin.decision_scores_)
    np.testing.assert_allclose(adapter.threshold_, twin.threshold_, **close)
    np.testing.assert_array_equal(adapter.labels_, twin.labels_)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # PyOD deprecates its fit_predict
        np.testing.assert_array_equal(adapter.fit_predict(X_train), twin.fit_predict(X_train))
    for X in (X_train, X_test):
        np.testing.assert_array_equal(adapter.predict(X), twin.predict(X))
        np.testing.assert_allclose(adapter.predict_confidence(X), twin.predict_confidence(X), **close)
        for ours, theirs in zip(adapter.predict(X, return_confidence=True), twin.predict(X, return_confidence=True)):
            np.testing.assert_allclose(ours, theirs, **close)
        for method in ("linear", "unify"):
            np.testing.assert_allclose(adapter.predict_proba(X, method=method),
                                       twin.predict_proba(X, method=method), **close)
            ours = adapter.predict_proba(X, method=method, return_confidence=True)
            theirs = twin.predict_proba(X, method=method, return_confidence=True)
            for a, b in zip(ours, theirs):
                np.testing.assert_allclose(a, b, **close)


@pytest.mark.parametrize("contamination", CONTAMINATIONS)
@pytest.mark.parametrize("kind", ["continuous", "ties"])
def test_matches_pyod_on_chosen_scores(pyod_base, kind, contamination):
    rng = np.random.default_rng(1)
    if kind == "continuous":
        train, test = rng.normal(size=100), np.r_[rng.normal(0, 2, size=60), -5.0, 5.0]
    else:  # integer scores: ties within the training scores and between test and training scores
        train, test = rng.integers(0, 10, size=100), np.r_[np.arange(-1, 11), rng.integers(0, 10, size=20)]
    adapter = PyODAdapter(FirstColumn(), contamination=contamination).fit(scores_as_rows(train))
    assert_speaks_pyod(pyod_base, adapter, scores_as_rows(train), scores_as_rows(test))


@pytest.mark.parametrize("contamination", [0.1, None])
def test_matches_pyod_on_a_fitted_ganad_detector(pyod_base, tabular, contamination):
    adapter = PyODAdapter(iforest(contamination=0.2), contamination=contamination).fit(tabular[0])
    assert_speaks_pyod(pyod_base, adapter, *tabular)
