"""Additive Gaussian noise protocol (HistoryAD, Chatillon & Ballester 2020, Fig. 6).

"Method trained on MNIST (normal) and evaluated on modified MNIST images for different levels
sigma of gaussian additive noise." The paper shows score densities per sigma; to put a number
on each level we split the test split in two halves with the seed: one half stays clean
(normal, label 0), the other gets ``N(0, sigma^2)`` noise per pixel (anomalous, label 1), so no
image appears both clean and noisy. The noisy pixels are clipped to ``clip`` (the [-1, 1] pixel
range by default; ``None`` or ``false`` in a spec keeps them unclipped). The paper states neither the split nor the
clipping: both are our choices.
"""

import numpy as np

from .one_class import Split


def noise_split(X_train, X_test, sigma, *, clip=(-1.0, 1.0), random_state=None):
    """Train on ``X_train``; test on half of ``X_test`` clean and the other half plus noise ``sigma``.

    HistoryAD's additive-noise experiment (Chatillon & Ballester 2020, Fig. 6), made a
    labelled test set: a seeded half of ``X_test`` stays clean (label 0), the other half
    gets ``N(0, sigma^2)`` noise per value (label 1), clipped to ``clip``.

    Parameters
    ----------
    X_train : array-like of shape (n_train, n_features)
        The training rows, returned as they are.
    X_test : array-like of shape (n_test, n_features)
        The rows to split, at least 2.
    sigma : float
        The noise's standard deviation, > 0.
    clip : tuple of float or None, default=(-1.0, 1.0)
        (low, high) the noisy values are clipped to (the [-1, 1] pixel range); None keeps
        them unclipped.
    random_state : int, numpy.random.Generator or None, default=None
        The seed of the halves and of the noise (``np.random.default_rng``).

    Returns
    -------
    split : Split
        ``(X_train, X_test, y_test)``: the clean half first, then the noisy half.

    Examples
    --------
    >>> from ganad.protocols import noise_split
    >>> X = np.zeros((6, 3))
    >>> split = noise_split(X, X, sigma=0.5, random_state=0)
    >>> split.y_test
    array([0, 0, 0, 1, 1, 1])
    """
    X_train, X_test = np.asarray(X_train), np.asarray(X_test)
    if X_test.ndim != 2 or X_train.ndim != 2 or X_train.shape[1] != X_test.shape[1] or len(X_test) < 2:
        raise ValueError(f"X_train and X_test must be 2-D with the same features and X_test >= 2 rows, "
                         f"got {X_train.shape}, {X_test.shape}")
    if not 0 < sigma < np.inf:
        raise ValueError(f"sigma must be a finite number > 0, got {sigma!r}")
    if clip and not clip[0] < clip[1]:
        raise ValueError(f"clip must be (low, high) with low < high, got {clip!r}")
    if X_test.dtype.kind != "f":  # integer pixels would truncate (or wrap) the noise: noisy rows equal to clean ones
        X_test = X_test.astype(np.float64)
    rng = np.random.default_rng(random_state)
    order = rng.permutation(len(X_test))
    clean, noisy = X_test[order[:len(order) // 2]], X_test[order[len(order) // 2:]]
    noisy = noisy + rng.normal(scale=sigma, size=noisy.shape)
    if clip:
        noisy = np.clip(noisy, *clip)
    X = np.concatenate([clean, noisy.astype(X_test.dtype)])
    y = np.concatenate([np.zeros(len(clean), np.int64), np.ones(len(noisy), np.int64)])
    return Split(X_train, X, y)
