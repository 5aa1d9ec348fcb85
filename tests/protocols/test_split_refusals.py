"""Splits that could not be evaluated, or labels that match no class, are refused instead of returned.

A probe of the protocols found each of these returned silently: a two-column ``y`` flattened into labels,
NaN labels counted as anomalies or trained on as normal, a test split without its normal class (every test
row an anomaly), no training row, an empty test set, a ``k_percent`` of 150, and noise truncated to nothing
on integer images.
"""

import numpy as np
import pytest

from ganad.protocols import (contamination_split, leave_one_class_out_default_splits, leave_one_class_out_split,
                             noise_split, one_class_split)

X = np.arange(100.0)[:, None]
Y = np.arange(100) % 5


def test_labels_of_two_columns_are_refused_and_a_column_is_read():
    with pytest.raises(ValueError, match=r"n labels, got X \(100, 1\), y \(50, 2\)"):
        one_class_split(X, Y.reshape(50, 2), X, Y, 0)
    column = one_class_split(X, Y[:, None], X, Y, 0, n_test="all", random_state=0)
    np.testing.assert_array_equal(column.X_train, one_class_split(X, Y, X, Y, 0, n_test="all").X_train)


def test_nan_labels_are_refused():
    y = Y.astype(float)
    y[:10] = np.nan
    with pytest.raises(ValueError, match="10 label\\(s\\) are NaN"):
        leave_one_class_out_split(X, y, 2.0, random_state=0)
    with pytest.raises(ValueError, match="NaN"):
        one_class_split(X, Y, X, y, 0)


@pytest.mark.parametrize("make, message", [
    (lambda: one_class_split(X, Y, X, Y.astype(str), 0, n_test="all"), "no normal test row"),
    (lambda: one_class_split(X, Y, X, np.zeros(100), 0, n_test="all"), "no anomalous test row"),
    (lambda: one_class_split(X, Y, np.ones((100, 3)), Y, 0), "training rows of 1 features and test rows of 3"),
    (lambda: leave_one_class_out_split(X, Y, 2, train_fraction=1e-9), "no training row"),
    (lambda: leave_one_class_out_default_splits(X, Y, X, Y, 7), "no anomalous test row"),
    (lambda: contamination_split(X, (Y == 0).astype(int), train_fraction=0.001), "no training row"),
])
def test_a_split_that_cannot_be_evaluated_is_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize("n_test", [0, 0.5, 10.7, True, "ALL", "5"])
def test_one_class_split_refuses_a_test_count_that_is_not_a_positive_integer(n_test):
    with pytest.raises(ValueError, match="n_test must be a positive integer"):
        one_class_split(X, Y, X, Y, 0, n_test=n_test)


@pytest.mark.parametrize("k_percent", [150, -5, 0, float("nan"), "10", True])
def test_contamination_split_refuses_a_share_outside_0_to_100(k_percent):
    with pytest.raises(ValueError, match="k_percent must be a number in \\(0, 100\\)"):
        contamination_split(X, (Y == 0).astype(int), k_percent=k_percent)


def test_noise_on_integer_images_is_not_truncated_away():
    images = np.zeros((4, 5), dtype=int)
    split = noise_split(images, images, 0.3, random_state=0)
    assert split.X_test.dtype == np.float64 and (split.X_test[split.y_test == 1] != 0).any()
    with pytest.raises(ValueError, match="sigma must be a finite number"):
        noise_split(images, images, np.inf)
    with pytest.raises(ValueError, match="clip must be"):
        noise_split(images, images, 0.3, clip=(1.0, -1.0))
