"""Synthetic normal data with labelled anomaly test sets, from the papers' toy experiments.

Sources:

- ``ring``: Haloui, Sen Gupta & Feuillard, "Anomaly detection with Wasserstein GAN"
  (arXiv:1812.02463, 2018), §2.1 "2D Mixture of gaussians".
- ``loop``, ``arc``, ``four_dots``: Yang, Bozchalooi & Darve, "Regularized Cycle Consistent
  Generative Adversarial Network for Anomaly Detection" (RCGAN, ECAI 2020), §5.1 and Fig. 3.
- ``normal_1d``: Chatillon & Ballester, "History-based anomaly detector: an adversarial
  approach to anomaly detection" (HistoryAD, 2020), §3.2 and Fig. 3.

None of these papers defines a labelled anomaly test set numerically, so every set here uses
one rule: the anomalies are drawn uniformly in a box around the normal data and kept only when
they lie further than ``n_std`` noise standard deviations from the noiseless support
(rejection sampling). Labels are 1 for an anomaly and 0 for a normal sample. Normal test
samples come from the data distribution itself, so its Gaussian tails put a few of them
(0.3 % in 1-D, 1.1 % for a 2-D blob at ``n_std=3``) inside the anomaly region; they keep
label 0. Every array is float32; all randomness comes from
``np.random.default_rng(random_state)``.
"""

import math
from numbers import Real

import numpy as np

from ..utils.params import is_count

SYNTHETIC_SETS = ("ring", "loop", "arc", "four_dots", "normal_1d")

# RCGAN §5.1 plots every toy set on [-3, 3]^2 but gives no radius, spread or size.
_RCGAN_SCALE = 1.5
_RCGAN_NOISE = 0.1
_RCGAN_HALF_WIDTH = 3.0
_DEFAULT_N_SAMPLES = 10_000  # none of the three papers gives a size for these toy sets
_MAX_REJECTION_ROUNDS = 100


def make_ring(n_samples=100_000, *, n_modes=7, radius=1.0, std=0.05, random_state=None):
    """Mixture of ``n_modes`` isotropic Gaussians with centres evenly spaced on a circle.

    Haloui et al. 2018, §2.1: "a mixture of 7 gaussians with centers positioned on the unit
    circle", 100 000 points (Fig. 1). The paper gives no standard deviation; ``std=0.05``
    keeps the modes well apart (neighbouring centres are 2 sin(pi/7) = 0.87 = 17 std apart)
    while each mode remains a visible blob. Centres sit at angles ``2 pi k / n_modes``; the
    mixture weights, also not given, are equal. Fig. 8's caption names a mode at (0, 1),
    which would put the centres at ``pi / 2 + 2 pi k / 7``: the paper's ring may be ours
    turned by 13 degrees (its figures are not in our copy), which moves no distance between
    points and only turns the ring inside the square the anomalies are drawn from.
    Returns ``(n_samples, 2)``.

    Parameters
    ----------
    n_samples : int, default=100_000
        The points drawn.
    n_modes : int, default=7
        The Gaussians.
    radius : float, default=1.0
        The radius of the circle of centres.
    std : float, default=0.05
        Each Gaussian's standard deviation.
    random_state : int, numpy.random.Generator or None, default=None
        The seed (``np.random.default_rng(random_state)``).

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float32

    Examples
    --------
    >>> from ganad.data import make_ring
    >>> X = make_ring(500, random_state=0)
    >>> X.shape, X.dtype
    ((500, 2), dtype('float32'))
    """
    rng = np.random.default_rng(random_state)
    _check_count(n_samples, "n_samples")
    _check_positive(radius=radius, std=std)
    _check_count(n_modes, "n_modes", minimum=1)
    centres = _ring_centres(n_modes, radius)
    modes = rng.integers(n_modes, size=n_samples)
    X = centres[modes] + std * rng.standard_normal((n_samples, 2))
    return X.astype(np.float32)


def make_ring_anomaly_set(n_normal=1000, n_anomalies=1000, *, n_modes=7, radius=1.0,
                          std=0.05, n_std=3.0, half_width=1.5, random_state=None):
    """Labelled test set for :func:`make_ring`: fresh ring samples plus off-level-set points.

    Haloui et al. 2018, §2.1: "an anomaly is considered as being every point outside the level
    set of the gaussian centers". The level is not given; we take the level set at ``n_std``
    standard deviations, so anomalies are uniform in ``[-half_width, half_width]^2`` and
    further than ``n_std * std`` from every centre. Returns ``(X, y)``, shuffled together.

    Parameters
    ----------
    n_normal : int, default=1000
        Normal samples, drawn from the generator of the normal data.
    n_anomalies : int, default=1000
        Anomalies, uniform in the box and off the support.
    n_modes : int, default=7
        The Gaussians, as :func:`make_ring`.
    radius : float, default=1.0
        The radius of the circle of centres.
    std : float, default=0.05
        Each Gaussian's standard deviation.
    n_std : float, default=3.0
        The level set: anomalies lie further than ``n_std * std`` from every centre.
    half_width : float, default=1.5
        Anomalies are uniform in ``[-half_width, half_width]^2``.
    random_state : int, numpy.random.Generator or None, default=None
        The seed (``np.random.default_rng(random_state)``).

    Returns
    -------
    X : ndarray of shape (n_normal + n_anomalies, 2), float32
        Normal and anomalous samples, shuffled together.
    y : ndarray of shape (n_normal + n_anomalies,), int64
        1 for an anomaly, 0 for a normal sample.

    Examples
    --------
    >>> from ganad.data import make_ring_anomaly_set
    >>> X, y = make_ring_anomaly_set(n_normal=100, n_anomalies=20, random_state=0)
    >>> X.shape, int(y.sum())
    ((120, 2), 20)
    """
    _check_positive(radius=radius, std=std, n_std=n_std, half_width=half_width)
    _check_count(n_modes, "n_modes", minimum=1)
    centres = _ring_centres(n_modes, radius)
    return _labelled_set(
        lambda n, rng: make_ring(n, n_modes=n_modes, radius=radius, std=std, random_state=rng),
        lambda X: _distance_to_points(X, centres),
        n_normal, n_anomalies, min_distance=n_std * std, box=(-half_width, half_width), dim=2,
        random_state=random_state)


def make_loop(n_samples=_DEFAULT_N_SAMPLES, *, radius=_RCGAN_SCALE, noise=_RCGAN_NOISE,
              random_state=None):
    """RCGAN's "loop": a full circle of ``radius`` around the origin with Gaussian noise.

    Yang et al. 2020, §5.1 / Fig. 3 name the set but give no size, radius or noise. Choices:
    angle uniform on [0, 2 pi), ``radius=1.5`` so the loop and its surroundings fit the
    paper's [-3, 3]^2 plotting window, isotropic noise ``noise=0.1`` on both coordinates,
    10 000 samples. Returns ``(n_samples, 2)``.

    Parameters
    ----------
    n_samples : int, default=10_000
        The points drawn.
    radius : float, default=1.5
        The circle's radius.
    noise : float, default=0.1
        The standard deviation of the isotropic Gaussian noise.
    random_state : int, numpy.random.Generator or None, default=None
        The seed (``np.random.default_rng(random_state)``).

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float32

    Examples
    --------
    >>> from ganad.data import make_loop
    >>> make_loop(300, random_state=0).shape
    (300, 2)
    """
    return make_arc(n_samples, radius=radius, start=0.0, extent=2 * np.pi, noise=noise,
                    random_state=random_state)


def make_arc(n_samples=_DEFAULT_N_SAMPLES, *, radius=_RCGAN_SCALE, start=0.0, extent=np.pi,
             noise=_RCGAN_NOISE, random_state=None):
    """RCGAN's "arc": an arc of a circle around the origin with Gaussian noise.

    Yang et al. 2020, §5.1 / Fig. 3 give no geometry. Choices: the upper half circle
    (angles uniform in ``[start, start + extent] = [0, pi]``), ``radius=1.5``, isotropic
    noise ``noise=0.1``, 10 000 samples (as :func:`make_loop`). Returns ``(n_samples, 2)``.

    Parameters
    ----------
    n_samples : int, default=10_000
        The points drawn.
    radius : float, default=1.5
        The circle's radius.
    start : float, default=0.0
        The angle where the arc starts, in radians.
    extent : float, default=pi
        The arc's angle, in radians.
    noise : float, default=0.1
        The standard deviation of the isotropic Gaussian noise.
    random_state : int, numpy.random.Generator or None, default=None
        The seed (``np.random.default_rng(random_state)``).

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float32

    Examples
    --------
    >>> from ganad.data import make_arc
    >>> make_arc(300, random_state=0).shape
    (300, 2)
    """
    rng = np.random.default_rng(random_state)
    _check_count(n_samples, "n_samples")
    _check_arc(radius=radius, extent=extent, noise=noise, start=start)
    angles = start + extent * rng.random(n_samples)
    X = radius * np.column_stack([np.cos(angles), np.sin(angles)])
    X += noise * rng.standard_normal((n_samples, 2))
    return X.astype(np.float32)


def make_four_dots(n_samples=_DEFAULT_N_SAMPLES, *, offset=_RCGAN_SCALE, std=_RCGAN_NOISE,
                   random_state=None):
    """RCGAN's "four-dot": four equal Gaussian clusters at ``(+-offset, +-offset)``.

    Yang et al. 2020, §5.1 stress that the normal data "reside in discontinuous clusters" and
    that anomalies lie between them, but give no positions or spread. Choices: centres at the
    corners of a square, ``offset=1.5`` (inside the [-3, 3]^2 window), ``std=0.1``, clusters
    picked uniformly, 10 000 samples. Returns ``(n_samples, 2)``.

    Parameters
    ----------
    n_samples : int, default=10_000
        The points drawn.
    offset : float, default=1.5
        The centres are at ``(+-offset, +-offset)``.
    std : float, default=0.1
        Each cluster's standard deviation.
    random_state : int, numpy.random.Generator or None, default=None
        The seed (``np.random.default_rng(random_state)``).

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float32

    Examples
    --------
    >>> from ganad.data import make_four_dots
    >>> make_four_dots(300, random_state=0).shape
    (300, 2)
    """
    rng = np.random.default_rng(random_state)
    _check_count(n_samples, "n_samples")
    _check_positive(offset=offset, std=std)
    centres = _square_centres(offset)
    clusters = rng.integers(4, size=n_samples)
    X = centres[clusters] + std * rng.standard_normal((n_samples, 2))
    return X.astype(np.float32)


def make_normal_1d(n_samples=_DEFAULT_N_SAMPLES, *, loc=0.0, scale=1.0, random_state=None):
    """HistoryAD's 1-D toy: points "sampled from the normal law" (Chatillon & Ballester, §3.2).

    The paper (Fig. 3) gives neither the parameters nor the size; we use the standard normal
    N(``loc``=0, ``scale``=1) and 10 000 samples. Returns ``(n_samples, 1)``.

    Parameters
    ----------
    n_samples : int, default=10_000
        The points drawn.
    loc : float, default=0.0
        The mean.
    scale : float, default=1.0
        The standard deviation.
    random_state : int, numpy.random.Generator or None, default=None
        The seed (``np.random.default_rng(random_state)``).

    Returns
    -------
    X : ndarray of shape (n_samples, 1), float32

    Examples
    --------
    >>> from ganad.data import make_normal_1d
    >>> make_normal_1d(300, random_state=0).shape
    (300, 1)
    """
    rng = np.random.default_rng(random_state)
    _check_count(n_samples, "n_samples")
    _check_positive(scale=scale)
    _check_finite(loc=loc)
    return (loc + scale * rng.standard_normal((n_samples, 1))).astype(np.float32)


def make_loop_anomaly_set(n_normal=1000, n_anomalies=1000, *, radius=_RCGAN_SCALE,
                          noise=_RCGAN_NOISE, n_std=3.0, half_width=_RCGAN_HALF_WIDTH,
                          random_state=None):
    """Labelled test set for :func:`make_loop`: anomalies ``n_std * noise`` off the circle.

    Anomalies are uniform in ``[-half_width, half_width]^2 = [-3, 3]^2``, the window over
    which RCGAN (§5.1, Fig. 3) shows its discriminators. Returns ``(X, y)``.

    Parameters
    ----------
    n_normal : int, default=1000
        Normal samples, drawn from the generator of the normal data.
    n_anomalies : int, default=1000
        Anomalies, uniform in the box and off the support.
    radius : float, default=1.5
        The circle's radius, as :func:`make_loop`.
    noise : float, default=0.1
        The standard deviation of the Gaussian noise.
    n_std : float, default=3.0
        Anomalies lie further than ``n_std * noise`` from the circle.
    half_width : float, default=3.0
        Anomalies are uniform in ``[-half_width, half_width]^2``.
    random_state : int, numpy.random.Generator or None, default=None
        The seed (``np.random.default_rng(random_state)``).

    Returns
    -------
    X : ndarray of shape (n_normal + n_anomalies, 2), float32
        Normal and anomalous samples, shuffled together.
    y : ndarray of shape (n_normal + n_anomalies,), int64
        1 for an anomaly, 0 for a normal sample.

    Examples
    --------
    >>> from ganad.data import make_loop_anomaly_set
    >>> X, y = make_loop_anomaly_set(n_normal=100, n_anomalies=20, random_state=0)
    >>> X.shape, int(y.sum())
    ((120, 2), 20)
    """
    return make_arc_anomaly_set(n_normal, n_anomalies, radius=radius, start=0.0,
                                extent=2 * np.pi, noise=noise, n_std=n_std,
                                half_width=half_width, random_state=random_state)


def make_arc_anomaly_set(n_normal=1000, n_anomalies=1000, *, radius=_RCGAN_SCALE, start=0.0,
                         extent=np.pi, noise=_RCGAN_NOISE, n_std=3.0,
                         half_width=_RCGAN_HALF_WIDTH, random_state=None):
    """Labelled test set for :func:`make_arc`: anomalies ``n_std * noise`` off the arc.

    Anomalies are uniform in ``[-3, 3]^2`` (RCGAN §5.1, Fig. 3). Returns ``(X, y)``.

    Parameters
    ----------
    n_normal : int, default=1000
        Normal samples, drawn from the generator of the normal data.
    n_anomalies : int, default=1000
        Anomalies, uniform in the box and off the support.
    radius : float, default=1.5
        The circle's radius, as :func:`make_arc`.
    start : float, default=0.0
        The angle where the arc starts, in radians.
    extent : float, default=pi
        The arc's angle, in radians.
    noise : float, default=0.1
        The standard deviation of the Gaussian noise.
    n_std : float, default=3.0
        Anomalies lie further than ``n_std * noise`` from the arc.
    half_width : float, default=3.0
        Anomalies are uniform in ``[-half_width, half_width]^2``.
    random_state : int, numpy.random.Generator or None, default=None
        The seed (``np.random.default_rng(random_state)``).

    Returns
    -------
    X : ndarray of shape (n_normal + n_anomalies, 2), float32
        Normal and anomalous samples, shuffled together.
    y : ndarray of shape (n_normal + n_anomalies,), int64
        1 for an anomaly, 0 for a normal sample.

    Examples
    --------
    >>> from ganad.data import make_arc_anomaly_set
    >>> X, y = make_arc_anomaly_set(n_normal=100, n_anomalies=20, random_state=0)
    >>> X.shape, int(y.sum())
    ((120, 2), 20)
    """
    _check_arc(radius=radius, extent=extent, noise=noise, start=start)
    _check_positive(n_std=n_std, half_width=half_width)
    return _labelled_set(
        lambda n, rng: make_arc(n, radius=radius, start=start, extent=extent, noise=noise,
                                random_state=rng),
        lambda X: _distance_to_arc(X, radius, start, extent),
        n_normal, n_anomalies, min_distance=n_std * noise, box=(-half_width, half_width), dim=2,
        random_state=random_state)


def make_four_dots_anomaly_set(n_normal=1000, n_anomalies=1000, *, offset=_RCGAN_SCALE,
                               std=_RCGAN_NOISE, n_std=3.0, half_width=_RCGAN_HALF_WIDTH,
                               random_state=None):
    """Labelled test set for :func:`make_four_dots`: anomalies ``n_std * std`` off every centre.

    Anomalies are uniform in ``[-3, 3]^2`` (RCGAN §5.1, Fig. 3), so many fall between the
    clusters, the region the paper singles out. Returns ``(X, y)``.

    Parameters
    ----------
    n_normal : int, default=1000
        Normal samples, drawn from the generator of the normal data.
    n_anomalies : int, default=1000
        Anomalies, uniform in the box and off the support.
    offset : float, default=1.5
        The centres are at ``(+-offset, +-offset)``, as :func:`make_four_dots`.
    std : float, default=0.1
        Each cluster's standard deviation.
    n_std : float, default=3.0
        Anomalies lie further than ``n_std * std`` from every centre.
    half_width : float, default=3.0
        Anomalies are uniform in ``[-half_width, half_width]^2``.
    random_state : int, numpy.random.Generator or None, default=None
        The seed (``np.random.default_rng(random_state)``).

    Returns
    -------
    X : ndarray of shape (n_normal + n_anomalies, 2), float32
        Normal and anomalous samples, shuffled together.
    y : ndarray of shape (n_normal + n_anomalies,), int64
        1 for an anomaly, 0 for a normal sample.

    Examples
    --------
    >>> from ganad.data import make_four_dots_anomaly_set
    >>> X, y = make_four_dots_anomaly_set(n_normal=100, n_anomalies=20, random_state=0)
    >>> X.shape, int(y.sum())
    ((120, 2), 20)
    """
    centres = _square_centres(offset)
    _check_positive(offset=offset, std=std, n_std=n_std, half_width=half_width)
    return _labelled_set(
        lambda n, rng: make_four_dots(n, offset=offset, std=std, random_state=rng),
        lambda X: _distance_to_points(X, centres),
        n_normal, n_anomalies, min_distance=n_std * std, box=(-half_width, half_width), dim=2,
        random_state=random_state)


def make_normal_1d_anomaly_set(n_normal=1000, n_anomalies=1000, *, loc=0.0, scale=1.0,
                               n_std=3.0, half_width=6.0, random_state=None):
    """Labelled test set for :func:`make_normal_1d`: anomalies with ``|x - loc| > n_std * scale``.

    HistoryAD (§3.3, Fig. 3) only shows that its score keeps increasing outside the support
    of the data; it defines no test set. Anomalies are uniform on
    ``[loc - half_width * scale, loc + half_width * scale]`` minus the central
    ``+-n_std * scale`` band, i.e. ``[-6, -3] U [3, 6]`` by default. Returns ``(X, y)``.

    Parameters
    ----------
    n_normal : int, default=1000
        Normal samples, drawn from the generator of the normal data.
    n_anomalies : int, default=1000
        Anomalies, uniform in the box and off the support.
    loc : float, default=0.0
        The mean of the normal law, as :func:`make_normal_1d`.
    scale : float, default=1.0
        Its standard deviation.
    n_std : float, default=3.0
        Anomalies satisfy ``|x - loc| > n_std * scale``.
    half_width : float, default=6.0
        Anomalies lie within ``half_width * scale`` of ``loc``.
    random_state : int, numpy.random.Generator or None, default=None
        The seed (``np.random.default_rng(random_state)``).

    Returns
    -------
    X : ndarray of shape (n_normal + n_anomalies, 1), float32
        Normal and anomalous samples, shuffled together.
    y : ndarray of shape (n_normal + n_anomalies,), int64
        1 for an anomaly, 0 for a normal sample.

    Examples
    --------
    >>> from ganad.data import make_normal_1d_anomaly_set
    >>> X, y = make_normal_1d_anomaly_set(n_normal=100, n_anomalies=20, random_state=0)
    >>> bool((abs(X[y == 1]) > 3).all())
    True
    """
    _check_positive(scale=scale, n_std=n_std, half_width=half_width)
    _check_finite(loc=loc)
    return _labelled_set(
        lambda n, rng: make_normal_1d(n, loc=loc, scale=scale, random_state=rng),
        lambda X: np.abs(X[:, 0] - loc),
        n_normal, n_anomalies, min_distance=n_std * scale,
        box=(loc - half_width * scale, loc + half_width * scale), dim=1, random_state=random_state)


_GENERATORS = {
    "ring": (make_ring, make_ring_anomaly_set),
    "loop": (make_loop, make_loop_anomaly_set),
    "arc": (make_arc, make_arc_anomaly_set),
    "four_dots": (make_four_dots, make_four_dots_anomaly_set),
    "normal_1d": (make_normal_1d, make_normal_1d_anomaly_set),
}


def make_anomaly_benchmark(name, *, n_train, n_test_normal, n_test_anomalies,
                           random_state=None):
    """Draw a normal training set and a labelled test set for one of ``SYNTHETIC_SETS``.

    The training set holds normal samples only (the one-class protocol of every source
    paper); the test set is the set's ``make_<name>_anomaly_set`` with default geometry.
    Both draws come from one generator, so a seed fixes the whole benchmark.
    Returns ``(X_train, X_test, y_test)``.

    Parameters
    ----------
    name : {"ring", "loop", "arc", "four_dots", "normal_1d"}
        The set (``SYNTHETIC_SETS``).
    n_train : int
        Normal training samples.
    n_test_normal : int
        Normal test samples.
    n_test_anomalies : int
        Anomalous test samples.
    random_state : int, numpy.random.Generator or None, default=None
        The seed (``np.random.default_rng(random_state)``).

    Returns
    -------
    X_train : ndarray of shape (n_train, n_features), float32
        Normal samples only.
    X_test : ndarray of shape (n_test_normal + n_test_anomalies, n_features), float32
        Normal and anomalous samples, shuffled together.
    y_test : ndarray of shape (n_test_normal + n_test_anomalies,), int64
        1 for an anomaly, 0 for a normal sample.

    Examples
    --------
    >>> from ganad.data import make_anomaly_benchmark
    >>> X_train, X_test, y_test = make_anomaly_benchmark(
    ...     "four_dots", n_train=500, n_test_normal=100, n_test_anomalies=50, random_state=0)
    >>> X_train.shape, X_test.shape, int(y_test.sum())
    ((500, 2), (150, 2), 50)
    """
    if name not in _GENERATORS:
        valid = ", ".join(SYNTHETIC_SETS)
        raise ValueError(f"unknown synthetic set {name!r}; valid names: {valid}")
    make_normal, make_test = _GENERATORS[name]
    rng = np.random.default_rng(random_state)
    X_train = make_normal(n_train, random_state=rng)
    X_test, y_test = make_test(n_test_normal, n_test_anomalies, random_state=rng)
    return X_train, X_test, y_test


def _labelled_set(sample_normal, distance, n_normal, n_anomalies, *, min_distance, box, dim,
                  random_state):
    """Normal samples (label 0) and off-support anomalies (label 1), shuffled together."""
    _check_count(n_normal, "n_normal")
    _check_count(n_anomalies, "n_anomalies")
    rng = np.random.default_rng(random_state)
    normal = sample_normal(n_normal, rng)
    anomalies = _sample_off_support(distance, n_anomalies, min_distance=min_distance, box=box,
                                    dim=dim, rng=rng)
    X = np.concatenate([normal, anomalies]).astype(np.float32)
    y = np.concatenate([np.zeros(n_normal, dtype=np.int64), np.ones(n_anomalies, dtype=np.int64)])
    order = rng.permutation(len(y))
    return X[order], y[order]


def _sample_off_support(distance, n, *, min_distance, box, dim, rng):
    """``n`` uniform points of ``[low, high]^dim`` further than ``min_distance`` from the support.

    Vectorised rejection sampling: each round draws about twice the missing count.
    """
    low, high = box
    kept, n_kept = [np.empty((0, dim), dtype=np.float32)], 0
    for _ in range(_MAX_REJECTION_ROUNDS):
        if n_kept >= n:
            break
        # float32 before the test, so the returned points satisfy it exactly
        candidates = rng.uniform(low, high, size=(2 * (n - n_kept) + 16, dim)).astype(np.float32)
        accepted = candidates[distance(candidates) > min_distance]
        kept.append(accepted)
        n_kept += len(accepted)
    if n_kept < n:
        raise ValueError("the anomaly box is (almost) covered by the normal support; "
                         "increase half_width or decrease n_std")
    return np.concatenate(kept)[:n]


def _distance_to_points(X, centres):
    """Euclidean distance from each row of ``X`` to its nearest centre."""
    # (n, 1, d) - (1, k, d) -> (n, k)
    return np.linalg.norm(X[:, None, :] - centres[None, :, :], axis=-1).min(axis=1)


def _distance_to_arc(X, radius, start, extent):
    """Euclidean distance from each row of ``X`` to the arc of angles ``[start, start + extent]``.

    The nearest point of the full circle is at the query's own angle; when that angle lies
    on the arc the distance is ``| |x| - radius |``, otherwise the nearest point is an end.
    """
    ends = radius * np.array([[np.cos(start), np.sin(start)],
                              [np.cos(start + extent), np.sin(start + extent)]])
    distance = _distance_to_points(X, ends)
    on_arc = np.mod(np.arctan2(X[:, 1], X[:, 0]) - start, 2 * np.pi) <= extent
    radial = np.abs(np.linalg.norm(X, axis=1) - radius)
    return np.where(on_arc, radial, distance)


def _ring_centres(n_modes, radius):
    angles = 2 * np.pi * np.arange(n_modes) / n_modes
    return radius * np.column_stack([np.cos(angles), np.sin(angles)])


def _square_centres(offset):
    return offset * np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]])


def _check_count(n, name, minimum=0):
    if not is_count(n, minimum):
        kind = "a non-negative integer" if minimum == 0 else "a positive integer"
        raise ValueError(f"{name} must be {kind}, got {n!r}")


def _check_positive(**values):
    """Spreads, sizes and distances: finite numbers above 0 (a negative one mislabelled anomalies on the data)."""
    for name, value in values.items():
        if not _is_finite_number(value) or value <= 0:
            raise ValueError(f"{name} must be a finite number above 0, got {value!r}")


def _check_finite(**values):
    for name, value in values.items():
        if not _is_finite_number(value):
            raise ValueError(f"{name} must be a finite number, got {value!r}")


def _is_finite_number(value):
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def _check_arc(*, radius, extent, noise, start):
    """An arc's sizes positive, its extent at most a full turn (``_distance_to_arc`` measures within one)."""
    _check_positive(radius=radius, extent=extent, noise=noise)
    _check_finite(start=start)
    if extent > 2 * np.pi:
        raise ValueError(f"extent must be at most a full turn (2 pi), got {extent!r}")
