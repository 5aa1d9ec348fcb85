"""Holdout selection (ADGAN §4.2) on tiny synthetic data: rows from the training split only, best AUROC kept."""

import numpy as np
import pytest

from ganad.protocols.holdout_selection import labelled_holdout, select_on_holdout


@pytest.fixture(scope="module")
def labelled():
    """300 rows of 4 features, 3 classes of 100; the first feature holds the row's index."""
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1, 2], 100)
    X = np.column_stack([np.arange(300), rng.normal(size=(300, 3))])
    return X, y


def test_holdout_is_training_rows_and_fit_rows_are_normal_rows_outside_it(labelled):
    X, y = labelled
    holdout = labelled_holdout(X, y, 1, size=60, max_fit=50, random_state=0)
    np.testing.assert_array_equal(holdout.X_holdout, X[holdout.holdout_rows])
    np.testing.assert_array_equal(holdout.y_holdout, (y[holdout.holdout_rows] != 1).astype(int))
    assert len(holdout.X_holdout) == 60 and 0 < holdout.y_holdout.sum() < 60
    assert (y[holdout.fit_rows] == 1).all() and len(holdout.X_fit) == 50
    assert not set(holdout.fit_rows) & set(holdout.holdout_rows)
    again = labelled_holdout(X, y, 1, size=60, max_fit=50, random_state=0)
    np.testing.assert_array_equal(again.holdout_rows, holdout.holdout_rows)


def test_holdout_without_both_labels_is_refused(labelled):
    X, y = labelled
    with pytest.raises(ValueError, match="needs both"):
        labelled_holdout(X[y == 0], y[y == 0], 0, size=10, random_state=0)


class ColumnScore:
    """A stub detector: anomaly score = |column ``column`` - its training mean|."""

    def __init__(self, column):
        self.column = column

    def fit(self, X):
        self.mean_ = X[:, self.column].mean()
        return self

    def anomaly_score(self, X):
        return np.abs(X[:, self.column] - self.mean_)


def test_select_on_holdout_keeps_the_best_candidate():
    rng = np.random.default_rng(0)
    X_fit = rng.normal(size=(50, 3))
    X_holdout, y_holdout = rng.normal(size=(40, 3)), np.repeat([0, 1], 20)
    X_holdout[y_holdout == 1, 2] += 5.0  # only column 2 tells the anomalies apart
    best, scores = select_on_holdout(lambda params: ColumnScore(**params), {"column": [0, 1, 2]},
                                     X_fit, X_holdout, y_holdout)
    assert best == {"column": 2}
    assert [params["column"] for params, _ in scores] == [0, 1, 2]
    assert scores[2][1] == 1.0 and max(auroc for _, auroc in scores[:2]) < 0.9


def test_select_on_holdout_ties_keep_the_first_in_grid_order():
    X, y = np.zeros((6, 2)), np.array([0, 0, 0, 1, 1, 1])
    best, _ = select_on_holdout(lambda params: ColumnScore(**params), {"column": [1, 0]}, X, X, y)
    assert best == {"column": 1}
