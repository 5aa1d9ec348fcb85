"""Cross-data-set novelty protocol (HistoryAD, Chatillon & Ballester 2020).

Train on data set A's train split; test on A's test split (normal, label 0) followed by
B's test split (anomalies, label 1), e.g. A = MNIST, B = Fashion-MNIST. ``max_anomalies``
optionally keeps a seeded random subset of B's rows.
"""

import numpy as np

from .one_class import Split


def novelty_split(X_train_a, X_test_a, X_test_b, *, max_anomalies=None, random_state=None):
    """Split with A's train rows for training and A's + B's test rows for testing.

    HistoryAD's cross-data-set novelty (Chatillon & Ballester 2020): e.g. A = MNIST,
    B = Fashion-MNIST. The test set is A's test rows (label 0) followed by B's (label 1).

    Parameters
    ----------
    X_train_a : array-like of shape (n_train, n_features)
        A's train split.
    X_test_a : array-like of shape (n_test_a, n_features)
        A's test split, the normal test rows.
    X_test_b : array-like of shape (n_test_b, n_features)
        B's test split, the anomalies; same number of features as A.
    max_anomalies : int or None, default=None
        Keep a seeded random subset of at most this many of B's rows; None keeps all.
    random_state : int, numpy.random.Generator or None, default=None
        The seed of that subset (``np.random.default_rng``).

    Returns
    -------
    split : Split
        ``(X_train_a, X_test, y_test)``.

    Examples
    --------
    >>> from ganad.protocols import novelty_split
    >>> A, B = np.zeros((5, 2)), np.ones((4, 2))
    >>> novelty_split(A, A, B, max_anomalies=2, random_state=0).y_test
    array([0, 0, 0, 0, 0, 1, 1])
    """
    X_train_a, X_test_a, X_test_b = (np.asarray(a) for a in (X_train_a, X_test_a, X_test_b))
    if X_test_a.ndim != 2 or X_test_b.ndim != 2 or X_test_a.shape[1] != X_test_b.shape[1] \
            or X_train_a.shape[1:] != X_test_a.shape[1:]:
        raise ValueError("A's and B's arrays must be 2-D with the same number of features, got "
                         f"{X_train_a.shape}, {X_test_a.shape}, {X_test_b.shape}")
    rng = np.random.default_rng(random_state)
    if max_anomalies is not None and max_anomalies < len(X_test_b):
        X_test_b = X_test_b[rng.choice(len(X_test_b), size=int(max_anomalies), replace=False)]
    X_test = np.concatenate([X_test_a, X_test_b])
    y_test = np.concatenate([np.zeros(len(X_test_a), np.int64), np.ones(len(X_test_b), np.int64)])
    return Split(X_train_a, X_test, y_test)
