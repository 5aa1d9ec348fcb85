"""The additive-noise protocol (HistoryAD Fig. 6): clean and noisy halves of the test split."""

import numpy as np
import pytest

from ganad.protocols import PROTOCOLS, noise_split


def test_noise_split_halves_clean_and_noisy():
    X_train = np.zeros((10, 4))
    X_test = np.repeat(np.arange(20, dtype=np.float64)[:, None] / 40, 4, axis=1)  # row i holds i / 40
    split = noise_split(X_train, X_test, 0.5, random_state=0)
    assert split.X_train is X_train and split.y_test.tolist() == [0] * 10 + [1] * 10
    clean, noisy = split.X_test[:10], split.X_test[10:]
    ids = clean[:, 0] * 40
    assert (clean == clean[:, :1]).all() and len(set(ids)) == 10 and set(ids) <= set(range(20))  # distinct rows
    assert np.abs(noisy).max() <= 1.0 and not (noisy == noisy[:, :1]).all()

def test_noise_level_and_clipping():
    X_test = np.zeros((4000, 3))
    noisy = noise_split(X_test[:2], X_test, 0.3, clip=None, random_state=1).X_test[2000:]
    assert noisy.std() == pytest.approx(0.3, rel=0.05)
    clipped = noise_split(X_test[:2], X_test, 3.0, random_state=1).X_test[2000:]
    assert clipped.min() == -1.0 and clipped.max() == 1.0
    assert not np.array_equal(noise_split(X_test[:2], X_test, 0.3, random_state=2).X_test, noisy)


def test_noise_split_refuses_bad_input():
    with pytest.raises(ValueError, match="sigma"):
        noise_split(np.zeros((2, 3)), np.zeros((4, 3)), 0.0)
    with pytest.raises(ValueError, match="same features"):
        noise_split(np.zeros((2, 3)), np.zeros((4, 2)), 0.1)
    assert PROTOCOLS["noise"] is noise_split
