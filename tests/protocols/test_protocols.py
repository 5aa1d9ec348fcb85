"""Protocol splits on small labelled synthetic arrays: sizes, labels, clean training sets, seeding."""

import numpy as np
import pytest

from ganad.protocols import (contamination_split, leave_one_class_out_default_splits, leave_one_class_out_split,
                             novelty_split, one_class_split, repeat)


@pytest.fixture(scope="module")
def labelled():
    """300 rows of 4 features, 3 classes of 100; the first feature holds the class."""
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2], 100)
    X = np.column_stack([y, rng.normal(size=(300, 3))]).astype(np.float64)
    return X, y


def test_one_class_trains_on_one_class_and_draws_test_rows(labelled):
    X, y = labelled
    split = one_class_split(X, y, X, y, 1, n_test=50, random_state=0)
    assert (split.X_train[:, 0] == 1).all() and len(split.X_train) == 100
    assert len(split.X_test) == 50
    np.testing.assert_array_equal(split.y_test, (split.X_test[:, 0] != 1).astype(int))
    assert len(one_class_split(X, y, X, y, 1, n_test="all").X_test) == 300


def test_leave_one_class_out_holds_no_anomaly_in_training(labelled):
    X, y = labelled
    split = leave_one_class_out_split(X, y, 2, train_fraction=0.8, random_state=0)
    assert len(split.X_train) == 160 and (split.X_train[:, 0] != 2).all()
    assert len(split.X_test) == 40 + 100 and split.y_test.sum() == 100
    np.testing.assert_array_equal(split.y_test, (split.X_test[:, 0] == 2).astype(int))
    default = leave_one_class_out_default_splits(X, y, X, y, 2, random_state=0)
    assert (default.X_train[:, 0] != 2).all() and len(default.X_test) == 300


def test_contamination_split_sizes_and_k_percent(labelled):
    X, y = labelled
    y_anomaly = (y == 2).astype(int)
    split = contamination_split(X, y_anomaly, train_fraction=0.8, random_state=0)
    assert (split.X_train[:, 0] != 2).all() and len(split.X_test) == 60
    assert split.k_percent == pytest.approx(100 / 3)
    kept = contamination_split(X, y_anomaly, train_fraction=0.5, train_on="all", k_percent=2.5, random_state=0)
    assert len(kept.X_train) == 150 and kept.k_percent == 2.5


def test_novelty_split_labels_b_as_anomalies(labelled):
    X, _ = labelled
    split = novelty_split(X[:200], X[200:250], X[250:], max_anomalies=10, random_state=0)
    assert len(split.X_train) == 200 and len(split.X_test) == 60 and split.y_test.sum() == 10


@pytest.mark.parametrize("make", [
    lambda X, y, s: one_class_split(X, y, X, y, 0, n_test=50, random_state=s),
    lambda X, y, s: leave_one_class_out_split(X, y, 0, random_state=s),
    lambda X, y, s: contamination_split(X, (y == 0).astype(int), random_state=s),
])
def test_splits_are_deterministic_given_the_seed(labelled, make):
    X, y = labelled
    first, again, other = make(X, y, 3), make(X, y, 3), make(X, y, 4)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first.X_test, other.X_test)


def test_repeat_gives_mean_and_std_over_seeds(labelled):
    X, y = labelled
    result = repeat(contamination_split, [0, 1, 2], lambda X_train, X_test, seed: X_test[:, 0] + 1e-3 * X_test[:, 1],
                    X=X, y=(y == 2).astype(int), k_percent=100 / 3)
    assert len(result["runs"]) == 3
    assert result["mean"]["auroc"] == pytest.approx(1.0) and result["std"]["auroc"] == 0.0
    assert 0.7 < result["mean"]["f1"] <= 1.0  # top-k % flags about the anomaly share of the test part
