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
from ganad.training import distributed
from ganad.utils.support import ConstantScoreWarning, InvertedScoreWarning, excess, far_rows, fit_support

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
        warnings.simplefilter("error", ConstantScoreWarning)
        detector = DETECTORS[name](**QUICK_PARAMS[name], random_state=0).fit(X)
    train, outside = detector.anomaly_score(X), detector.anomaly_score(far)
    assert outside.min() >= train.max(), f"{(outside < train.max()).sum()} of {len(far)} far rows score below"


@pytest.fixture
def inverted_dcae(monkeypatch):
    """The DCAE class made to score minus its reconstruction error: far rows rank as the most normal."""
    cls = DETECTORS["dcae"]
    real = cls._anomaly_score
    monkeypatch.setattr(cls, "_anomaly_score", lambda self, batch: -real(self, batch))
    return cls


@pytest.mark.parametrize("support_rule", [False, True])
def test_the_fit_guard_warns_about_an_inverted_score_unless_the_support_rule_covers_it(support_rule, data,
                                                                                      inverted_dcae):
    X, _ = data
    cls = inverted_dcae
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cls(**QUICK_PARAMS["dcae"], support_rule=support_rule, random_state=0).fit(X)
    warned = [w for w in caught if issubclass(w.category, InvertedScoreWarning)]
    assert len(warned) == (0 if support_rule else 1)
    assert support_rule or "10 standard deviations" in str(warned[0].message)


def test_the_fit_guard_warns_when_every_training_row_scores_the_same(data):
    """Features on a scale of 1e-9, unscaled: the autoencoder reconstructs every row alike and its scores rank
    nothing (found by a probe of every detector); rows that are all the same are no cause for the warning."""
    X, _ = data
    with pytest.warns(ConstantScoreWarning, match=r"scores all \d+ training rows the same.*scaling='standard'"):
        DETECTORS["dcae"](**QUICK_PARAMS["dcae"], random_state=0).fit(X * 1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConstantScoreWarning)
        DETECTORS["dcae"](**QUICK_PARAMS["dcae"], random_state=0).fit(np.repeat(X[:1], 50, axis=0))


def test_on_images_the_support_pools_each_channel_over_its_pixels():
    rng = np.random.default_rng(0)
    images = np.stack([np.full((20, 16), -1.0), rng.uniform(0.0, 0.5, size=(20, 16))], axis=1)  # (N, C, H * W)
    images[:, 0, 8:] = rng.uniform(-1.0, 1.0, size=(20, 8))  # channel 0 has ink in its second half only
    X = images.reshape(20, 32)
    support = fit_support(X, image_shape=(2, 4, 4))
    assert np.array_equal(support["low"], np.repeat([images[:, 0].min(), images[:, 1].min()], 16))
    assert np.array_equal(support["high"], np.repeat([images[:, 0].max(), images[:, 1].max()], 16))
    stroke = X[:1].copy()
    stroke[0, :8] = images[:, 0].max()  # ink where no training image had any: a value channel 0 took elsewhere
    beyond = X[:1].copy()
    beyond[0, 16] = images[:, 1].max() + 1.5 * support["margin"][16]  # past channel 1's values by 1.5 margins
    assert excess(stroke, support)[0] == 0.0
    assert excess(beyond, support)[0] == pytest.approx(1.5)


def test_on_images_far_pixel_values_score_above_every_training_image_and_strokes_keep_their_score(inverted_dcae):
    """The inverted DCAE ranks far images as the most normal without the rule; with it, the far
    ones score above every training image."""
    rng = np.random.default_rng(0)
    images = np.full((12, 784), -1.0)
    images[:, 300:400] = rng.uniform(-1.0, 1.0, size=(12, 100))  # ink in one band of the digit only
    cls = inverted_dcae
    params = {"image_shape": (1, 28, 28), "conv_width": 4, "batch_size": 3, "n_epochs": 1, "random_state": 0}
    with warnings.catch_warnings():
        warnings.simplefilter("error", InvertedScoreWarning)
        with_rule = cls(**params).fit(images)
    without = cls(**params, support_rule=False)
    with pytest.warns(InvertedScoreWarning, match="10 standard deviations"):
        without.fit(images)
    with pytest.MonkeyPatch.context() as patch, warnings.catch_warnings():  # data-parallel: rank 0 alone warns
        patch.setattr(distributed, "is_main_process", lambda: False)
        warnings.simplefilter("error", InvertedScoreWarning)
        without._check_far_rows(images)
    far = far_rows(images, seed=1)
    assert with_rule.anomaly_score(far).min() > with_rule.anomaly_score(images).max()
    strokes = images[:3].copy()
    strokes[:, :100] = 1.0  # ink where no training image had any
    assert np.array_equal(with_rule.anomaly_score(strokes), without.anomaly_score(strokes))
