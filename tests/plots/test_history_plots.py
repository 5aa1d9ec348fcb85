"""HistoryAD figures (Chatillon & Ballester 2020, Fig. 3-4, 1/5/6, 8) draw from arrays and refuse bad input."""

import numpy as np
import pytest

from ganad import plots


def assert_png(path):
    assert path.is_file() and path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and path.stat().st_size > 1000


@pytest.fixture
def toy_arrays():
    rng = np.random.default_rng(0)
    grid = np.linspace(-4, 4, 50)
    snapshots = [(f"t = {t}", rng.normal(loc=3 - t, size=300)) for t in (1, 2, 3)]
    return rng.normal(size=500), snapshots, rng.normal(scale=2, size=500), grid, np.tanh(np.abs(grid) - 1.5)


@pytest.mark.long
def test_history_toy_draws_fig_3_and_4(tmp_path, toy_arrays):
    data, snapshots, history, grid, d_tv = toy_arrays
    assert_png(plots.plot_history_toy(data, snapshots, history, grid, d_tv, tmp_path / "fig3.png"))
    averaged = (np.abs(grid) - 1, np.abs(grid) - 1.1)
    assert_png(plots.plot_history_toy(data, snapshots, history, grid, d_tv, tmp_path / "fig34.png", averaged=averaged))


def test_history_toy_checks_its_inputs(tmp_path, toy_arrays):
    data, snapshots, history, grid, d_tv = toy_arrays
    with pytest.raises(ValueError, match="d_tv has 49 values for 50 grid points"):
        plots.plot_history_toy(data, snapshots, history, grid, d_tv[:-1], tmp_path / "x.png")
    with pytest.raises(ValueError, match="at least one"):
        plots.plot_history_toy(data, [], history, grid, d_tv, tmp_path / "x.png")


def test_score_densities(tmp_path):
    rng = np.random.default_rng(0)
    groups = {"MNIST": rng.normal(-1, 0.1, 200), "KMNIST": rng.normal(1, 0.2, 300)}
    assert_png(plots.plot_score_densities(groups, tmp_path / "d.png"))
    assert_png(plots.plot_score_densities({"constant": np.zeros(5)}, tmp_path / "c.png"))
    with pytest.raises(ValueError, match="finite"):
        plots.plot_score_densities({"bad": np.array([0.0, np.nan])}, tmp_path / "x.png")
    with pytest.raises(ValueError, match="at least one"):
        plots.plot_score_densities({}, tmp_path / "x.png")


@pytest.mark.long
def test_interpolation_strip_images_and_vectors(tmp_path):
    t = np.linspace(0, 1, 20)
    images = np.random.default_rng(0).uniform(-1, 1, size=(20, 28 * 28))
    scores = np.sin(3 * t)
    assert_png(plots.plot_interpolation_strip(t, images, scores, tmp_path / "strip.png", image_shape=(1, 28, 28)))
    rgb = np.random.default_rng(0).uniform(-1, 1, size=(20, 3 * 32 * 32))
    assert_png(plots.plot_interpolation_strip(t, rgb, scores, tmp_path / "rgb.png", image_shape=(3, 32, 32)))
    assert_png(plots.plot_interpolation_strip(t, images[:, :2], scores, tmp_path / "curve.png"))
    with pytest.raises(ValueError, match="one entry per step"):
        plots.plot_interpolation_strip(t, images[:5], scores, tmp_path / "x.png")
    with pytest.raises(ValueError, match="image_shape"):
        plots.plot_interpolation_strip(t, images, scores, tmp_path / "x.png", image_shape=(1, 32, 32))


@pytest.mark.long
def test_fitted_history_toy_draws_from_a_1d_model(tmp_path):
    from ganad.data import make_normal_1d
    from ganad.detectors.history import HistoryAD

    X = make_normal_1d(200, random_state=0)
    model = HistoryAD(hidden=(8, 8), n_epochs=2, saves_per_epoch=4, batch_size=32, keep_snapshots=True,
                      random_state=0, device="cpu").fit(X)
    assert_png(plots.plot_fitted_history_toy(model, X, tmp_path / "toy.png", n_samples=300))
    scaled = HistoryAD(hidden=(8, 8), n_epochs=1, scaling="standard", keep_snapshots=True, random_state=0,
                       device="cpu").fit(X)
    with pytest.raises(ValueError, match="1-D data without scaling"):
        plots.plot_fitted_history_toy(scaled, X, tmp_path / "x.png")
