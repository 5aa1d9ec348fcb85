"""PyOD's dialect for ganad detectors, for users of PyOD's tooling.

PyOD detectors expose, after ``fit``: ``decision_scores_`` (training anomaly scores,
higher = more abnormal), ``threshold_`` and ``labels_`` (0 inlier, 1 outlier); and
``decision_function(X)`` returns anomaly scores, ``predict(X)`` 0/1 labels.
"""

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import check_is_fitted


class PyODAdapter(BaseEstimator):
    """Wrap a ganad detector so that it speaks PyOD.

    ``threshold_ = -detector.offset_``, so ``labels_`` and ``predict`` flag exactly
    the samples the wrapped detector's ``predict`` marks -1.
    """

    def __init__(self, detector):
        self.detector = detector

    def fit(self, X, y=None):
        self.detector_ = clone(self.detector).fit(X)
        self.threshold_ = -self.detector_.offset_
        self.decision_scores_ = self.detector_.anomaly_score(X)
        self.labels_ = (self.decision_scores_ > self.threshold_).astype(int)
        return self

    def decision_function(self, X):
        """Anomaly scores, higher = more abnormal (PyOD's convention)."""
        check_is_fitted(self)
        return self.detector_.anomaly_score(X)

    def predict(self, X):
        """1 for outliers, 0 for inliers."""
        return (self.decision_function(X) > self.threshold_).astype(int)

    def predict_proba(self, X):
        """PyOD's "linear" conversion: training scores min-max scaled to [0, 1], clipped."""
        scores = self.decision_function(X)
        low, high = self.decision_scores_.min(), self.decision_scores_.max()
        outlier = np.clip((scores - low) / max(high - low, np.finfo(float).tiny), 0, 1)
        return np.column_stack([1 - outlier, outlier])
