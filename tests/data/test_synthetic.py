import numpy as np
import pytest

from ganad.data import (
    SYNTHETIC_SETS,
    make_anomaly_benchmark,
    make_arc,
    make_arc_anomaly_set,
    make_four_dots,
    make_four_dots_anomaly_set,
    make_loop,
    make_loop_anomaly_set,
    make_normal_1d,
    make_normal_1d_anomaly_set,
    make_ring,
    make_ring_anomaly_set,
)

GENERATORS = {
    "ring": (make_ring, 2),
    "loop": (make_loop, 2),
    "arc": (make_arc, 2),
    "four_dots": (make_four_dots, 2),
    "normal_1d": (make_normal_1d, 1),
}


def _nearest(points, targets):
    """Distance from each point to its nearest target, computed by brute force."""
    return np.linalg.norm(points[:, None, :] - targets[None, :, :], axis=-1).min(axis=1)


def _anomalies(X, y):
    return X[y == 1].astype(np.float64)


def test_synthetic_sets_lists_every_generator():
    assert set(SYNTHETIC_SETS) == set(GENERATORS)


@pytest.mark.parametrize("name", SYNTHETIC_SETS)
def test_generator_shape_dtype_and_seed(name):
    make, dim = GENERATORS[name]
    X = make(257, random_state=3)
    assert X.shape == (257, dim)
    assert X.dtype == np.float32
    np.testing.assert_array_equal(X, make(257, random_state=3))
    np.testing.assert_array_equal(X, make(257, random_state=np.random.default_rng(3)))
    assert not np.array_equal(X, make(257, random_state=4))


@pytest.mark.parametrize("name", SYNTHETIC_SETS)
def test_benchmark_shapes_labels_and_reproducibility(name):
    sizes = dict(n_train=300, n_test_normal=120, n_test_anomalies=80)
    X_train, X_test, y_test = make_anomaly_benchmark(name, **sizes, random_state=0)
    dim = GENERATORS[name][1]
    assert X_train.shape == (300, dim) and X_test.shape == (200, dim)
    assert X_train.dtype == X_test.dtype == np.float32
    assert set(np.unique(y_test)) == {0, 1}
    assert (y_test == 1).sum() == 80
    assert y_test[:120].sum() > 0, "normal and anomalous rows must be shuffled together"
    again = make_anomaly_benchmark(name, **sizes, random_state=0)
    for first, second in zip((X_train, X_test, y_test), again):
        np.testing.assert_array_equal(first, second)
    other = make_anomaly_benchmark(name, **sizes, random_state=1)
    assert not np.array_equal(X_test, other[1])


def test_benchmark_rejects_unknown_name():
    with pytest.raises(ValueError, match="four_dots"):
        make_anomaly_benchmark("swissroll", n_train=10, n_test_normal=5, n_test_anomalies=5)


def test_ring_follows_the_paper_geometry():
    X = make_ring(random_state=0).astype(np.float64)
    assert X.shape == (100_000, 2)
    angles = 2 * np.pi * np.arange(7) / 7
    centres = np.column_stack([np.cos(angles), np.sin(angles)])
    distances = np.linalg.norm(X[:, None, :] - centres[None], axis=-1)
    modes = distances.argmin(axis=1)
    counts = np.bincount(modes, minlength=7)
    assert np.all(np.abs(counts / len(X) - 1 / 7) < 0.01)
    residual = X - centres[modes]
    np.testing.assert_allclose(residual.std(axis=0), 0.05, rtol=0.03)


def test_ring_anomalies_lie_outside_the_level_set():
    X, y = make_ring_anomaly_set(400, 600, random_state=0)
    assert X.shape == (1000, 2) and (y == 1).sum() == 600
    angles = 2 * np.pi * np.arange(7) / 7
    centres = np.column_stack([np.cos(angles), np.sin(angles)])
    assert _nearest(_anomalies(X, y), centres).min() > 3 * 0.05
    assert np.abs(X[y == 1]).max() <= 1.5
    assert np.median(_nearest(X[y == 0].astype(np.float64), centres)) < 0.1


def test_loop_anomalies_are_off_the_circle():
    X, y = make_loop_anomaly_set(500, 500, random_state=0)
    radii = np.linalg.norm(X.astype(np.float64), axis=1)
    assert np.abs(radii[y == 1] - 1.5).min() > 3 * 0.1
    assert np.abs(X[y == 1]).max() <= 3.0
    assert abs(radii[y == 0].mean() - 1.5) < 0.02


@pytest.mark.long
def test_arc_covers_upper_half_and_anomalies_are_off_the_arc():
    X = make_arc(2000, random_state=0)
    assert X[:, 1].min() > -0.5, "the default arc is the upper half circle"
    theta = np.linspace(0.0, np.pi, 20_001)
    arc = 1.5 * np.column_stack([np.cos(theta), np.sin(theta)])
    X, y = make_arc_anomaly_set(300, 700, random_state=0)
    # the dense polyline is within 1e-4 of the arc
    assert _nearest(_anomalies(X, y), arc).min() > 3 * 0.1 - 1e-4
    below = _anomalies(X, y)[:, 1] < -0.5
    assert below.any(), "points under the arc's open side are anomalies"


def test_four_dots_anomalies_are_off_every_cluster():
    X = make_four_dots(4000, random_state=0).astype(np.float64)
    centres = 1.5 * np.array([[1, 1], [1, -1], [-1, 1], [-1, -1]])
    assert np.quantile(_nearest(X, centres), 0.99) < 0.35
    X, y = make_four_dots_anomaly_set(200, 800, random_state=0)
    assert _nearest(_anomalies(X, y), centres).min() > 3 * 0.1
    assert (np.abs(_anomalies(X, y)).max(axis=1) < 1.0).any(), "anomalies between the dots"


def test_normal_1d_and_its_tail_anomalies():
    X = make_normal_1d(20_000, random_state=0)
    assert abs(X.mean()) < 0.03 and abs(X.std() - 1) < 0.03
    X, y = make_normal_1d_anomaly_set(100, 900, random_state=0)
    magnitude = np.abs(X[y == 1, 0])
    assert magnitude.min() > 3.0 and magnitude.max() <= 6.0
    assert (X[y == 1, 0] < 0).any() and (X[y == 1, 0] > 0).any()


def test_generators_leave_the_global_rng_alone():
    state = np.random.get_state()[1].copy()
    make_anomaly_benchmark("ring", n_train=50, n_test_normal=20, n_test_anomalies=20)
    np.testing.assert_array_equal(state, np.random.get_state()[1])


@pytest.mark.parametrize("bad", [-1, 2.5, True])
def test_bad_sizes_raise(bad):
    with pytest.raises(ValueError, match="n_samples"):
        make_loop(bad)
    with pytest.raises(ValueError, match="n_anomalies"):
        make_ring_anomaly_set(10, bad)


def test_impossible_anomaly_box_raises():
    with pytest.raises(ValueError, match="half_width"):
        make_normal_1d_anomaly_set(10, 10, n_std=7.0, half_width=6.0, random_state=0)


def test_zero_anomalies_is_allowed():
    X, y = make_loop_anomaly_set(10, 0, random_state=0)
    assert X.shape == (10, 2) and not y.any()


@pytest.mark.parametrize(("make", "params", "message"), [
    (make_ring_anomaly_set, {"std": -0.05}, "std must be a finite number above 0"),
    (make_loop_anomaly_set, {"noise": -0.1}, "noise must be"),
    (make_four_dots_anomaly_set, {"std": -0.1}, "std must be"),
    (make_normal_1d_anomaly_set, {"n_std": -1.0}, "n_std must be"),
    (make_normal_1d_anomaly_set, {"scale": -1.0}, "scale must be"),
    (make_arc_anomaly_set, {"extent": -1.0}, "extent must be"),
    (make_arc_anomaly_set, {"radius": -1.0}, "radius must be"),
    (make_arc_anomaly_set, {"extent": 7.0}, "at most a full turn"),
    (make_ring_anomaly_set, {"std": float("nan")}, "std must be"),
    (make_ring_anomaly_set, {"n_modes": 0}, "n_modes must be a positive integer"),
])
def test_shapes_that_would_mislabel_anomalies_are_refused(make, params, message):
    """A probe found negative spreads accepted, with 3-16 % of the points labelled anomalous on the normal data."""
    with pytest.raises(ValueError, match=message):
        make(10, 10, **params)
