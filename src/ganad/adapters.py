"""PyOD's dialect for ganad detectors, for users of PyOD's tooling.

The reference behaviour is ``pyod.models.base.BaseDetector`` (PyOD 3.6.7): after ``fit``,
``decision_scores_`` (training anomaly scores, higher = more abnormal), ``threshold_`` (their
``1 - contamination`` quantile) and ``labels_`` (0 inlier, 1 outlier); then
``decision_function``, ``fit_predict``, ``predict``, ``predict_proba`` ("linear" or "unify")
and ``predict_confidence`` (Perini et al.'s ExCeeD). ``PyODAdapter`` computes the same
formulas with numpy, scipy and scikit-learn, so ganad does not need PyOD;
``tests/detectors/test_pyod_adapter.py`` compares every output with PyOD's own methods.

In a scikit-learn ``Pipeline`` the adapter is the last step,
``make_pipeline(StandardScaler(), PyODAdapter(WGANEncoder()))``: ``pipeline.decision_function(X)``
is then the anomaly score, and ``predict``, ``predict_proba`` and ``fit_predict`` pass their
keywords through. A pipeline that ends in a ganad detector itself gives anomaly scores as
``-pipeline.score_samples(X)`` (a Pipeline has no ``anomaly_score``).
"""

from numbers import Real

import numpy as np
from scipy.special import erf
from scipy.stats import binom
from sklearn.base import BaseEstimator, _fit_context, clone
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.validation import check_is_fitted


FITTED_ATTRIBUTES = ("detector_", "decision_scores_", "threshold_", "labels_")


def _own_offset(detector):
    """The fitted ``detector``'s own threshold on ``score_samples``, ``offset_``; a ValueError where it has none."""
    if not hasattr(detector, "offset_"):
        raise ValueError(f"contamination=None keeps the detector's own threshold (its offset_), and "
                         f"{type(detector).__name__} has no offset_; give the adapter a contamination")
    return detector.offset_


class PyODAdapter(BaseEstimator):
    """Wrap a ganad detector so that it speaks PyOD (``pyod.models.base.BaseDetector``).

    Parameters
    ----------
    detector : estimator
        A ganad detector, or any scikit-learn outlier detector or Pipeline ending in one:
        its ``score_samples`` (higher = more normal) is negated into PyOD's anomaly score.
        It is cloned at ``fit``.
    contamination : float in (0, 0.5] or None, default=0.1
        As in PyOD, the fraction of outliers in the training data: ``threshold_`` is the
        ``100 * (1 - contamination)`` percentile of ``decision_scores_`` (numpy's linear
        interpolation). ``None`` keeps the wrapped detector's own threshold,
        ``threshold_ = -offset_``, so that ``labels_`` and ``predict`` flag exactly the rows its
        ``predict`` marks -1 (for ``WGANCritic``, the paper's training-range rule);
        ``predict_confidence`` then takes the flagged fraction of the training data as the
        contamination, as PyOD does for a threshold object.

    Attributes
    ----------
    detector_ : estimator
        The fitted clone of ``detector``.
    decision_scores_ : ndarray of shape (n_samples,)
        Anomaly scores of the training data (higher = more abnormal).
    threshold_ : float
        Rows scoring above it are outliers.
    labels_ : ndarray of shape (n_samples,)
        1 for the training rows above ``threshold_``, 0 for the others.

    Notes
    -----
    Deviations from ``BaseDetector``: ``contamination`` is validated at ``fit`` (scikit-learn's
    convention) rather than in ``__init__``; ``y`` is ignored, so ``predict_proba`` always has two
    columns; ``fit_predict`` is not deprecated; ``predict_with_rejection`` and
    ``compute_rejection_stats`` are not provided. ``calibrate`` is ganad's, not PyOD's: it sets
    ``threshold_`` from normal rows held out from ``fit``.
    """

    _parameter_constraints = {
        "detector": [HasMethods(["fit", "score_samples"])],
        "contamination": [Interval(Real, 0, 0.5, closed="right"), None],
    }

    def __init__(self, detector, *, contamination=0.1):
        self.detector = detector
        self.contamination = contamination

    def fit(self, X, y=None):
        """Fit a clone of the detector on ``X`` and threshold its training scores.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : None
            Ignored.

        Returns
        -------
        self : PyODAdapter
            The fitted adapter.
        """
        for name in FITTED_ATTRIBUTES:  # first: a fit that raises, its parameters included, leaves no earlier state
            vars(self).pop(name, None)
        return self._validated_fit(X)

    @_fit_context(prefer_skip_nested_validation=False)  # the detector validates its own parameters
    def _validated_fit(self, X):
        """``fit`` once scikit-learn has checked the adapter's parameters."""
        detector = clone(self.detector).fit(X)
        scores = -detector.score_samples(X)
        if self.contamination is None:
            threshold = -_own_offset(detector[-1] if isinstance(detector, Pipeline) else detector)
        else:
            threshold = np.percentile(scores, 100 * (1 - self.contamination))
        self.detector_, self.decision_scores_, self.threshold_ = detector, scores, threshold
        self.labels_ = self._labels(scores)
        return self

    def calibrate(self, X):
        """Set ``threshold_`` from normal rows that ``fit`` did not see; returns self.

        Not part of PyOD's ``BaseDetector``: its ``threshold_`` is a quantile of the *training* scores,
        which flags far more than ``contamination`` of new normal rows when the detector scores its
        training rows as more normal than new ones (README, "The threshold on new data"). Here
        ``threshold_`` becomes the ``100 * (1 - contamination)`` percentile of the scores of ``X``; with
        ``contamination=None`` the wrapped detector's own ``calibrate`` sets its ``offset_`` and
        ``threshold_ = -offset_`` follows it. ``labels_`` are recomputed under the new threshold
        (PyOD's ``labels_`` are the training rows above ``threshold_``); ``decision_scores_`` and every
        score stay as they are.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Normal rows held out from ``fit``: two or more.
        """
        check_is_fitted(self)
        self._validate_params()  # a contamination set after fit, as fit checks it
        if self.contamination is None:  # the detector's calibrate scores the rows and refuses too few
            final = self._final_detector()
            if not hasattr(final, "calibrate"):
                raise ValueError(f"contamination=None keeps the detector's own threshold, and "
                                 f"{type(final).__name__} has no calibrate; give the adapter a contamination")
            rows = self.detector_[:-1].transform(X) if isinstance(self.detector_, Pipeline) else X
            self.threshold_ = -final.calibrate(rows).offset_
        else:
            scores = self.decision_function(X)
            if len(scores) < 2:
                raise ValueError(f"calibrate needs at least 2 normal rows, got {len(scores)}")
            with np.errstate(invalid="ignore"):  # an infinite score may make the percentile NaN: refused below
                threshold = np.percentile(scores, 100 * (1 - self.contamination))
            if not np.isfinite(threshold):
                raise ValueError(f"calibrate: the contamination percentile of the rows' scores is {threshold}, not "
                                 "a threshold (infinite scores); threshold_ is left as it was")
            self.threshold_ = threshold
        self.labels_ = self._labels(self.decision_scores_)
        return self

    def decision_function(self, X):
        """Anomaly scores, higher = more abnormal (PyOD's convention).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to score.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            ``-detector_.score_samples(X)``.
        """
        check_is_fitted(self)
        return -self.detector_.score_samples(X)

    def fit_predict(self, X, y=None):
        """``fit(X).labels_``, as ``BaseDetector.fit_predict``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : None
            Ignored.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            1 for outliers, 0 for inliers.
        """
        return self.fit(X, y).labels_

    def predict(self, X, return_confidence=False):
        """Outlier labels of ``X``, as ``BaseDetector.predict``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to label.
        return_confidence : bool, default=False
            Also return ``predict_confidence(X)`` (from the same scores).

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            1 where the anomaly score exceeds ``threshold_``, else 0.
        confidence : ndarray of shape (n_samples,)
            Only if ``return_confidence``.
        """
        scores = self.decision_function(X)
        if return_confidence:
            return self._labels(scores), self._confidence(scores)
        return self._labels(scores)

    def predict_proba(self, X, method="linear", return_confidence=False):
        """Probabilities of [inlier, outlier], as ``BaseDetector.predict_proba``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to score.
        method : {"linear", "unify"}, default="linear"
            "linear": the scores min-max scaled by the training scores' range (scikit-learn's
            ``MinMaxScaler``, as PyOD), clipped to [0, 1]. "unify": Kriegel et al.'s Gaussian
            unification, ``erf((s - mean) / (std * sqrt(2)))`` over the training scores
            (population std), clipped to [0, 1].
        return_confidence : bool, default=False
            Also return ``predict_confidence(X)`` (from the same scores).

        Returns
        -------
        proba : ndarray of shape (n_samples, 2)
            Column 1 the outlier probability, column 0 one minus it.
        confidence : ndarray of shape (n_samples,)
            Only if ``return_confidence``.
        """
        if method not in ("linear", "unify"):
            raise ValueError(f"method must be 'linear' or 'unify', got {method!r}")
        scores = self.decision_function(X)
        train = self.decision_scores_
        if method == "linear":
            outlier = MinMaxScaler().fit(train.reshape(-1, 1)).transform(scores.reshape(-1, 1)).ravel()
        else:
            outlier = erf((scores - train.mean()) / (train.std() * np.sqrt(2)))
        proba = np.empty((len(scores), 2))
        proba[:, 1] = outlier.clip(0, 1)
        proba[:, 0] = 1 - proba[:, 1]
        if return_confidence:
            return proba, self._confidence(scores)
        return proba

    def predict_confidence(self, X):
        """Confidence that each label stays the same under a resampled training set.

        ``BaseDetector.predict_confidence``: ExCeeD (Perini, Vercruyssen & Davis 2020,
        "Quantifying the confidence of anomaly detectors in their example-wise predictions",
        ECML PKDD). With ``n`` training scores, ``k`` of them at most a row's score and
        ``p = (1 + k) / (2 + n)``, the confidence of an outlier label is
        ``1 - BinomCDF(n - int(n * contamination); n, p)``, and one minus that of an inlier label.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to score.

        Returns
        -------
        confidence : ndarray of shape (n_samples,)
            Values in [0, 1].
        """
        return self._confidence(self.decision_function(X))

    def _final_detector(self):
        """The fitted detector that scores (a Pipeline's last step)."""
        return self.detector_[-1] if isinstance(self.detector_, Pipeline) else self.detector_

    def _labels(self, scores):
        return (scores > self.threshold_).astype(int).ravel()

    def _confidence(self, scores):
        train = self.decision_scores_
        n = len(train)
        n_at_most = np.searchsorted(np.sort(train), scores, side="right")  # training scores <= each score
        posterior = (1 + n_at_most) / (2 + n)
        contamination = self.labels_.sum() / n if self.contamination is None else self.contamination
        confidence = 1 - binom.cdf(n - int(n * contamination), n, posterior)
        return np.where(self._labels(scores) == 1, confidence, 1 - confidence)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "outlier_detector"  # as PyOD's BaseDetector
        return tags
