"""The training data's support: a safeguard so that rows far outside it never score as normal.

No detector here is trained to extrapolate. A critic, a Gaussian mixture on saturated
(tanh) codes or a latent-distance score can map a row 10 or 100 standard deviations away
from every training row to a value the training rows had, and so rank it as normal (issue
13 found several). Haloui et al. (2018, §5.1) answer this for the critic with the training
range of its output; this module applies the same rule to the input itself, for every
detector:

* at fit, each (scaled) feature's training range [low_j, high_j] and a margin of three
  standard deviations, ``m_j = 3 s_j`` with ``s_j`` the feature's training standard
  deviation floored at the median over features (a constant or nearly constant feature
  must not make every small deviation "far");
* a row is *outside the support* when some feature lies beyond its training range by more
  than its margin: ``e(x) = max_j max(low_j - x_j, x_j - high_j) / m_j > 1``;
* such a row scores ``max(score(x), max training score + (e(x) - 1))``: above every
  training row, ranked by how far out it is (the second term alone where the detector's
  score is NaN, a network overflowing on a row that far out); every other row keeps the
  detector's score.

On images (``image_shape``) the range and the standard deviation are those of each channel,
pooled over its pixel positions: a stroke where no training image had ink is not a row far
from the data (its values are ones the channel took elsewhere), while a pixel value beyond
anything the channel took, by three of its standard deviations, is. A fitted HistoryAD scored
one of eight rows 10 standard deviations from MNIST digits as an inlier before the rule
covered images (issue 13); an image whose pixels all lie within their channel's training
values keeps the detector's score.
"""

import numpy as np

MARGIN_STDS = 3.0


def fit_support(X, image_shape=None):
    """``{"low", "high", "margin"}`` float64 arrays (one value per feature) of the training rows ``X`` (scaled).

    With ``image_shape`` (C, H, W), every pixel of a channel gets that channel's pooled values.
    """
    X = np.asarray(X, dtype=np.float64)
    if image_shape is None:
        low, high, std = X.min(axis=0), X.max(axis=0), X.std(axis=0)
    else:
        channels = X.reshape(len(X), image_shape[0], -1)  # (N, C, H * W)
        low, high, std = (np.repeat(statistic(channels, axis=(0, 2)), channels.shape[2])
                          for statistic in (np.min, np.max, np.std))
    floor = np.median(std)
    return {"low": low, "high": high, "margin": MARGIN_STDS * np.maximum(std, floor if floor > 0 else 1.0)}


def excess(X, support):
    """``e(x)``: how many margins beyond its training range each row's farthest feature lies (0 inside)."""
    beyond = np.maximum(support["low"] - X, X - support["high"])
    return np.maximum(beyond / support["margin"], 0.0).max(axis=1)


def apply_support(scores, X, support, train_max):
    """Scores with the rule applied: rows with ``e(x) > 1`` score at least ``train_max + e(x) - 1``, and that
    where the model's own score of such a row is NaN (a network's float32 overflowed on it)."""
    far = excess(X, support) - 1.0
    outside = far > 0
    if outside.any():
        scores = scores.copy()
        scores[outside] = np.fmax(scores[outside], train_max + far[outside])
    return scores


class InvertedScoreWarning(UserWarning):
    """A fitted detector scores rows far outside its training data as normal."""


class ConstantScoreWarning(UserWarning):
    """A fitted detector scores every training row the same although the rows differ: it ranks nothing."""


def far_rows(X, *, distance=10.0, n_rows=8, seed=0):
    """``n_rows`` rows ``distance`` standard deviations from the mean of ``X`` in every feature.

    Each row is ``mean + distance * std * s`` for a seeded random sign vector ``s``; a
    feature without spread uses the median standard deviation (1 when all are 0).
    """
    X = np.asarray(X, dtype=np.float64)
    std = X.std(axis=0)
    floor = np.median(std)
    std = np.where(std > 0, std, floor if floor > 0 else 1.0)
    signs = np.random.default_rng(seed).choice([-1.0, 1.0], size=(n_rows, X.shape[1]))
    return X.mean(axis=0) + distance * std * signs
