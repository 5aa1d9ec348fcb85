"""Rows far from the training data never score as more normal than the training rows (issue 13).

Every registered detector, fitted on 300 Gaussian rows of 5 features, scores rows 10 and
100 standard deviations from the training mean -- along each feature axis, and in every
feature at once with random signs -- at least as high as every training row (ties
allowed). Critic scores get this from Haloui et al.'s §5.1 training-range rule
(``ganad.scoring.critic_range``), every detector from the support rule
(``ganad.utils.support``); the fit-time guard warns when a detector would still rank such
rows as inliers.
"""

import warnings

import numpy as np
import pytest

from ganad.registry import DETECTORS
from ganad.utils.support import InvertedScoreWarning

from ..conftest import QUICK_PARAMS

N_FEATURES = 5


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, N_FEATURES))
    axes = np.vstack([np.eye(N_FEATURES), -np.eye(N_FEATURES)])  # (10, 5): one feature away
    signs = rng.choice([-1.0, 1.0], size=(10, N_FEATURES))  # every feature away
    directions = np.vstack([axes, signs])
    far = np.vstack([X.mean(axis=0) + k * X.std(axis=0) * directions for k in (10.0, 100.0)])
    return X, far


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_far_rows_score_at_least_as_high_as_every_training_row(name, data):
    X, far = data
    with warnings.catch_warnings():
        warnings.simplefilter("error", InvertedScoreWarning)
        detector = DETECTORS[name](**QUICK_PARAMS[name], random_state=0).fit(X)
    train, outside = detector.anomaly_score(X), detector.anomaly_score(far)
    assert outside.min() >= train.max(), f"{(outside < train.max()).sum()} of {len(far)} far rows score below"


@pytest.mark.parametrize("support_rule", [False, True])
def test_the_fit_guard_warns_about_an_inverted_score_unless_the_support_rule_covers_it(support_rule, data,
                                                                                      monkeypatch):
    """A DCAE made to score minus its reconstruction error ranks far rows as the most normal."""
    X, _ = data
    cls = DETECTORS["dcae"]
    real = cls._anomaly_score
    monkeypatch.setattr(cls, "_anomaly_score", lambda self, batch: -real(self, batch))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cls(**QUICK_PARAMS["dcae"], support_rule=support_rule, random_state=0).fit(X)
    warned = [w for w in caught if issubclass(w.category, InvertedScoreWarning)]
    assert len(warned) == (0 if support_rule else 1)
    assert support_rule or "10 standard deviations" in str(warned[0].message)
